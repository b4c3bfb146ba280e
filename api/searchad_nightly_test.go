package api

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
)

// Two instances on one database, both woken for the same night: exactly one
// pulls, once per linked campaign of an active program, and the other does
// nothing. (On PostgreSQL with NALGAE_TEST_DIALECT=postgres; on SQLite the
// two stores share one file.)
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
	for _, s := range stores {
		configureSources(t, s)
		s.SetSearchAd(client)
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

	night := civil.Today()
	results := make([]models.NightlyResult, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			res, err := s.RunNightlyPulls(context.Background(), night, "instance-"+itoa(uint64(i)))
			if err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	claimed := 0
	for _, r := range results {
		if r.Claimed {
			claimed++
			if r.Pulled != 1 || r.Failed != 0 {
				t.Errorf("the pulling instance: %+v, want one campaign pulled", r)
			}
		}
	}
	if claimed != 1 {
		t.Fatalf("%d instances pulled, want 1: %+v", claimed, results)
	}
	if all, _ := fake.Requests(); all != 1 {
		t.Fatalf("SearchAd saw %d requests, want 1", all)
	}
	// The last 7 days before the night, as drafts from searchad-api.
	var n int64
	db.Model(&models.MetricEntry{}).Where("campaign_id = ? AND source = ? AND date >= ? AND date <= ?",
		w.CampaignA1.ID, models.SourceSearchAdAPI, night.AddDays(-7), night.AddDays(-1)).Count(&n)
	if n != 7 {
		t.Fatalf("%d nightly entries, want 7", n)
	}
	// The same night again: nothing.
	if res, err := stores[1].RunNightlyPulls(context.Background(), night, "late"); err != nil || res.Claimed {
		t.Fatalf("a second run of the night: %+v, %v", res, err)
	}
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
