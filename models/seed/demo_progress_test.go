package seed_test

import (
	"context"
	"math"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// The demo shows SPEC §13: the nine merchants' self-reliance before and
// after (checked against a computation from the stored answers, written
// out here without the model's scoring), and last year's closed program
// with partly answered follow-ups, one of them the demo merchant's, due.
func TestSeedDemoProgress(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t) // today is 2026-12-18
	logins := seedDemo(t, s)
	actors := map[models.Role]models.Actor{}
	for _, l := range logins {
		u, _, err := s.Login(ctx, l.Email, l.Password, "test")
		if err != nil {
			t.Fatal(err)
		}
		actors[l.Role] = models.Actor{UserID: u.ID, Role: u.Role}
	}
	programs, err := s.ListPrograms(ctx, actors[models.RoleCity], models.ListOptions{})
	if err != nil || len(programs.Items) != 2 {
		t.Fatalf("the city's programs: %+v, %v", programs.Items, err)
	}
	var current, last models.Program
	for _, p := range programs.Items {
		if p.Status == models.ProgramClosed {
			last = p
		} else {
			current = p
		}
	}
	if last.ID == 0 || current.ID == 0 {
		t.Fatalf("want one active and one closed program: %+v", programs.Items)
	}

	// Self-reliance by hand: an area is (mean of its three answers − 1) / 4
	// × 100, the overall the mean of the four areas, the report's means over
	// the merchants with both stages.
	var rows []models.Assessment
	if err := s.DB().Where("program_id = ?", current.ID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 18 {
		t.Fatalf("%d assessments in the demo program, want a baseline and an endline for each of nine merchants", len(rows))
	}
	areas := [][]string{
		{"store_listing", "store_orders", "store_stats"}, {"ads_setup", "ads_budget", "ads_reading"},
		{"content_photos", "content_live", "content_clips"}, {"data_customers", "data_decisions", "data_plan"},
	}
	overall := func(ans map[string]int) float64 {
		sum := 0.0
		for _, keys := range areas {
			m := float64(ans[keys[0]]+ans[keys[1]]+ans[keys[2]]) / 3
			sum += (m - 1) / 4 * 100
		}
		return sum / 4
	}
	var before, after float64
	for _, a := range rows {
		if a.Stage == models.StageBaseline {
			before += overall(a.Answers) / 9
		} else {
			after += overall(a.Answers) / 9
		}
	}
	r, err := s.ProgramReport(ctx, actors[models.RoleCity], current.ID, models.KPIQuery{}, "ko")
	if err != nil {
		t.Fatal(err)
	}
	sr := r.SelfReliance
	near := func(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }
	if sr.MerchantsPaired != 9 || !near(sr.BaselineMean, before) || !near(sr.EndlineMean, after) || !near(sr.ChangeMean, after-before) {
		t.Errorf("self_reliance %+v, want 9 paired, %.4f → %.4f", sr, before, after)
	}
	if after <= before {
		t.Errorf("the demo's merchants grew no more self-reliant: %.1f → %.1f", before, after)
	}
	for _, tr := range r.Teams {
		if tr.SelfReliance.Change == nil || *tr.SelfReliance.Change <= 0 {
			t.Errorf("team %s: self-reliance %+v, want a gain", tr.TeamName, tr.SelfReliance)
		}
	}

	// Last year's sustainability, as demoLastYearTeams states it.
	lr, err := s.ProgramReport(ctx, actors[models.RoleCity], last.ID, models.KPIQuery{}, "ko")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		months, due, answered, continuing int
		pct                               float64
	}{{3, 6, 6, 5, 500.0 / 6}, {6, 6, 5, 4, 80}, {12, 6, 3, 2, 200.0 / 3}}
	if len(lr.Sustainability) != len(want) {
		t.Fatalf("sustainability %+v", lr.Sustainability)
	}
	for i, w := range want {
		got := lr.Sustainability[i]
		if got.Months != w.months || got.Due != w.due || got.Answered != w.answered || got.Continuing != w.continuing || !near(got.ContinuingPct, w.pct) {
			t.Errorf("sustainability at %d months: %+v, want %+v", w.months, got, w)
		}
	}
	if lr.SelfReliance.MerchantsPaired != 6 {
		t.Errorf("last year's self_reliance %+v, want 6 paired", lr.SelfReliance)
	}

	// The demo merchant has a follow-up due now, open; the city never reads
	// the merchants' notes.
	open, err := s.ListFollowUps(ctx, actors[models.RoleMerchant], last.ID, models.FollowUpFilter{State: "open"}, models.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(open.Items) != 1 || open.Items[0].MerchantName != "이도공감" || open.Items[0].Months != 12 ||
		open.Items[0].DueOn != civil.MustParse("2026-11-28") || !open.Items[0].Overdue {
		t.Errorf("the demo merchant's open follow-ups: %+v", open.Items)
	}
	all, err := s.ListFollowUps(ctx, actors[models.RoleCity], last.ID, models.FollowUpFilter{}, models.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	staff := 0
	for _, f := range all.Items {
		if f.Note != nil {
			t.Errorf("city staff read the note of follow-up %d", f.ID)
		}
		if f.AnsweredByStaff {
			staff++
		}
	}
	if len(all.Items) != 18 || staff != 12 { // 이도공감 answered its own two
		t.Errorf("%d follow-ups, %d answered by staff; want 18 and 12", len(all.Items), staff)
	}
}
