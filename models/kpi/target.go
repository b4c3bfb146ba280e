package kpi

// Target KPIs (SPEC §10.1): how far a team got towards a goal it set.

// Target statuses, from the attainment.
const (
	StatusMet     = "met"      // attainment ≥ 100
	StatusOnTrack = "on_track" // ≥ 85
	StatusBehind  = "behind"   // < 85
	StatusNoData  = "no_data"  // attainment null
)

// AdRoasPct is the return on ad spend over the advertising kinds only
// (search_ad and shopping_ad; the caller adds up their sums): revenue that
// no ad bought (a live broadcast's, the store's) must not flatter ad spend.
// nil without ad spend.
func AdRoasPct(ads Sums) *float64 { return ratio(ads.RevenueKRW, ads.SpendKRW, 100) }

// AttainmentPct is how much of the way from baseline to target actual has
// come, in percent. With a baseline it is (actual − baseline) / (target −
// baseline) × 100, which works for either direction, since a decrease
// target lies below its baseline and the signs cancel. Without one it is
// actual / target × 100 for an increase and target / actual × 100 for a
// decrease (a CPA of half the target attains 200%). nil where actual is nil
// or a denominator is zero: no number to state rather than 0 or ∞.
func AttainmentPct(actual, baseline *float64, target float64, decrease bool) *float64 {
	if actual == nil {
		return nil
	}
	var num, den float64
	switch {
	case baseline != nil:
		num, den = *actual-*baseline, target-*baseline
	case decrease:
		num, den = target, *actual
	default:
		num, den = *actual, target
	}
	if den == 0 {
		return nil
	}
	v := num / den * 100
	return &v
}

// TargetStatus names an attainment: met from 100%, on track from 85%.
func TargetStatus(attainment *float64) string {
	switch {
	case attainment == nil:
		return StatusNoData
	case *attainment >= 100:
		return StatusMet
	case *attainment >= 85:
		return StatusOnTrack
	}
	return StatusBehind
}
