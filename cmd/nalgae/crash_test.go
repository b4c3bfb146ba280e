package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/imports"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

// TestCrashSafety SIGKILLs the real binary, many times and at random
// moments, while it applies a large SearchAd import and while students post
// and edit entries and sales records, then proves from the database that
// the crash cost nothing it had promised:
//
//   - SQLite's integrity and foreign-key checks pass (PostgreSQL's own crash
//     safety is the server's; there a killed client's transaction is rolled
//     back, and the remaining checks are the same);
//   - every write answered 2xx is stored with the acknowledged values (a
//     write cut off unanswered may hold either its old or its new values);
//   - each import is entirely present or entirely absent — its campaign
//     holds every day of the file with the file's sums, or nothing — and its
//     audit event exists exactly when its rows do; an answered import is
//     present.
//
// The first round lets the import finish, to time it; later rounds kill at
// a random moment within 1.3 times that. NALGAE_CRASH_SEED=n replays the
// moments (the interleaving within a round is the scheduler's).
func TestCrashSafety(t *testing.T) {
	// PostgreSQL applies the import several times slower than SQLite (a
	// round trip per row), so it gets fewer rounds in the same time.
	rounds := map[database.Dialect]int{database.SQLite: 14, database.Postgres: 10}[modelstest.Dialect()]
	const (
		writers       = 4
		importDays    = 2500
		importAdGroup = 8 // rows per day: a report broken down by ad group
	)
	seed := uint64(time.Now().UnixNano())
	if raw := os.Getenv("NALGAE_CRASH_SEED"); raw != "" {
		var err error
		if seed, err = strconv.ParseUint(raw, 10, 64); err != nil {
			t.Fatalf("NALGAE_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (replay the kill moments with NALGAE_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	began := time.Now()

	url := modelstest.NewDatabaseURL(t)
	fx := buildCrashFixture(t, url, rounds)
	report := searchAdReport(importDays, importAdGroup)
	parseStart := time.Now()
	if _, err := imports.ParseMetrics("searchad_daily.csv", report.data); err != nil {
		t.Fatal(err)
	}
	parseTime := time.Since(parseStart)
	t.Logf("%s: the import is %d rows (%d days) in %d KiB; reading it takes %s",
		modelstest.Dialect(), report.rows, importDays, len(report.data)>>10, parseTime.Round(time.Millisecond))

	w := &crashWriters{}
	var importTime time.Duration
	var kills, killsInApply, importsPresent, importsAbsent, checked int
	for round := range rounds {
		roundStart := time.Now()
		p := startServe(t, fmt.Sprintf("server (round %d)", round), url)
		p.ready()
		token := crashLogin(t, p)

		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.run(p.base, token, fx, rand.New(rand.NewPCG(seed, uint64(round*100+g+1))), stop)
			}()
		}
		imported := make(chan crashImport, 1)
		started := time.Now()
		go func() { imported <- postImport(p.base, token, fx.importCampaigns[round], report) }()

		var res crashImport
		var resDone bool
		if round == 0 {
			res, resDone = <-imported, true
			importTime = time.Since(started)
			if res.status != http.StatusOK || res.created != importDays {
				t.Fatalf("the timing round's import answered %d (%d created): %s", res.status, res.created, res.body)
			}
			time.Sleep(time.Duration(rng.Int64N(int64(300 * time.Millisecond)))) // writes go on alone
		} else {
			// Mostly while the file is read and applied, sometimes before the
			// upload or after the commit.
			time.Sleep(importTime/5 + time.Duration(rng.Int64N(int64(importTime))))
		}
		killedAt := time.Since(started)
		if round > 0 && killedAt > parseTime && killedAt < importTime {
			killsInApply++ // by the clock: after the file was read, before the commit
		}
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-p.exited
		kills++
		close(stop)
		wg.Wait()
		if !resDone {
			res = <-imported
		}
		if res.status >= 500 || (res.status != 0 && res.status != http.StatusOK) {
			t.Errorf("round %d: the import answered %d: %s", round, res.status, res.body)
		}

		present, n := verifyAfterCrash(t, url, fx, report, w, round, res.status == http.StatusOK)
		checked += n
		t.Logf("round %d: killed %s after the import began (answer %d, rows present %v); %d acknowledged writes checked; round took %s",
			round, killedAt.Round(time.Millisecond), res.status, present, n, time.Since(roundStart).Round(time.Millisecond))
		if present {
			importsPresent++
		} else {
			importsAbsent++
		}
		if t.Failed() {
			t.Fatalf("round %d: the database lost or broke something after a SIGKILL (seed %d)", round, seed)
		}
	}
	for _, problem := range w.problems {
		t.Error(problem)
	}

	// The last kill's database still starts and serves.
	p := startServe(t, "server (after the last kill)", url)
	p.ready()
	if code, body := p.call("GET", fmt.Sprintf("/api/v1/campaigns/%d/metrics?limit=1", fx.writeCampaign), nil, crashLogin(t, p)); code != http.StatusOK {
		t.Fatalf("after the last kill: %d %s", code, body)
	}
	acked := 0
	for _, wr := range append(w.entries, w.sales...) {
		if wr.acked != nil {
			acked++
		}
	}
	t.Logf("%s: %d kills in %s, %d of them while the import was being applied (by the clock: it took %s when not killed); "+
		"%d write requests answered, %d cut off by a kill; %d entries and records acknowledged, checked %d times after kills; "+
		"%d imports checked (%d present, %d absent); nothing lost",
		modelstest.Dialect(), kills, time.Since(began).Round(time.Millisecond), killsInApply, importTime.Round(time.Millisecond),
		w.answered.Load(), w.cutOff.Load(), acked, checked, rounds, importsPresent, importsAbsent)
}

// crashFixture is what the rounds write into: one campaign and team for the
// concurrent writes, and a fresh campaign for each round's import.
type crashFixture struct {
	studentEmail    string
	teamID          uint64
	writeCampaign   uint64
	importCampaigns []uint64
}

func buildCrashFixture(t *testing.T, url string, rounds int) *crashFixture {
	t.Helper()
	db, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	s, sys, ctx := models.NewStore(db), modelstest.System, context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build fixture: %v", err)
		}
	}
	fx := &crashFixture{studentEmail: "student@crash.nalgae"}
	name, role, pw := "박학생", models.RoleStudent, modelstest.Password
	student, err := s.CreateUser(ctx, sys, models.UserInput{Email: &fx.studentEmail, Name: &name, Role: &role, Password: &pw})
	must(err)
	pname, city, status := "충돌 시험 사업", "부산광역시", models.ProgramActive
	from, to := civil.MustParse("2001-01-01"), civil.MustParse("2026-12-31")
	program, err := s.CreateProgram(ctx, sys, models.ProgramInput{Name: &pname, City: &city, StartsOn: &from, EndsOn: &to, Status: &status})
	must(err)
	mname := "이도공감"
	merchant, err := s.CreateMerchant(ctx, sys, models.MerchantInput{Name: &mname})
	must(err)
	tname := "충돌팀"
	team, err := s.CreateTeam(ctx, sys, program.ID, models.TeamInput{Name: &tname, MerchantID: &merchant.ID})
	must(err)
	_, err = s.AddMember(ctx, sys, team.ID, student.ID, models.MemberLeader)
	must(err)
	fx.teamID = team.ID
	campaign := func(name string) uint64 {
		kind := models.KindSearchAd
		c, err := s.CreateCampaign(ctx, sys, team.ID, models.CampaignInput{Kind: &kind, Name: &name, StartsOn: &from})
		must(err)
		return c.ID
	}
	fx.writeCampaign = campaign("직접 입력")
	for r := range rounds {
		fx.importCampaigns = append(fx.importCampaigns, campaign(fmt.Sprintf("가져오기 %d", r)))
	}
	return fx
}

func crashLogin(t *testing.T, p *process) string {
	t.Helper()
	code, body := p.call("POST", "/api/v1/auth/login", map[string]string{"email": "student@crash.nalgae", "password": modelstest.Password}, "")
	if code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	return decodeJSON[api.TokenResponse](t, body).AccessToken
}

// crashReport is a generated Naver SearchAd report (the 2026 screen's
// headers) with its totals.
type crashReport struct {
	data                                []byte
	rows, days                          int
	impressions, clicks, spend, revenue int64
}

// searchAdReport writes days consecutive days from 2001-01-01, each broken
// down into adGroups rows that the import sums into one entry.
func searchAdReport(days, adGroups int) *crashReport {
	r := &crashReport{days: days}
	var b bytes.Buffer
	b.WriteString("\ufeff일별,캠페인,광고그룹,노출수,클릭수,총비용,총 전환수,총 전환매출액(원)\n")
	day := civil.MustParse("2001-01-01")
	for d := range days {
		for g := range adGroups {
			i := int64(d*adGroups + g)
			imp, clicks, spend, conv, revenue := 1000+i%977, 10+i%89, 5000+(i*37)%90000, i%7, (i*113)%900000
			fmt.Fprintf(&b, "%s,충돌시험_파워링크,그룹%d,\"%s\",%d,\"%s\",%d,\"%s\"\n",
				day.AddDays(d), g, thousands(imp), clicks, thousands(spend), conv, thousands(revenue))
			r.rows++
			r.impressions += imp
			r.clicks += clicks
			r.spend += spend
			r.revenue += revenue
		}
	}
	r.data = b.Bytes()
	return r
}

// thousands writes n as the ad tool does: 1,234,567.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// crashImport is what an import request got back; status 0 means no answer
// (the server was killed first).
type crashImport struct {
	status  int
	created int
	body    string
}

func postImport(base, token string, campaignID uint64, report *crashReport) crashImport {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", "searchad_daily.csv")
	if err == nil {
		_, err = part.Write(report.data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return crashImport{body: err.Error()}
	}
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/campaigns/%d/imports?dry_run=false", base, campaignID), &body)
	if err != nil {
		return crashImport{body: err.Error()}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return crashImport{body: err.Error()}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return crashImport{body: err.Error()} // cut off mid-answer: not acknowledged
	}
	var out models.ImportResult
	_ = json.Unmarshal(raw, &out)
	return crashImport{status: res.StatusCode, created: out.Created, body: string(raw)}
}

// crashWriters post and edit entries and sales records, remembering what
// each write was answered (acked) and what is in flight when the server
// dies (pending), across all rounds.
type crashWriters struct {
	nextDay  atomic.Int64 // entries and records each take a day of their own
	answered atomic.Int64
	cutOff   atomic.Int64

	mu       sync.Mutex
	entries  []*crashWrite
	sales    []*crashWrite
	problems []string
}

// maxCrashDays is how many days from 2001-01-01 the writers create entries
// and records on: none of them in the future.
const maxCrashDays = 9000

// crashWrite is one entry's or record's story: the values the last answered
// write stored, and those of a write that got no answer.
type crashWrite struct {
	kind    string // "metric" or "sales"
	day     civil.Date
	id      uint64 // 0 until a create is answered
	version int64
	acked   *int64 // spend_krw or sales_krw
	pending *int64
}

func (w *crashWriters) problem(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.problems) < 20 {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	}
}

// run writes until stop is closed or the server stops answering.
func (w *crashWriters) run(base, token string, fx *crashFixture, rng *rand.Rand, stop <-chan struct{}) {
	client := &http.Client{Timeout: 30 * time.Second}
	var mine []*crashWrite
	for {
		// A short pause: the writes are there to be cut off by the kill,
		// not to flood the server.
		select {
		case <-stop:
			return
		case <-time.After(time.Duration(rng.IntN(3000)) * time.Microsecond):
		}
		value := rng.Int64N(1_000_000_000)
		var wr *crashWrite
		var method, path string
		var body map[string]any
		if len(mine) > 0 && rng.IntN(3) == 0 {
			wr = mine[rng.IntN(len(mine))]
			field := "spend_krw"
			method, path = "PATCH", fmt.Sprintf("/api/v1/metrics/%d", wr.id)
			if wr.kind == "sales" {
				field, path = "sales_krw", fmt.Sprintf("/api/v1/sales/%d", wr.id)
			}
			body = map[string]any{field: value, "version": wr.version}
		} else {
			n := w.nextDay.Add(1)
			if n > maxCrashDays {
				continue // out of days of their own: edits only
			}
			wr = &crashWrite{kind: "metric", day: civil.MustParse("2001-01-01").AddDays(int(n))}
			method, path = "POST", fmt.Sprintf("/api/v1/campaigns/%d/metrics", fx.writeCampaign)
			body = map[string]any{"date": wr.day, "spend_krw": value, "impressions": 100, "clicks": 7}
			if rng.IntN(3) == 0 {
				wr.kind, path = "sales", fmt.Sprintf("/api/v1/teams/%d/sales", fx.teamID)
				body = map[string]any{"period_start": wr.day, "period_end": wr.day, "channel": models.ChannelAll, "sales_krw": value}
			}
			w.mu.Lock()
			if wr.kind == "sales" {
				w.sales = append(w.sales, wr)
			} else {
				w.entries = append(w.entries, wr)
			}
			w.mu.Unlock()
		}
		wr.pending = &value
		status, answer, err := crashCall(client, method, base+path, token, body)
		if err != nil {
			w.cutOff.Add(1) // the server died with the write in flight: it may or may not be stored
			return
		}
		w.answered.Add(1)
		if status >= 300 {
			w.problem("%s %s: %d %s", method, path, status, answer.raw)
			wr.pending = nil
			return
		}
		wr.id, wr.version, wr.acked, wr.pending = answer.ID, answer.Version, &value, nil
		if method == "POST" {
			mine = append(mine, wr)
		}
	}
}

type crashAnswer struct {
	ID      uint64 `json:"id"`
	Version int64  `json:"version"`
	raw     string
}

// crashCall sends a JSON request; an error means no (whole) answer came.
func crashCall(client *http.Client, method, url, token string, body any) (int, crashAnswer, error) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	if err != nil {
		return 0, crashAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, crashAnswer{}, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, crashAnswer{}, err
	}
	var a crashAnswer
	if res.StatusCode < 300 {
		if err := json.Unmarshal(out, &a); err != nil {
			return 0, crashAnswer{}, fmt.Errorf("a cut-off answer: %w", err)
		}
	}
	a.raw = string(out)
	return res.StatusCode, a, nil
}

// verifyAfterCrash opens the killed server's database and checks it; it
// returns whether the round's import is present and how many acknowledged
// writes it checked.
func verifyAfterCrash(t *testing.T, url string, fx *crashFixture, report *crashReport, w *crashWriters, round int, importAnswered bool) (bool, int) {
	t.Helper()
	db, err := database.Open(url)
	if err != nil {
		t.Fatalf("round %d: open after the kill: %v", round, err)
	}
	defer database.Close(db)
	if database.DialectOf(db) == database.SQLite {
		var integrity []string
		if err := db.Raw("PRAGMA integrity_check").Scan(&integrity).Error; err != nil {
			t.Fatal(err)
		}
		if len(integrity) != 1 || integrity[0] != "ok" {
			t.Errorf("round %d: PRAGMA integrity_check: %v", round, integrity)
		}
		var fkProblems []map[string]any
		if err := db.Raw("PRAGMA foreign_key_check").Scan(&fkProblems).Error; err != nil {
			t.Fatal(err)
		}
		if len(fkProblems) > 0 {
			t.Errorf("round %d: PRAGMA foreign_key_check: %v", round, fkProblems)
		}
	}

	// The import: all of it or none of it, with its audit event iff its rows.
	campaignID := fx.importCampaigns[round]
	var got struct {
		Days                                int64
		Impressions, Clicks, Spend, Revenue int64
	}
	if err := db.Raw(`SELECT COUNT(*) AS days, COALESCE(CAST(SUM(impressions) AS BIGINT), 0) AS impressions,
		COALESCE(CAST(SUM(clicks) AS BIGINT), 0) AS clicks, COALESCE(CAST(SUM(spend_krw) AS BIGINT), 0) AS spend,
		COALESCE(CAST(SUM(revenue_krw) AS BIGINT), 0) AS revenue FROM metric_entries WHERE campaign_id = ?`, campaignID).
		Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	present := got.Days > 0
	if present && (got.Days != int64(report.days) || got.Impressions != report.impressions || got.Clicks != report.clicks ||
		got.Spend != report.spend || got.Revenue != report.revenue) {
		t.Errorf("round %d: the import is partly there: %+v, want %d days, impressions %d, clicks %d, spend %d, revenue %d",
			round, got, report.days, report.impressions, report.clicks, report.spend, report.revenue)
	}
	if importAnswered && !present {
		t.Errorf("round %d: the import was answered 200 but its rows are gone", round)
	}
	var audits []models.AuditEvent
	if err := db.Where("action = ? AND entity = ?", "import", "metric").Find(&audits).Error; err != nil {
		t.Fatal(err)
	}
	events := 0
	for _, ev := range audits {
		var after struct {
			CampaignID uint64 `json:"campaign_id"`
		}
		if err := json.Unmarshal([]byte(ev.After), &after); err != nil {
			t.Fatalf("audit %d: %v", ev.ID, err)
		}
		if after.CampaignID == campaignID {
			events++
		}
	}
	if want := map[bool]int{true: 1, false: 0}[present]; events != want {
		t.Errorf("round %d: the import's rows are present=%v, but it has %d audit events", round, present, events)
	}

	// Every acknowledged write, with the acknowledged values.
	w.mu.Lock()
	defer w.mu.Unlock()
	checked := 0
	// A write is found by its day, so that a create cut off unanswered is
	// found too.
	type stored struct {
		Day            civil.Date
		Version, Value int64
	}
	load := func(query string, owner uint64) map[civil.Date][]stored {
		var rows []stored
		if err := db.Raw(query, owner).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		byDay := map[civil.Date][]stored{}
		for _, r := range rows {
			byDay[r.Day] = append(byDay[r.Day], r)
		}
		return byDay
	}
	check := func(wr *crashWrite, byDay map[civil.Date][]stored) {
		rows := byDay[wr.day]
		if wr.acked == nil { // a create cut off: stored whole, or not at all
			if len(rows) > 0 && (wr.pending == nil || rows[0].Value != *wr.pending) {
				t.Errorf("round %d: unanswered create of %s %s is stored as %+v", round, wr.kind, wr.day, rows[0])
			}
			return
		}
		checked++
		switch {
		case len(rows) != 1:
			t.Errorf("round %d: acknowledged %s of %s (id %d) is not stored (%d rows)", round, wr.kind, wr.day, wr.id, len(rows))
		case rows[0].Value == *wr.acked && rows[0].Version == wr.version:
		case wr.pending != nil && rows[0].Value == *wr.pending && rows[0].Version == wr.version+1:
			// The write in flight at the kill was committed; it is the writer's
			// base from now on.
			wr.acked, wr.version, wr.pending = wr.pending, wr.version+1, nil
		default:
			t.Errorf("round %d: %s %d holds %d at version %d, acknowledged %d at version %d (in flight: %v)",
				round, wr.kind, wr.id, rows[0].Value, rows[0].Version, *wr.acked, wr.version, deref(wr.pending))
		}
		wr.pending = nil
	}
	entries := load("SELECT date AS day, version, spend_krw AS value FROM metric_entries WHERE campaign_id = ?", fx.writeCampaign)
	for _, wr := range w.entries {
		check(wr, entries)
	}
	sales := load("SELECT period_start AS day, version, sales_krw AS value FROM sales_records WHERE team_id = ?", fx.teamID)
	for _, wr := range w.sales {
		check(wr, sales)
	}
	return present, checked
}

func deref(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}
