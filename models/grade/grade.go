// Package grade is the arithmetic of a student's final grade (SPEC §12): the
// peer-review adjustment factor after CATME and the weighted team grade. It
// is pure — numbers in, numbers out — so that the table tests and the API's
// independent recomputation check the same definitions the server uses.
package grade

import "math"

// The components of a team grade and the name each has in `missing`.
const (
	Rubric     = "rubric"
	Merchant   = "merchant"
	Targets    = "targets"
	PeerReview = "peer_review"
)

// Rating is one peer review reduced to what the factor needs: who rated
// whom and the mean of the rater's five scores.
type Rating struct {
	Rater, Ratee uint64
	Mean         float64
}

// Factor is a student's adjustment factor; both nil for a student no
// teammate rated.
type Factor struct {
	AF, AFRaw *float64
}

// MeanOf is the mean of a review's scores.
func MeanOf(scores ...int) float64 {
	sum := 0
	for _, s := range scores {
		sum += s
	}
	return float64(sum) / float64(len(scores))
}

// Factors computes every student's adjustment factor in one team (SPEC
// §12.2). Self-ratings are left out: CATME's factor measures how the team
// saw a member's share, and a self-rating would let anyone lift their own.
// Ratings whose rater or ratee is not among students are ignored.
func Factors(students []uint64, ratings []Rating) map[uint64]Factor {
	member := make(map[uint64]bool, len(students))
	for _, s := range students {
		member[s] = true
	}
	sum := map[uint64]float64{}
	count := map[uint64]int{}
	for _, r := range ratings {
		if r.Rater == r.Ratee || !member[r.Rater] || !member[r.Ratee] {
			continue
		}
		sum[r.Ratee] += r.Mean
		count[r.Ratee]++
	}
	received := map[uint64]float64{}
	teamSum, rated := 0.0, 0
	for _, s := range students {
		if count[s] == 0 {
			continue
		}
		received[s] = sum[s] / float64(count[s])
		teamSum += received[s]
		rated++
	}
	out := make(map[uint64]Factor, len(students))
	for _, s := range students {
		r, ok := received[s]
		if !ok {
			out[s] = Factor{}
			continue
		}
		raw := r / (teamSum / float64(rated))
		af := Adjust(raw)
		out[s] = Factor{AF: &af, AFRaw: &raw}
	}
	return out
}

// Adjust is CATME's rounding of a raw factor: capped at 1.05 so that no one
// gains much from a weak team, and a shortfall under 5% forgiven (the test
// on the unrounded value).
func Adjust(raw float64) float64 {
	switch {
	case raw >= 0.95 && raw < 1.0:
		return 1.0
	case raw > 1.05:
		return 1.05
	}
	return raw
}

// Weights are a program's grading weights in percent (summing to 100).
type Weights struct {
	Rubric, Merchant, Targets int
}

// DefaultWeights are SPEC §12.4's 70/15/15.
var DefaultWeights = Weights{Rubric: 70, Merchant: 15, Targets: 15}

// RubricPct is an evaluation's total as a percentage of the rubric's 100
// points.
func RubricPct(total int) float64 { return float64(total) / 100 * 100 }

// MerchantPct maps the merchant's overall rating 1–5 onto 0–100.
func MerchantPct(overall int) float64 { return float64(overall-1) / 4 * 100 }

// TargetsPct is the mean of the targets' attainments, each clamped to
// 0–100 so that one overshoot cannot hide a missed target; nil attainments
// (no data) are left out, and nil is returned when none has data.
func TargetsPct(attainments []*float64) *float64 {
	sum, n := 0.0, 0
	for _, a := range attainments {
		if a == nil {
			continue
		}
		sum += math.Max(0, math.Min(*a, 100))
		n++
	}
	if n == 0 {
		return nil
	}
	v := sum / float64(n)
	return &v
}

// TeamGrade is the weighted mean of the components present, a missing
// component's weight shared among the present ones in proportion to their
// own weights; missing names the absent components in the order rubric,
// merchant, targets. The grade is nil when nothing is present, or when the
// present components all weigh 0 (there is no proportion to share by).
func TeamGrade(w Weights, rubric, merchant, targets *float64) (*float64, []string) {
	missing := []string{}
	sum, weight := 0.0, 0
	for _, c := range []struct {
		name  string
		value *float64
		w     int
	}{{Rubric, rubric, w.Rubric}, {Merchant, merchant, w.Merchant}, {Targets, targets, w.Targets}} {
		if c.value == nil {
			missing = append(missing, c.name)
			continue
		}
		sum += *c.value * float64(c.w)
		weight += c.w
	}
	if weight == 0 {
		return nil, missing
	}
	g := sum / float64(weight)
	return &g, missing
}

// Final is a student's grade: the team grade times their factor (1.0 when
// nobody rated them), never above 100; nil without a team grade.
func Final(teamGrade, af *float64) *float64 {
	if teamGrade == nil {
		return nil
	}
	f := 1.0
	if af != nil {
		f = *af
	}
	v := math.Min(100, *teamGrade*f)
	return &v
}
