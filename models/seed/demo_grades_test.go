package seed_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

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
	byHand := demoGradesByHand(t, s, actor, program.ID)
	if len(byHand) != len(sheet.Items) {
		t.Fatalf("%d rows by hand, %d on the sheet", len(byHand), len(sheet.Items))
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
		want, ok := byHand[[2]uint64{g.TeamID, g.StudentID}]
		if !ok {
			t.Errorf("%s (%s) is on the sheet but not in the team's members", g.Name, g.TeamName)
			continue
		}
		for _, c := range []struct {
			name      string
			got, want *float64
		}{{"rubric_pct", g.RubricPct, want.rubric}, {"merchant_pct", g.MerchantPct, want.merchant},
			{"targets_pct", g.TargetsPct, want.targets}, {"team_grade", g.TeamGrade, want.team},
			{"af", g.AF, want.af}, {"af_raw", g.AFRaw, want.afRaw}, {"final_grade", g.FinalGrade, want.final}} {
			if !sameGrade(c.got, c.want) {
				t.Errorf("%s (%s): %s = %v, by hand %v", g.Name, g.TeamName, c.name, showGrade(c.got), showGrade(c.want))
			}
		}
		if !slices.Equal(g.Missing, want.missing) {
			t.Errorf("%s: missing %v, by hand %v", g.Name, g.Missing, want.missing)
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

// handGrade is one student's grade recomputed from the stored rows.
type handGrade struct {
	rubric, merchant, targets, team, af, afRaw, final *float64
	missing                                           []string
}

// demoGradesByHand recomputes SPEC §12.4 from the raw rows of the demo
// database with plain SQL and arithmetic written out here, not through
// models/grade: the newest evaluation's scores summed, the merchant's
// overall, the five peer-review score columns, the weights row. A target's
// actual figure is the one the targets list answers (the KPI is computed
// once on the server, SPEC §6); its attainment, clamp and mean are redone
// here from the target's own columns.
func demoGradesByHand(t *testing.T, s *models.Store, actor models.Actor, programID uint64) map[[2]uint64]handGrade {
	t.Helper()
	db := s.DB()
	weights := [3]float64{70, 15, 15}
	var w []struct{ RubricWeight, MerchantWeight, TargetsWeight int }
	if err := db.Raw("SELECT rubric_weight, merchant_weight, targets_weight FROM program_gradings WHERE program_id = ?", programID).Scan(&w).Error; err != nil {
		t.Fatal(err)
	}
	if len(w) == 1 {
		weights = [3]float64{float64(w[0].RubricWeight), float64(w[0].MerchantWeight), float64(w[0].TargetsWeight)}
	}
	var teams []struct{ ID uint64 }
	if err := db.Raw("SELECT id FROM teams WHERE program_id = ?", programID).Scan(&teams).Error; err != nil {
		t.Fatal(err)
	}
	out := map[[2]uint64]handGrade{}
	for _, team := range teams {
		var members []uint64
		if err := db.Raw("SELECT user_id FROM team_members WHERE team_id = ?", team.ID).Scan(&members).Error; err != nil {
			t.Fatal(err)
		}
		if len(members) == 0 {
			continue
		}
		var row handGrade
		row.missing = []string{}
		// The rubric: the most recently created evaluation, its scores summed.
		var evals []struct {
			ID        uint64
			Scores    string
			CreatedAt time.Time
		}
		if err := db.Raw("SELECT id, scores, created_at FROM evaluations WHERE team_id = ?", team.ID).Scan(&evals).Error; err != nil {
			t.Fatal(err)
		}
		if len(evals) > 0 {
			last := evals[0]
			for _, e := range evals[1:] {
				if e.CreatedAt.After(last.CreatedAt) || (e.CreatedAt.Equal(last.CreatedAt) && e.ID > last.ID) {
					last = e
				}
			}
			var scores map[string]int
			if err := json.Unmarshal([]byte(last.Scores), &scores); err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, v := range scores {
				total += v
			}
			v := float64(total)
			row.rubric = &v
		}
		var overall []int
		if err := db.Raw("SELECT overall FROM merchant_ratings WHERE team_id = ?", team.ID).Scan(&overall).Error; err != nil {
			t.Fatal(err)
		}
		if len(overall) == 1 {
			v := float64(overall[0]-1) * 25
			row.merchant = &v
		}
		targets, err := s.ListTargets(context.Background(), actor, team.ID, models.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sum, n := 0.0, 0
		for _, tg := range targets.Items {
			if tg.Actual == nil {
				continue
			}
			var att float64
			switch {
			case tg.Baseline != nil:
				att = (*tg.Actual - *tg.Baseline) / (tg.Target - *tg.Baseline) * 100
			case tg.Direction == models.DirectionDecrease:
				att = tg.Target / *tg.Actual * 100
			default:
				att = *tg.Actual / tg.Target * 100
			}
			sum += max(0, min(att, 100))
			n++
		}
		if n > 0 {
			v := sum / float64(n)
			row.targets = &v
		}
		num, den := 0.0, 0.0
		for i, c := range []*float64{row.rubric, row.merchant, row.targets} {
			if c == nil {
				row.missing = append(row.missing, []string{"rubric", "merchant", "targets"}[i])
				continue
			}
			num += *c * weights[i]
			den += weights[i]
		}
		if den > 0 {
			v := num / den
			row.team = &v
		}
		// Peer review: each rater's mean of the five columns; self-ratings
		// left out; r per student; the team mean over the rated.
		var reviews []struct {
			RaterID, RateeID                                              uint64
			ScoreContributing, ScoreInteracting                           int
			ScoreKeepingOnTrack, ScoreExpectingQuality, ScoreHavingSkills int
		}
		if err := db.Raw(`SELECT rater_id, ratee_id, score_contributing, score_interacting, score_keeping_on_track,
			score_expecting_quality, score_having_skills FROM peer_reviews WHERE team_id = ?`, team.ID).Scan(&reviews).Error; err != nil {
			t.Fatal(err)
		}
		got, k := map[uint64]float64{}, map[uint64]int{}
		for _, r := range reviews {
			if r.RaterID == r.RateeID {
				continue
			}
			got[r.RateeID] += float64(r.ScoreContributing+r.ScoreInteracting+r.ScoreKeepingOnTrack+r.ScoreExpectingQuality+r.ScoreHavingSkills) / 5
			k[r.RateeID]++
		}
		teamMean, rated := 0.0, 0
		for _, m := range members {
			if k[m] > 0 {
				teamMean += got[m] / float64(k[m])
				rated++
			}
		}
		teamMean /= float64(rated)
		for _, m := range members {
			sr := row
			sr.missing = slices.Clone(row.missing)
			f := 1.0
			if k[m] > 0 {
				raw := got[m] / float64(k[m]) / teamMean
				af := raw
				if raw > 1.05 {
					af = 1.05
				} else if raw >= 0.95 && raw < 1 {
					af = 1
				}
				sr.afRaw, sr.af, f = &raw, &af, af
			} else {
				sr.missing = append(sr.missing, "peer_review")
			}
			if sr.team != nil {
				v := min(100, *sr.team*f)
				sr.final = &v
			}
			out[[2]uint64{team.ID, m}] = sr
		}
	}
	return out
}

func sameGrade(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

func showGrade(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
