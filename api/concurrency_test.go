package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// TestConcurrentWriters runs 50 clients at once over real HTTP against one
// server on one database (SQLite, or PostgreSQL when the suite runs there):
// 40 students, four to a team, log and edit daily entries and sales records,
// submit them, and increment shared "counter" entries by read-modify-write
// with version (a 409 means re-read and retry); 10 professors approve and
// return whatever is submitted, and return approved counters so that
// students can go on. Then it proves that nothing was lost or forced:
//
//   - no answer was a 5xx or mentioned a locked or busy database;
//   - every counter holds exactly the sum of its acknowledged increments;
//   - every acknowledged create is stored with the last acknowledged values;
//   - no two sales records of a team overlap, though teammates race to
//     enter the same weeks;
//   - each entry's and record's audit trail is one unbroken chain of
//     versions (a lost update shows as two writes from the same version),
//     no student wrote to an approved one, and the stored row is where the
//     chain ends.
//
// NALGAE_CONCURRENCY_SEED=n replays the clients' random choices (their
// interleaving is the scheduler's).
func TestConcurrentWriters(t *testing.T) {
	const (
		teams           = 10
		studentsPerTeam = 4
		professors      = 10
		countersPerTeam = 3
		opsPerWriter    = 40
	)
	seed := uint64(time.Now().UnixNano())
	if raw := os.Getenv("NALGAE_CONCURRENCY_SEED"); raw != "" {
		var err error
		if seed, err = strconv.ParseUint(raw, 10, 64); err != nil {
			t.Fatalf("NALGAE_CONCURRENCY_SEED: %v", err)
		}
	}
	t.Logf("seed %d (replay the choices with NALGAE_CONCURRENCY_SEED=%d)", seed, seed)

	start := time.Now()
	env := newEnv(t)
	fx := buildConcurrencyFixture(t, env, teams, studentsPerTeam, professors, countersPerTeam)
	t.Logf("fixture: %d teams, %d students, %d professors, %d counters in %s",
		teams, teams*studentsPerTeam, professors, len(fx.counters), time.Since(start).Round(time.Millisecond))

	srv := httptest.NewServer(env.srv.Handler())
	defer srv.Close()
	cl := &concClient{base: srv.URL + BasePath, http: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		Timeout:   60 * time.Second,
	}}

	run := time.Now()
	var wg sync.WaitGroup
	for i, st := range fx.students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.work(cl, rand.New(rand.NewPCG(seed, uint64(i))), opsPerWriter)
		}()
	}
	for i, p := range fx.professors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(cl, rand.New(rand.NewPCG(seed, uint64(1000+i))), opsPerWriter)
		}()
	}
	wg.Wait()
	elapsed := time.Since(run)

	for _, p := range cl.problems {
		t.Error(p)
	}
	written := verifyConcurrentWrites(t, env, fx)
	t.Logf("%s: %d requests in %s (%.0f/s); %d version conflicts re-read and retried; %d approvals, %d returns; "+
		"%d student edits of approved entries refused (403); %d increments acknowledged; %d shared weeks recorded once; %d writes verified; %d problems",
		modelstest.Dialect(), cl.requests.Load(), elapsed.Round(time.Millisecond), float64(cl.requests.Load())/elapsed.Seconds(),
		cl.conflicts.Load(), cl.approvals.Load(), cl.returns.Load(), cl.refusedApproved.Load(), cl.increments.Load(), cl.sharedWeeks.Load(),
		written, len(cl.problems))
}

// concFixture is the program the clients work in.
type concFixture struct {
	program    *models.Program
	students   []*concStudent
	professors []*concProfessor
	counters   []*concCounter
	studentIDs map[uint64]bool
}

// concCounter is an entry that a team's students increment together.
type concCounter struct {
	id    uint64
	acked atomic.Int64 // the sum of the acknowledged increments of spend_krw
}

// concStudent writes to their team's campaign and sales.
type concStudent struct {
	token      string
	index      int // dates of the student's own entries and records start at their index
	campaignID uint64
	teamID     uint64
	counters   []*concCounter
	counterIDs []uint64 // of every team, for the professors
	entries    []*ackedEntry
	sales      []*ackedSales
}

// ackedEntry and ackedSales are what the student was last told is stored.
type ackedEntry struct {
	id             uint64
	revenue, spend int64
}
type ackedSales struct {
	id     uint64
	amount int64
}

type concProfessor struct {
	token      string
	programID  uint64
	counterIDs []uint64
}

func buildConcurrencyFixture(t *testing.T, env *testEnv, teams, studentsPerTeam, professors, countersPerTeam int) *concFixture {
	t.Helper()
	ctx := context.Background()
	s, sys := env.store, modelstest.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build fixture: %v", err)
		}
	}
	// One user is made through CreateUser; the others copy its password hash
	// (nobody logs in: the test mints their tokens), since fifty bcrypt
	// hashes would take most of the test's time.
	users := make([]*models.User, teams*studentsPerTeam+professors)
	for i := range users {
		role, email := models.RoleStudent, fmt.Sprintf("student%02d@conc.nalgae", i)
		if i >= teams*studentsPerTeam {
			role, email = models.RoleProfessor, fmt.Sprintf("prof%02d@conc.nalgae", i)
		}
		if i == 0 {
			name, pw := "동시 사용자", modelstest.Password
			u, err := s.CreateUser(ctx, sys, models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw})
			must(err)
			users[i] = u
			continue
		}
		u := *users[0]
		u.ID, u.Email, u.Role, u.CreatedAt, u.UpdatedAt = 0, email, role, time.Time{}, time.Time{}
		must(env.db.Create(&u).Error)
		users[i] = &u
	}
	name, city, status := "동시성 시험 사업", "부산광역시", models.ProgramActive
	from, to := civil.MustParse("2025-09-01"), civil.MustParse("2025-12-19")
	program, err := s.CreateProgram(ctx, sys, models.ProgramInput{Name: &name, City: &city, StartsOn: &from, EndsOn: &to, Status: &status})
	must(err)
	fx := &concFixture{program: program, studentIDs: map[uint64]bool{}}
	for _, u := range users[teams*studentsPerTeam:] {
		_, err := s.AddStaff(ctx, sys, program.ID, models.StaffInput{UserID: u.ID})
		must(err)
		fx.professors = append(fx.professors, &concProfessor{token: env.token(u), programID: program.ID})
	}
	var allCounters []uint64
	for ti := range teams {
		mname := fmt.Sprintf("상점 %d", ti)
		merchant, err := s.CreateMerchant(ctx, sys, models.MerchantInput{Name: &mname})
		must(err)
		tname := fmt.Sprintf("팀 %d", ti)
		team, err := s.CreateTeam(ctx, sys, program.ID, models.TeamInput{Name: &tname, MerchantID: &merchant.ID})
		must(err)
		kind, cname := models.KindSearchAd, "파워링크"
		campaign, err := s.CreateCampaign(ctx, sys, team.ID, models.CampaignInput{Kind: &kind, Name: &cname, StartsOn: &from})
		must(err)
		var counters []*concCounter
		for k := range countersPerTeam {
			day, zero := from.AddDays(k), int64(0)
			m, _, err := s.UpsertMetric(ctx, sys, campaign.ID, models.MetricInput{Date: &day, SpendKRW: &zero})
			must(err)
			c := &concCounter{id: m.ID}
			counters = append(counters, c)
			fx.counters = append(fx.counters, c)
			allCounters = append(allCounters, m.ID)
		}
		for si := range studentsPerTeam {
			u := users[ti*studentsPerTeam+si]
			role := models.MemberMember
			if si == 0 {
				role = models.MemberLeader
			}
			_, err := s.AddMember(ctx, sys, team.ID, u.ID, role)
			must(err)
			fx.studentIDs[u.ID] = true
			fx.students = append(fx.students, &concStudent{token: env.token(u), index: ti*studentsPerTeam + si,
				campaignID: campaign.ID, teamID: team.ID, counters: counters})
		}
	}
	for _, p := range fx.professors {
		p.counterIDs = allCounters
	}
	return fx
}

// concClient sends the requests and keeps the score.
type concClient struct {
	base string
	http *http.Client

	requests, conflicts, approvals, returns, refusedApproved, increments, sharedWeeks atomic.Int64

	mu       sync.Mutex
	problems []string
}

func (c *concClient) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.problems) < 50 {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

// concAnswer is the part of an entry's or record's answer the clients use.
type concAnswer struct {
	ID       uint64 `json:"id"`
	Version  int64  `json:"version"`
	Status   string `json:"status"`
	Spend    int64  `json:"spend_krw"`
	Revenue  int64  `json:"revenue_krw"`
	SalesKRW int64  `json:"sales_krw"`
	Error    *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// call sends one request; a transport error, a 5xx or a word of a locked or
// busy database is a problem whatever the caller expected.
func (c *concClient) call(method, path, token string, body any) (int, concAnswer, []byte) {
	c.requests.Add(1)
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.problem("%s %s: %v", method, path, err)
		return 0, concAnswer{}, nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.problem("%s %s: %v", method, path, err)
		return 0, concAnswer{}, nil
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.problem("%s %s: read answer: %v", method, path, err)
	}
	lower := strings.ToLower(string(raw))
	if res.StatusCode >= 500 || strings.Contains(lower, "locked") || strings.Contains(lower, "busy") {
		c.problem("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	var a concAnswer
	_ = json.Unmarshal(raw, &a)
	if res.StatusCode == http.StatusConflict {
		c.conflicts.Add(1)
	}
	return res.StatusCode, a, raw
}

// expect records a problem unless status is one of want.
func (c *concClient) expect(what string, status int, raw []byte, want ...int) bool {
	for _, w := range want {
		if status == w {
			return true
		}
	}
	if status != 0 {
		c.problem("%s: %d %s, want one of %v", what, status, raw, want)
	}
	return false
}

func (st *concStudent) work(c *concClient, rng *rand.Rand, ops int) {
	for range ops {
		switch n := rng.IntN(100); {
		case n < 45:
			st.increment(c, rng, st.counters[rng.IntN(len(st.counters))])
		case n < 60:
			st.createEntry(c, rng)
		case n < 65:
			st.createSales(c, rng)
		case n < 70:
			st.createSharedWeek(c, rng)
		case n < 85:
			st.edit(c, rng)
		default:
			st.submit(c, rng)
		}
	}
}

// increment adds to a counter by read-modify-write, re-reading after each
// version conflict; an approved counter refuses the student (403).
func (st *concStudent) increment(c *concClient, rng *rand.Rand, ctr *concCounter) {
	delta := 1 + rng.Int64N(1000)
	path := "/metrics/" + itoa(ctr.id)
	for range 50 {
		code, cur, raw := c.call("GET", path, st.token, nil)
		if !c.expect("GET counter", code, raw, http.StatusOK) {
			return
		}
		code, got, raw := c.call("PATCH", path, st.token, map[string]any{"spend_krw": cur.Spend + delta, "version": cur.Version})
		switch code {
		case http.StatusOK:
			if got.Spend != cur.Spend+delta || got.Version <= cur.Version {
				c.problem("counter %d: answered spend %d version %d after %d+%d at version %d", ctr.id, got.Spend, got.Version, cur.Spend, delta, cur.Version)
			}
			ctr.acked.Add(delta)
			c.increments.Add(1)
			return
		case http.StatusConflict:
			continue // someone else wrote first: re-read
		case http.StatusForbidden:
			c.refusedApproved.Add(1)
			return // approved (now, or since the read): only a reviewer may change it
		default:
			c.expect("PATCH counter", code, raw, http.StatusOK)
			return
		}
	}
	c.problem("counter %d: 50 version conflicts in a row", ctr.id)
}

// ownDate is the student's k-th own date: each student has a hundred days of
// their own, so that their creates never collide with anyone's.
func (st *concStudent) ownDate(k int) civil.Date {
	return civil.MustParse("2010-01-01").AddDays(st.index*100 + k)
}

func (st *concStudent) createEntry(c *concClient, rng *rand.Rand) {
	e := &ackedEntry{spend: rng.Int64N(1_000_000), revenue: rng.Int64N(5_000_000)}
	body := map[string]any{"date": st.ownDate(len(st.entries)), "spend_krw": e.spend, "revenue_krw": e.revenue,
		"impressions": 1000, "clicks": rng.IntN(1000)}
	code, got, raw := c.call("POST", "/campaigns/"+itoa(st.campaignID)+"/metrics", st.token, body)
	if c.expect("create entry", code, raw, http.StatusCreated) {
		e.id = got.ID
		st.entries = append(st.entries, e)
	}
}

func (st *concStudent) createSales(c *concClient, rng *rand.Rand) {
	r := &ackedSales{amount: rng.Int64N(10_000_000)}
	day := st.ownDate(len(st.sales))
	body := map[string]any{"period_start": day, "period_end": day, "channel": models.ChannelOnline, "sales_krw": r.amount}
	code, got, raw := c.call("POST", "/teams/"+itoa(st.teamID)+"/sales", st.token, body)
	if c.expect("create sales", code, raw, http.StatusCreated) {
		r.id = got.ID
		st.sales = append(st.sales, r)
	}
}

// createSharedWeek records a week's sales that every student of the team may
// be entering at the same moment: one of them gets it (201), the others are
// told it is already there (409), and no sale is ever counted twice.
func (st *concStudent) createSharedWeek(c *concClient, rng *rand.Rand) {
	from := civil.MustParse("2025-01-06").AddDays(7 * rng.IntN(4))
	channel := []string{models.ChannelOnline, models.ChannelOffline, models.ChannelAll}[rng.IntN(3)]
	body := map[string]any{"period_start": from, "period_end": from.AddDays(6), "channel": channel, "sales_krw": rng.Int64N(10_000_000)}
	code, _, raw := c.call("POST", "/teams/"+itoa(st.teamID)+"/sales", st.token, body)
	if c.expect("create shared week", code, raw, http.StatusCreated, http.StatusConflict) && code == http.StatusCreated {
		c.sharedWeeks.Add(1)
	}
}

// edit changes one of the student's own entries or records, re-reading after
// a conflict (a professor may have approved or returned it meanwhile).
func (st *concStudent) edit(c *concClient, rng *rand.Rand) {
	var path, field string
	value := rng.Int64N(10_000_000)
	var ack func()
	switch {
	case len(st.entries) > 0 && (len(st.sales) == 0 || rng.IntN(2) == 0):
		e := st.entries[rng.IntN(len(st.entries))]
		path, field, ack = "/metrics/"+itoa(e.id), "revenue_krw", func() { e.revenue = value }
	case len(st.sales) > 0:
		r := st.sales[rng.IntN(len(st.sales))]
		path, field, ack = "/sales/"+itoa(r.id), "sales_krw", func() { r.amount = value }
	default:
		return
	}
	for range 20 {
		code, cur, raw := c.call("GET", path, st.token, nil)
		if !c.expect("GET own", code, raw, http.StatusOK) {
			return
		}
		code, got, raw := c.call("PATCH", path, st.token, map[string]any{field: value, "version": cur.Version})
		switch code {
		case http.StatusOK:
			if got.Status == string(models.StatusApproved) {
				c.problem("%s: a student's edit left it approved", path)
			}
			ack()
			return
		case http.StatusConflict:
			continue
		case http.StatusForbidden:
			// Approved, now or since the read; the audit check at the end
			// proves that no student wrote to an approved one.
			c.refusedApproved.Add(1)
			return
		default:
			c.expect("PATCH own", code, raw, http.StatusOK)
			return
		}
	}
}

// submit sends one of the student's own entries or records, or a counter,
// for review; a 409 (already submitted, approved, or changed since the read)
// is an expected answer.
func (st *concStudent) submit(c *concClient, rng *rand.Rand) {
	var path string
	switch n := rng.IntN(3); {
	case n == 0 && len(st.entries) > 0:
		path = "/metrics/" + itoa(st.entries[rng.IntN(len(st.entries))].id)
	case n == 1 && len(st.sales) > 0:
		path = "/sales/" + itoa(st.sales[rng.IntN(len(st.sales))].id)
	default:
		path = "/metrics/" + itoa(st.counters[rng.IntN(len(st.counters))].id)
	}
	code, cur, raw := c.call("GET", path, st.token, nil)
	if !c.expect("GET to submit", code, raw, http.StatusOK) {
		return
	}
	code, _, raw = c.call("POST", path+"/submit", st.token, map[string]any{"version": cur.Version})
	c.expect("submit", code, raw, http.StatusOK, http.StatusConflict)
}

// work reviews the program's queue, approving most and returning some, and
// now and then returns an approved counter so that its students can go on.
func (p *concProfessor) work(c *concClient, rng *rand.Rand, ops int) {
	for range ops {
		if rng.IntN(100) < 25 {
			path := "/metrics/" + itoa(p.counterIDs[rng.IntN(len(p.counterIDs))])
			code, cur, raw := c.call("GET", path, p.token, nil)
			if c.expect("GET counter", code, raw, http.StatusOK) && cur.Status == string(models.StatusApproved) {
				p.review(c, path, cur.Version, "return")
			}
			continue
		}
		var q models.ReviewQueue
		code, _, raw := c.call("GET", "/programs/"+itoa(p.programID)+"/review-queue", p.token, nil)
		if !c.expect("review queue", code, raw, http.StatusOK) {
			continue
		}
		if err := json.Unmarshal(raw, &q); err != nil {
			c.problem("review queue: %v", err)
			continue
		}
		var paths []string
		var versions []int64
		for _, m := range q.Metrics {
			paths, versions = append(paths, "/metrics/"+itoa(m.ID)), append(versions, m.Version)
		}
		for _, r := range q.Sales {
			paths, versions = append(paths, "/sales/"+itoa(r.ID)), append(versions, r.Version)
		}
		if len(paths) == 0 {
			continue
		}
		i := rng.IntN(min(len(paths), 20)) // the oldest, as a reviewer would, but not all on the same one
		action := "approve"
		if rng.IntN(100) < 30 {
			action = "return"
		}
		p.review(c, paths[i], versions[i], action)
	}
}

func (p *concProfessor) review(c *concClient, path string, version int64, action string) {
	body := map[string]any{"version": version}
	if action == "return" {
		body["note"] = "숫자를 다시 확인해 주세요"
	}
	code, _, raw := c.call("POST", path+"/"+action, p.token, body)
	if c.expect(action, code, raw, http.StatusOK, http.StatusConflict) && code == http.StatusOK {
		if action == "approve" {
			c.approvals.Add(1)
		} else {
			c.returns.Add(1)
		}
	}
}

// verifyConcurrentWrites reads the database behind the API and returns how
// many stored values and audit events it checked.
func verifyConcurrentWrites(t *testing.T, env *testEnv, fx *concFixture) int {
	t.Helper()
	checked := 0
	for _, ctr := range fx.counters {
		var m models.MetricEntry
		if err := env.db.First(&m, ctr.id).Error; err != nil {
			t.Fatal(err)
		}
		if m.SpendKRW != ctr.acked.Load() {
			t.Errorf("counter %d holds %d, but the acknowledged increments sum to %d: an update was lost",
				ctr.id, m.SpendKRW, ctr.acked.Load())
		}
		checked++
	}
	for _, st := range fx.students {
		for _, e := range st.entries {
			var m models.MetricEntry
			if err := env.db.First(&m, e.id).Error; err != nil {
				t.Errorf("acknowledged entry %d: %v", e.id, err)
				continue
			}
			if m.SpendKRW != e.spend || m.RevenueKRW != e.revenue {
				t.Errorf("entry %d holds spend %d revenue %d, acknowledged %d and %d", e.id, m.SpendKRW, m.RevenueKRW, e.spend, e.revenue)
			}
			checked++
		}
		for _, r := range st.sales {
			var rec models.SalesRecord
			if err := env.db.First(&rec, r.id).Error; err != nil {
				t.Errorf("acknowledged sales record %d: %v", r.id, err)
				continue
			}
			if rec.SalesKRW != r.amount {
				t.Errorf("sales record %d holds %d, acknowledged %d", r.id, rec.SalesKRW, r.amount)
			}
			checked++
		}
	}
	return checked + verifyNoOverlap(t, env) + verifyVersionChains(t, env, fx.studentIDs)
}

// verifyNoOverlap checks that no two sales records of a team share a day on
// overlapping channels ("all" overlaps every channel): the rule that keeps
// a sale from being counted twice, however many students enter it at once.
func verifyNoOverlap(t *testing.T, env *testEnv) int {
	t.Helper()
	var clashes []struct{ A, B uint64 }
	if err := env.db.Raw(`SELECT a.id AS a, b.id AS b FROM sales_records a JOIN sales_records b
		ON a.team_id = b.team_id AND a.id < b.id AND a.period_start <= b.period_end AND b.period_start <= a.period_end
		AND (a.channel = b.channel OR a.channel = 'all' OR b.channel = 'all')`).Scan(&clashes).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range clashes {
		t.Errorf("sales records %d and %d overlap: the same sales are counted twice", c.A, c.B)
	}
	var n int64
	if err := env.db.Model(&models.SalesRecord{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// verifyVersionChains walks the audit trail of every entry and sales record:
// each write must start from the version the previous one left (two writes
// from one version are a lost update), no student may write to an approved
// one, and the stored row must be where its chain ends.
func verifyVersionChains(t *testing.T, env *testEnv, students map[uint64]bool) int {
	t.Helper()
	var events []models.AuditEvent
	if err := env.db.Where("entity IN ?", []string{"metric", "sales"}).Where("entity_id IS NOT NULL").Order("id").Find(&events).Error; err != nil {
		t.Fatal(err)
	}
	type state struct {
		Version int64  `json:"version"`
		Status  string `json:"status"`
	}
	type key struct {
		entity string
		id     uint64
	}
	last := map[key]state{}
	broken := 0
	for _, ev := range events {
		k := key{ev.Entity, *ev.EntityID}
		var before, after state
		_ = json.Unmarshal([]byte(ev.Before), &before)
		_ = json.Unmarshal([]byte(ev.After), &after)
		prev, seen := last[k]
		switch {
		case ev.Action == "create":
			if seen || after.Version != 1 {
				t.Errorf("audit %d: %s %d created again or at version %d", ev.ID, k.entity, k.id, after.Version)
			}
		case !seen:
			t.Errorf("audit %d: %s %s %d without a create before it", ev.ID, ev.Action, k.entity, k.id)
		case before.Version != prev.Version || after.Version != before.Version+1:
			if broken++; broken <= 10 {
				t.Errorf("audit %d: %s of %s %d went from version %d to %d, but the previous write left version %d: a lost update",
					ev.ID, ev.Action, k.entity, k.id, before.Version, after.Version, prev.Version)
			}
		}
		if ev.UserID != nil && students[*ev.UserID] && seen && prev.Status == string(models.StatusApproved) {
			t.Errorf("audit %d: student %d wrote (%s) to %s %d, which was approved", ev.ID, *ev.UserID, ev.Action, k.entity, k.id)
		}
		last[k] = after
	}
	for k, st := range last {
		var row struct {
			Version int64
			Status  string
		}
		table := map[string]string{"metric": "metric_entries", "sales": "sales_records"}[k.entity]
		if err := env.db.Table(table).Select("version, status").Where("id = ?", k.id).Take(&row).Error; err != nil {
			t.Errorf("%s %d: %v", k.entity, k.id, err)
			continue
		}
		if row.Version != st.Version || row.Status != st.Status {
			t.Errorf("%s %d is stored at version %d (%s), but its audit trail ends at version %d (%s)",
				k.entity, k.id, row.Version, row.Status, st.Version, st.Status)
		}
	}
	return len(events)
}
