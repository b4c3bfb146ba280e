package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Closing, reopening and closing again schedules each (team, months) once;
// a merchant answers only their own; city staff never see the note; the
// report counts the answers.
func TestFollowUpsCloseTwiceAccessAndSustainability(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(modelstest.NewDB(t))
	w := modelstest.BuildWorld(t, s)
	admin := models.Actor{UserID: w.Admin.ID, Role: models.RoleAdmin}
	p := w.ProgramA
	// A comparison team (SPEC §10.2) gets no follow-ups: its merchant was
	// never in the program.
	cmpName, yesCmp := "비교군", true
	if _, err := s.CreateTeam(ctx, admin, p.ID, models.TeamInput{Name: &cmpName, MerchantID: &w.MerchantB1.ID, Comparison: &yesCmp}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{models.ProgramClosed, models.ProgramActive, models.ProgramClosed} {
		var err error
		if p, err = s.UpdateProgram(ctx, admin, p.ID, models.ProgramInput{Status: &st, Version: &p.Version}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListFollowUps(ctx, admin, p.ID, models.FollowUpFilter{}, models.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 4 { // teams A1 and A2 × months 3 and 6; none for the comparison team
		t.Fatalf("%d follow-ups, want 4", len(page.Items))
	}
	var mine, theirs models.FollowUp
	for _, f := range page.Items {
		if f.DueOn != models.AddMonths(p.EndsOn, f.Months) {
			t.Errorf("due_on %s for %d months after %s", f.DueOn, f.Months, p.EndsOn)
		}
		if f.TeamID == w.TeamA1.ID && f.Months == 3 {
			mine = f
		}
		if f.TeamID == w.TeamA2.ID && f.Months == 3 {
			theirs = f
		}
	}
	merchant := models.Actor{UserID: w.Merchant.ID, Role: models.RoleMerchant}
	yes, note := true, "스마트스토어 계속 운영 중"
	on := civil.MustParse("2026-12-01")
	ans := models.FollowUpAnswer{AnsweredOn: &on, StillSellingOnline: &yes, Note: &note}
	if _, err := s.AnswerFollowUp(ctx, merchant, theirs.ID, ans); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("merchant answering another merchant's follow-up: %v, want not found", err)
	}
	got, err := s.AnswerFollowUp(ctx, merchant, mine.ID, ans)
	if err != nil {
		t.Fatal(err)
	}
	if got.AnsweredBy == nil || *got.AnsweredBy != w.Merchant.ID || got.AnsweredByStaff {
		t.Errorf("answered_by %v staff %v", got.AnsweredBy, got.AnsweredByStaff)
	}
	city := models.Actor{UserID: w.City.ID, Role: models.RoleCity}
	cp, err := s.ListFollowUps(ctx, city, p.ID, models.FollowUpFilter{State: "answered"}, models.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(cp.Items) != 1 || cp.Items[0].Note != nil {
		t.Errorf("city sees %d answered, note %v; want 1 without note", len(cp.Items), cp.Items[0].Note)
	}
	// Every follow-up is due a year after the end; 1 answered, 1 continuing.
	s.SetToday(func() civil.Date { return models.AddMonths(p.EndsOn, 12) })
	r, err := s.ProgramReport(ctx, admin, p.ID, models.KPIQuery{}, "ko")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Sustainability) != 2 {
		t.Fatalf("sustainability %+v", r.Sustainability)
	}
	three := r.Sustainability[0]
	if three.Months != 3 || three.Due != 2 || three.Answered != 1 || three.Continuing != 1 || three.ContinuingPct == nil || *three.ContinuingPct != 100 {
		t.Errorf("3 months: %+v", three)
	}
	if six := r.Sustainability[1]; six.Due != 2 || six.Answered != 0 || six.ContinuingPct != nil {
		t.Errorf("6 months: %+v", six)
	}
}
