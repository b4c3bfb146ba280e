package seed_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/seed"
)

// The founding story's headline sentences (SPEC §4, §9).
var demoHeadlines = map[string][]string{
	// The growth claim states the other methods in brackets (SPEC §10.2).
	"ko": {"이도공감: 라이브커머스 시작 이전 같은 기간 대비 매출 127% 성장 (전년 동기 대비 84.2%, 계절 조정 65.8%, 비교군 대비 +98%p)",
		"아뮤즈마켓: 쇼핑검색광고 광고수익률 629%"},
	"en": {"이도공감: sales up 127% on the same period before live commerce began (same period last year 84.2%, seasonally adjusted 65.8%, vs. comparison +98%p)",
		"아뮤즈마켓: 629% ROAS on shopping search ads"},
}

// demoStore is a fresh database whose "today" is the program's last day, so
// that the test does not depend on the clock.
func demoStore(t *testing.T) *models.Store {
	t.Helper()
	s := models.NewStore(modelstest.NewDB(t))
	s.SetToday(func() civil.Date { return civil.MustParse("2026-12-18") })
	return s
}

func seedDemo(t *testing.T, s *models.Store) []seed.DemoLogin {
	t.Helper()
	start := time.Now()
	logins, err := seed.Demo(context.Background(), s)
	if err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	t.Logf("SeedDemo took %v", time.Since(start))
	return logins
}

// demoProgramID finds the demo program as the demo professor sees it: the
// active one of the two (last year's is closed).
func demoProgramID(t *testing.T, s *models.Store, prof models.Actor) uint64 {
	t.Helper()
	page, err := s.ListPrograms(context.Background(), prof, models.ListOptions{})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("the demo professor's programs: %v, %v", page.Items, err)
	}
	var active []uint64
	for _, p := range page.Items {
		if p.Status == models.ProgramActive {
			active = append(active, p.ID)
		}
	}
	if len(active) != 1 {
		t.Fatalf("the demo professor's active programs: %v", active)
	}
	return active[0]
}

func rounded(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return math.Round(*p*10) / 10
}

func teamByMerchant(t *testing.T, r *models.ProgramReport, name string) models.TeamReport {
	t.Helper()
	for _, tr := range r.Teams {
		if tr.MerchantName == name {
			return tr
		}
	}
	t.Fatalf("no team of %s in the report", name)
	return models.TeamReport{}
}

// checkDemoReport asserts the founding story's numbers through the real
// report code, and returns the Korean report.
func checkDemoReport(t *testing.T, s *models.Store, programID uint64) *models.ProgramReport {
	t.Helper()
	ctx := context.Background()
	admin := models.Actor{Role: models.RoleAdmin}
	var ko *models.ProgramReport
	for _, lang := range []string{"ko", "en"} {
		r, err := s.ProgramReport(ctx, admin, programID, models.KPIQuery{}, lang)
		if err != nil {
			t.Fatalf("report (%s): %v", lang, err)
		}
		if len(r.Teams) != 9 {
			t.Errorf("report (%s) has %d teams, want 9", lang, len(r.Teams))
		}
		if !slices.Equal(r.CountedStatuses, []models.Status{models.StatusApproved}) {
			t.Errorf("report counts %v, want approved only", r.CountedStatuses)
		}
		for _, want := range demoHeadlines[lang] {
			if !slices.Contains(r.Highlights, want) {
				t.Errorf("highlights (%s) lack %q:\n%s", lang, want, strings.Join(r.Highlights, "\n"))
			}
		}
		// Every growth method has a value for 이도공감 (SPEC §10.2), and the
		// targets show some met and some behind (§10.1).
		idg := teamByMerchant(t, r, "이도공감")
		if m := idg.SalesGrowthMethods; m == nil || rounded(m.BeforeAfter.ValuePct) != 127 || rounded(m.SamePeriodLastYear.ValuePct) != 84.2 ||
			rounded(m.SeasonallyAdjusted.ValuePct) != 65.8 || rounded(m.DiffInDiff.ValuePct) != 98 {
			t.Errorf("이도공감's growth methods: %+v", m)
		}
		if ts := r.TargetSummary; ts.Met < 2 || ts.Behind < 1 || ts.OnTrack < 1 {
			t.Errorf("target summary %+v, want some met, on track and behind", ts)
		}
		if len(idg.Targets) != 2 || idg.Targets[0].Status != "met" || idg.Targets[1].Status != "on_track" {
			t.Errorf("이도공감's targets: %+v", idg.Targets)
		}
		if lang == "ko" {
			ko = r
		}
	}

	ido := teamByMerchant(t, ko, "이도공감")
	if got := rounded(ido.SalesGrowthPct); got != 127.0 {
		t.Errorf("이도공감 sales growth = %v, want 127.0", got)
	}
	if w := ido.Windows; w == nil || w.BeforeFrom.String() != "2026-08-31" || w.BeforeTo.String() != "2026-09-30" ||
		w.AfterFrom.String() != "2026-10-01" || w.AfterTo.String() != "2026-10-31" {
		t.Errorf("이도공감 windows = %+v, want 2026-08-31..09-30 before 2026-10-01..10-31", ido.Windows)
	}
	amuse := teamByMerchant(t, ko, "아뮤즈마켓")
	if got := rounded(amuse.ByKind[models.KindShoppingAd].RoasPct); got != 629.0 {
		t.Errorf("아뮤즈마켓 shopping_ad ROAS = %v, want 629.0", got)
	}

	// 이도공감's team ROAS is its ad ROAS: its search ads' revenue over their
	// spend, never its live commerce's revenue over the ad spend (2,222%).
	if search, ok := ido.ByKind[models.KindSearchAd]; !ok || ido.AdRoasPct == nil || search.RoasPct == nil ||
		*ido.AdRoasPct != *search.RoasPct || rounded(ido.AdRoasPct) == rounded(ido.Total.RoasPct) {
		t.Errorf("이도공감 ad_roas_pct = %v, want its search ads' ROAS %v (the total's is %v)", ido.AdRoasPct, search.RoasPct, ido.Total.RoasPct)
	}

	// The same ROAS from the raw approved rows, without the KPI code.
	var sums struct{ Spend, Revenue int64 }
	err := s.DB().Raw(`SELECT COALESCE(SUM(e.spend_krw), 0) AS spend, COALESCE(SUM(e.revenue_krw), 0) AS revenue
		FROM metric_entries e
		JOIN campaigns c ON c.id = e.campaign_id
		JOIN teams t ON t.id = c.team_id
		JOIN merchants m ON m.id = t.merchant_id
		WHERE t.program_id = ? AND m.name = ? AND c.kind = ? AND e.status = ?`,
		programID, "아뮤즈마켓", models.KindShoppingAd, models.StatusApproved).Scan(&sums).Error
	if err != nil {
		t.Fatalf("raw sums: %v", err)
	}
	if sums.Spend == 0 || sums.Revenue*100 != 629*sums.Spend {
		t.Errorf("raw 아뮤즈마켓 shopping_ad sums: spend %d, revenue %d; want revenue = 6.29 × spend", sums.Spend, sums.Revenue)
	}
	roas := float64(sums.Revenue) / float64(sums.Spend) * 100
	if got := amuse.ByKind[models.KindShoppingAd].RoasPct; got == nil || *got != roas {
		t.Errorf("report ROAS %v != raw ROAS %v", got, roas)
	}
	return ko
}

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	logins := seedDemo(t, s)

	wantRoles := []models.Role{models.RoleAdmin, models.RoleProfessor, models.RoleStudent, models.RoleMerchant, models.RoleCity}
	if len(logins) != len(wantRoles) {
		t.Fatalf("got %d logins, want %d", len(logins), len(wantRoles))
	}
	for i, l := range logins {
		if l.Role != wantRoles[i] || !strings.HasSuffix(l.Email, "@demo.nalgae.kr") || len(l.Password) < models.MinPasswordLen {
			t.Errorf("login %d = %+v", i, l)
		}
	}

	// Seeding again changes nothing and answers the same logins.
	before := demoRowCounts(t, s.DB())
	again := seedDemo(t, s)
	if !slices.Equal(again, logins) {
		t.Errorf("second seed answered %v, want %v", again, logins)
	}
	if after := demoRowCounts(t, s.DB()); after != before {
		t.Errorf("second seed changed the database:\nbefore %s\nafter  %s", before, after)
	}

	users := map[models.Role]*models.User{}
	for _, l := range logins {
		u, _, err := s.Login(ctx, l.Email, l.Password, "test")
		if err != nil {
			t.Fatalf("login %s: %v", l.Email, err)
		}
		if u.Role != l.Role {
			t.Errorf("%s has role %s, want %s", l.Email, u.Role, l.Role)
		}
		users[l.Role] = u
	}
	actor := func(r models.Role) models.Actor { return models.Actor{UserID: users[r].ID, Role: r} }
	prof := actor(models.RoleProfessor)
	programID := demoProgramID(t, s, prof)

	program, err := s.GetProgram(ctx, actor(models.RoleCity), programID)
	if err != nil {
		t.Fatalf("city staff cannot read the demo program: %v", err)
	}
	if program.City != "부산광역시" || program.University != "국립부경대학교" || program.Partner != "네이버" ||
		program.Course != "콘텐츠마케팅" || program.Status != models.ProgramActive {
		t.Errorf("demo program = %+v", program)
	}

	report := checkDemoReport(t, s, programID)
	for _, tr := range report.Teams {
		t.Logf("%-8s growth %7.2f%%  %s", tr.MerchantName, deref(tr.SalesGrowthPct), kindRoas(tr.ByKind))
	}
	t.Logf("highlights:\n%s", strings.Join(report.Highlights, "\n"))
	if len(report.Highlights) != 9 {
		t.Errorf("%d highlights, want one per team", len(report.Highlights))
	}
	milli := teamByMerchant(t, report, "밀리웨어")
	if _, ok := milli.ByKind[models.KindSmartStore]; !ok {
		t.Errorf("밀리웨어 has no smart_store campaign: %v", milli.ByKind)
	}

	// Every campaign has an explicit end no later than 2026-11-20 and an
	// entry for each of its days.
	var campaigns []models.Campaign
	if err := s.DB().Where("team_id IN (?)", s.DB().Model(&models.Team{}).Select("id").Where("program_id = ?", programID)).
		Find(&campaigns).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range campaigns {
		if c.EndsOn.IsZero() || c.EndsOn.After(civil.MustParse("2026-11-20")) {
			t.Errorf("campaign %q ends %q", c.Name, c.EndsOn)
		}
		var days int64
		s.DB().Model(&models.MetricEntry{}).Where("campaign_id = ?", c.ID).Count(&days)
		if want := int64(c.EndsOn.DaysSince(c.StartsOn) + 1); days != want {
			t.Errorf("campaign %q has %d entries for %d days", c.Name, days, want)
		}
	}

	// The professor has work waiting: submitted entries and a sales record.
	queue, err := s.ReviewQueue(ctx, prof, programID)
	if err != nil {
		t.Fatalf("review queue: %v", err)
	}
	if len(queue.Metrics) == 0 || len(queue.Sales) == 0 {
		t.Errorf("review queue has %d entries and %d sales records, want some of each", len(queue.Metrics), len(queue.Sales))
	}
	var returned []models.MetricEntry
	s.DB().Where("status = ?", models.StatusReturned).Find(&returned)
	if len(returned) != 1 || returned[0].ReviewNote == "" {
		t.Errorf("returned entries = %+v, want one with a note", returned)
	}

	// The demo student leads 이도공감's team, sees its visible grade and its
	// comments; the demo merchant owns the store.
	student := actor(models.RoleStudent)
	teams, err := s.ListTeams(ctx, student, models.TeamFilter{})
	if err != nil || len(teams.Items) != 1 || teams.Items[0].Merchant == nil || teams.Items[0].Merchant.Name != "이도공감" {
		t.Fatalf("the demo student's teams: %+v, %v", teams.Items, err)
	}
	team := teams.Items[0]
	if team.Merchant.OwnerUserID == nil || *team.Merchant.OwnerUserID != users[models.RoleMerchant].ID {
		t.Errorf("이도공감 is not owned by the demo merchant: %+v", team.Merchant)
	}
	leads := false
	for _, m := range team.Members {
		leads = leads || (m.UserID == users[models.RoleStudent].ID && m.Role == models.MemberLeader)
	}
	if !leads || len(team.Members) < 2 || len(team.Members) > 3 {
		t.Errorf("이도공감 members = %+v, want 2–3 led by the demo student", team.Members)
	}
	evals, err := s.ListEvaluations(ctx, student, team.ID, models.ListOptions{})
	if err != nil || len(evals.Items) != 1 {
		t.Errorf("the demo student's visible evaluations: %+v, %v", evals.Items, err)
	}
	comments, err := s.ListComments(ctx, student, team.ID, models.CommentFilter{})
	if err != nil || len(comments.Items) == 0 {
		t.Errorf("이도공감 comments: %+v, %v", comments.Items, err)
	}
}

// TestSeedDemoBesideOtherData seeds a database that already holds another
// program and checks that the demo is the same as on an empty one.
func TestSeedDemoBesideOtherData(t *testing.T) {
	empty := demoStore(t)
	seedDemo(t, empty)

	s := demoStore(t)
	modelstest.BuildWorld(t, s)
	logins := seedDemo(t, s)
	u, _, err := s.Login(context.Background(), logins[1].Email, logins[1].Password, "test")
	if err != nil {
		t.Fatalf("professor login: %v", err)
	}
	programID := demoProgramID(t, s, models.Actor{UserID: u.ID, Role: u.Role})
	checkDemoReport(t, s, programID)

	if a, b := demoEntries(t, empty.DB()), demoEntries(t, s.DB()); !slices.Equal(a, b) {
		t.Errorf("the demo differs between runs: %d and %d entries", len(a), len(b))
	}
}

// demoEntries lists every entry of the demo program without ids, in a
// stable order, so that two seeds can be compared.
func demoEntries(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var rows []struct {
		Merchant, Campaign, Date, Status                   string
		Spend, Impressions, Clicks, Conversions, Revenue   int64
		Viewers, PeakViewers, Likes, Comments, DurationMin *int64
	}
	err := db.Raw(`SELECT m.name AS merchant, c.name AS campaign, e.date, e.status,
			e.spend_krw AS spend, e.impressions, e.clicks, e.conversions, e.revenue_krw AS revenue,
			e.viewers, e.peak_viewers, e.likes, e.comments, e.duration_min
		FROM metric_entries e
		JOIN campaigns c ON c.id = e.campaign_id
		JOIN teams t ON t.id = c.team_id
		JOIN merchants m ON m.id = t.merchant_id
		JOIN programs p ON p.id = t.program_id
		WHERE p.name LIKE '2026 부산%'
		ORDER BY m.name, c.name, e.date`).Scan(&rows).Error
	if err != nil {
		t.Fatalf("list demo entries: %v", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s|%s|%s|%s|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d", r.Merchant, r.Campaign, r.Date, r.Status,
			r.Spend, r.Impressions, r.Clicks, r.Conversions, r.Revenue,
			deref(r.Viewers), deref(r.PeakViewers), deref(r.Likes), deref(r.Comments), deref(r.DurationMin))
	}
	return out
}

// demoRowCounts counts the rows of every table the seed writes to.
func demoRowCounts(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"users", "programs", "program_staff", "merchants", "teams", "team_members",
		"campaigns", "metric_entries", "sales_records", "comments", "evaluations", "audit_events"} {
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(parts, " ")
}

func deref[T int64 | float64](p *T) T {
	if p == nil {
		return 0
	}
	return *p
}

func kindRoas(byKind map[models.Kind]kpi.Block) string {
	var parts []string
	for _, k := range models.Kinds {
		if b, ok := byKind[k]; ok && b.RoasPct != nil {
			parts = append(parts, fmt.Sprintf("%s ROAS %.1f%%", k, *b.RoasPct))
		}
	}
	return strings.Join(parts, ", ")
}
