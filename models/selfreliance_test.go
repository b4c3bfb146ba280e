package models

import (
	"testing"

	"github.com/nalgae/nalgae/models/civil"
)

// Due dates: the same day of the month, or the month's last day.
func TestAddMonthsAcrossMonthEnds(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"}, // leap year
		{"2027-11-30", 3, "2028-02-29"},
		{"2026-08-31", 3, "2026-11-30"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-12-15", 3, "2027-03-15"},
		{"2028-02-29", 12, "2029-02-28"},
	} {
		if got := AddMonths(civil.MustParse(c.from), c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

// Scores against a computation by hand: store answers 1,2,3 → mean 2 →
// 25; ads 5,5,5 → 100; content 3,3,4 → (10/3−1)/4×100 = 58.33…; data
// 1,1,1 → 0; overall the mean of the four.
func TestScoreAnswersByHand(t *testing.T) {
	a := map[string]int{"store_listing": 1, "store_orders": 2, "store_stats": 3,
		"ads_setup": 5, "ads_budget": 5, "ads_reading": 5,
		"content_photos": 3, "content_live": 3, "content_clips": 4,
		"data_customers": 1, "data_decisions": 1, "data_plan": 1}
	s := ScoreAnswers(a)
	content := (10.0/3.0 - 1) / 4 * 100
	want := AssessmentScores{Store: 25, Ads: 100, Content: content, Data: 0, Overall: (25 + 100 + content + 0) / 4}
	const eps = 1e-9
	for _, area := range append(AssessmentAreas, "overall") {
		got, w := s.Area(area), want.Area(area)
		if area == "overall" {
			got, w = s.Overall, want.Overall
		}
		if got-w > eps || w-got > eps {
			t.Errorf("%s = %v, want %v", area, got, w)
		}
	}
}
