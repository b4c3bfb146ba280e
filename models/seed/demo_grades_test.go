package seed_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/nalgae/nalgae/models"
)

// The demo's grade sheet lists every student with a final grade that a hand
// computation from the answered components reproduces, and one uneven team
// whose summary flags its raters.
func TestSeedDemoGrades(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	seedDemo(t, s)
	var prof models.User
	if err := s.DB().Where("email = ?", "professor@demo.nalgae.kr").First(&prof).Error; err != nil {
		t.Fatal(err)
	}
	actor := models.Actor{UserID: prof.ID, Role: models.RoleProfessor}
	var program models.Program
	if err := s.DB().First(&program).Error; err != nil {
		t.Fatal(err)
	}
	sheet, err := s.ProgramGrades(ctx, actor, program.ID)
	if err != nil {
		t.Fatal(err)
	}
	var students int64
	s.DB().Model(&models.TeamMember{}).Count(&students)
	if int64(len(sheet.Items)) != students || students < 18 {
		t.Fatalf("%d rows for %d students", len(sheet.Items), students)
	}
	below := 0
	for _, g := range sheet.Items {
		if g.FinalGrade == nil || g.RubricPct == nil || g.MerchantPct == nil || g.AF == nil {
			t.Errorf("%s (%s) lacks a component: %+v", g.Name, g.TeamName, g)
			continue
		}
		if slices.ContainsFunc(g.Missing, func(m string) bool { return m != "targets" }) {
			t.Errorf("%s: missing %v", g.Name, g.Missing)
		}
		// By hand: the weights of the components present, shared out.
		w := map[string]float64{"rubric": 70, "merchant": 15, "targets": 15}
		num, den := *g.RubricPct*w["rubric"]+*g.MerchantPct*w["merchant"], w["rubric"]+w["merchant"]
		if g.TargetsPct != nil {
			num, den = num+*g.TargetsPct*w["targets"], den+w["targets"]
		}
		want := math.Min(100, num/den**g.AF)
		if math.Abs(*g.FinalGrade-want) > 1e-9 {
			t.Errorf("%s: final %.4f, by hand %.4f", g.Name, *g.FinalGrade, want)
		}
		if *g.AF < 0.95 {
			below++
		}
	}
	if below != 1 {
		t.Errorf("%d students with a factor below 0.95, want the uneven team's one", below)
	}
	var team models.Team
	if err := s.DB().Where("name = ?", "앤더이어 팀").First(&team).Error; err != nil {
		t.Fatal(err)
	}
	sum, err := s.PeerReviewSummary(ctx, actor, team.ID)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]int{}
	for _, st := range sum.Students {
		for _, f := range st.Flags {
			flags[f]++
		}
	}
	if flags["same_score_for_all"] != 1 || flags["self_above_team"] != 1 {
		t.Errorf("the uneven team's flags: %v", flags)
	}
}
