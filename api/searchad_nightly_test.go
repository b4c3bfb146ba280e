package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/jobs"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
)

// Two instances on one database, each with River's client and the nightly
// job scheduled: River's leader inserts the night's job at start (the
// schedule's RunOnStart, as after a restart), and exactly one pull happens —
// once per linked campaign of an active program — whoever works it. (On
// PostgreSQL with NALGAE_TEST_DIALECT=postgres; on SQLite the two instances
// and their River clients share one file.)
func TestNightlyPullOneInstance(t *testing.T) {
	start := civil.Today().AddDays(-10)
	fake := searchadfake.New(searchadfake.DemoAccount(fakeCustomer, fakeAPIKey, fakeSecret, fakeCampaign, start, 10))
	srv := httptest.NewServer(fake)
	defer srv.Close()
	url := modelstest.NewDatabaseURL(t)
	db, other := openTwice(t, url), openTwice(t, url)
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	client, _ := searchad.New(srv.URL, searchad.WithBackoff(time.Millisecond))
	stores := []*models.Store{models.NewStore(db), models.NewStore(other)}
	pulls := &pullCounts{}
	for _, s := range stores {
		configureSources(t, s)
		s.SetSearchAd(client)
		s.ObservePulls(pulls.add)
	}
	w := modelstest.BuildWorld(t, stores[0])
	linkCampaign(w.CampaignA1.ID)(t, &testEnv{store: stores[0]})
	// A campaign of a closed program is not pulled.
	kind, name, day := models.KindSearchAd, "B 파워링크", civil.MustParse("2025-10-01")
	closedCampaign, err := stores[0].CreateCampaign(context.Background(), modelstest.System, w.TeamB1.ID, models.CampaignInput{Kind: &kind, Name: &name, StartsOn: &day})
	if err != nil {
		t.Fatal(err)
	}
	linkCampaign(closedCampaign.ID)(t, &testEnv{store: stores[0]})
	closed := models.ProgramClosed
	if _, err := stores[0].UpdateProgram(context.Background(), modelstest.System, w.ProgramB.ID, models.ProgramInput{Status: &closed}); err != nil {
		t.Fatal(err)
	}

	runners := make([]jobs.Runner, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { runners[i] = startRunner(t, s, url, "instance-"+itoa(uint64(i)), true) })
	}
	wg.Wait()
	done := waitForJobs(t, runners[1], 2)
	var nightly, campaign []*rivertype.JobRow
	for _, j := range done {
		if j.State != rivertype.JobStateCompleted {
			t.Errorf("job %s %s: %s after %d attempts: %v", j.Kind, j.EncodedArgs, j.State, j.Attempt, j.Errors)
		}
		switch j.Kind {
		case jobs.KindNightly:
			nightly = append(nightly, j)
		case jobs.KindNightlyCampaign:
			campaign = append(campaign, j)
		}
	}
	if len(nightly) != 1 || len(campaign) != 1 {
		t.Fatalf("%d nightly jobs and %d campaign jobs, want one each", len(nightly), len(campaign))
	}
	night := jobNight(t, nightly[0])
	if want := (models.NightlyAt{}).Night(time.Now().Add(time.Minute)); night != want && night != want.AddDays(-1) {
		t.Fatalf("the job at start pulls night %s, want %s", night, want)
	}
	if all, _ := fake.Requests(); all != 1 {
		t.Fatalf("SearchAd saw %d requests, want 1", all)
	}
	if got := pulls.get(); len(got) != 1 || got[models.TriggerNightly+"/applied"] != 1 {
		t.Fatalf("pulls counted %v, want one nightly applied", got)
	}
	// The last 7 days before the night, as drafts from searchad-api, written
	// by one audited import.
	var n int64
	db.Model(&models.MetricEntry{}).Where("campaign_id = ? AND source = ? AND date >= ? AND date <= ?",
		w.CampaignA1.ID, models.SourceSearchAdAPI, night.AddDays(-7), night.AddDays(-1)).Count(&n)
	if n != 7 {
		t.Fatalf("%d nightly entries, want 7", n)
	}
	var events int64
	db.Model(&models.AuditEvent{}).Where("ip = ?", "nightly-pull").Count(&events)
	if events != 1 {
		t.Fatalf("%d audit events of the nightly pull, want 1", events)
	}
	// The same night again, from either instance: River skips the duplicate.
	for i, r := range runners {
		if inserted, err := r.InsertNightly(context.Background(), night); err != nil || inserted {
			t.Fatalf("instance %d inserted the night again: %v, %v", i, inserted, err)
		}
	}
}

// A refused pull (401) is cancelled at once, not retried; SearchAd out of
// reach is retried later with backoff. Neither writes a day.
func TestNightlyPullRetries(t *testing.T) {
	fake := searchadfake.New(searchadfake.DemoAccount(fakeCustomer, fakeAPIKey, "AQAAAADzqXMrOTHERsecretZWFkYmVlZg==", fakeCampaign, civil.Today().AddDays(-10), 10))
	srv := httptest.NewServer(fake)
	defer srv.Close()
	url := modelstest.NewDatabaseURL(t)
	db := openTwice(t, url)
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	configureSources(t, store)
	pulls := &pullCounts{}
	store.ObservePulls(pulls.add)
	w := modelstest.BuildWorld(t, store)
	linkCampaign(w.CampaignA1.ID)(t, &testEnv{store: store})
	before := countCampaignEntries(t, db, w.CampaignA1.ID)
	night := civil.Today()

	// The stand-in knows another secret: 401.
	client, _ := searchad.New(srv.URL, searchad.WithBackoff(time.Millisecond))
	store.SetSearchAd(client)
	r := startRunner(t, store, url, "refused", false)
	if inserted, err := r.InsertNightly(context.Background(), night); err != nil || !inserted {
		t.Fatalf("insert the night: %v, %v", inserted, err)
	}
	for _, j := range waitForJobs(t, r, 2) {
		if j.Kind == jobs.KindNightlyCampaign && (j.State != rivertype.JobStateCancelled || j.Attempt != 1) {
			t.Fatalf("refused pull: %s after %d attempts, want cancelled after 1", j.State, j.Attempt)
		}
	}
	link, err := store.GetSearchAdLink(context.Background(), modelstest.System, w.CampaignA1.ID)
	if err != nil || link.LastError == "" || link.LastPulledAt != nil {
		t.Fatalf("refused pull: link %+v, %v", link, err)
	}
	if got := pulls.get(); got[models.TriggerNightly+"/refused"] != 1 {
		t.Fatalf("pulls counted %v, want one nightly refused", got)
	}

	// SearchAd out of reach: the campaign's job waits for another try.
	down := httptest.NewServer(fake)
	down.Close()
	client, _ = searchad.New(down.URL, searchad.WithBackoff(time.Millisecond))
	store.SetSearchAd(client)
	if inserted, err := r.InsertNightly(context.Background(), night.AddDays(-1)); err != nil || !inserted {
		t.Fatalf("insert the night before: %v, %v", inserted, err)
	}
	var retry *rivertype.JobRow
	for retry == nil {
		for _, j := range waitForJobs(t, r, 3) {
			if j.Kind == jobs.KindNightlyCampaign && jobNight(t, j) == night.AddDays(-1) && j.State == rivertype.JobStateRetryable {
				retry = j
			}
		}
		sleepPoll()
	}
	if retry.Attempt < 1 || len(retry.Errors) != retry.Attempt || !retry.ScheduledAt.After(retry.Errors[len(retry.Errors)-1].At) {
		t.Fatalf("unreachable SearchAd: attempt %d, errors %v, next try at %s", retry.Attempt, retry.Errors, retry.ScheduledAt)
	}
	if n := countCampaignEntries(t, db, w.CampaignA1.ID); n != before {
		t.Fatalf("failed pulls wrote entries: %d, was %d", n, before)
	}
}

// startRunner starts River's client of one instance, stopped when the test
// ends; scheduled, with the nightly pull at midnight Seoul, so that
// RunOnStart inserts a night already due.
func startRunner(t *testing.T, store *models.Store, url, id string, scheduled bool) jobs.Runner {
	t.Helper()
	var at *models.NightlyAt
	if scheduled {
		at = &models.NightlyAt{}
	}
	r, err := jobs.Start(context.Background(), jobs.Config{Store: store, DatabaseURL: url, PullAt: at,
		ID: id, PollInterval: 50 * time.Millisecond, TestOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop River: %v", err)
		}
	})
	return r
}

// waitForJobs waits until River holds at least n nightly jobs and none is
// still to be worked now, and returns them.
func waitForJobs(t *testing.T, r jobs.Runner, n int) []*rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		all, err := r.Jobs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		busy := false
		for _, j := range all {
			switch j.State {
			case rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending:
				busy = true
			}
		}
		if len(all) >= n && !busy {
			return all
		}
		if time.Now().After(deadline) {
			t.Fatalf("River did not work the nightly jobs: %d jobs, busy %v", len(all), busy)
		}
		sleepPoll()
	}
}

func sleepPoll() { time.Sleep(20 * time.Millisecond) }

func jobNight(t *testing.T, j *rivertype.JobRow) civil.Date {
	t.Helper()
	var args struct {
		Night string `json:"night"`
	}
	if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
		t.Fatal(err)
	}
	return civil.MustParse(args.Night)
}

func countCampaignEntries(t *testing.T, db *gorm.DB, campaignID uint64) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.MetricEntry{}).Where("campaign_id = ?", campaignID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// pullCounts counts pulls by trigger and outcome, as /metrics does.
type pullCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (p *pullCounts) add(trigger, outcome string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == nil {
		p.n = map[string]int{}
	}
	p.n[trigger+"/"+outcome]++
}

func (p *pullCounts) get() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.n {
		out[k] = v
	}
	return out
}

// openTwice opens the database at url as an instance of its own would.
func openTwice(t *testing.T, url string) *gorm.DB {
	t.Helper()
	db, err := database.OpenWithPool(url, database.Pool{MaxOpenConns: 4, MaxIdleConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	return db
}
