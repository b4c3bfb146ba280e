package kpi

import (
	"math/big"
	"time"

	"github.com/nalgae/nalgae/models/civil"
)

// Sales growth by method (SPEC §10.2). Before/after growth assumes nothing
// but the team's work changed; the other methods hold it against last year's
// same dates and against merchants outside the program, so that a reader can
// see how much of a growth figure the season or the market explains.

// YearEarlier is d one year back; 29 February becomes 28 February (the
// window may then be a day longer or shorter, and is not rescaled).
func YearEarlier(d civil.Date) civil.Date {
	if d.Month == time.February && d.Day == 29 {
		return civil.Date{Year: d.Year - 1, Month: time.February, Day: 28}
	}
	return civil.Date{Year: d.Year - 1, Month: d.Month, Day: d.Day}
}

// LastYear is w with each of its four dates moved back one year: A₁ is the
// sales over its after window, B₁ over its before window.
func LastYear(w Windows) Windows {
	return Windows{
		BeforeFrom: YearEarlier(w.BeforeFrom), BeforeTo: YearEarlier(w.BeforeTo),
		AfterFrom: YearEarlier(w.AfterFrom), AfterTo: YearEarlier(w.AfterTo),
	}
}

// MethodSums are the exact sums the methods compare: A and B the sales over
// the after and before windows, A1 and B1 over the same windows a year
// earlier, AC and BC the comparison teams' pooled sales over A's and B's
// windows (nil without comparison teams).
type MethodSums struct {
	A, B, A1, B1 *big.Rat
	AC, BC       *big.Rat
}

// MethodValues are the four methods' percentages; nil exactly where a sum
// the method divides by is zero (or, for the comparison, missing).
type MethodValues struct {
	BeforeAfter        *float64 // (A − B) / B × 100
	SamePeriodLastYear *float64 // (A − A₁) / A₁ × 100
	SeasonallyAdjusted *float64 // ((A / A₁) / (B / B₁) − 1) × 100
	DiffInDiff         *float64 // percentage points: before/after − (ΣA꜀ − ΣB꜀) / ΣB꜀ × 100
}

// Methods computes the four methods from exact sums, so that prorated
// thirds do not drift before they are divided.
func Methods(s MethodSums) MethodValues {
	var out MethodValues
	out.BeforeAfter = growthPct(s.A, s.B)
	out.SamePeriodLastYear = growthPct(s.A, s.A1)
	if nonzero(s.A1) && nonzero(s.B) && nonzero(s.B1) {
		// (A/A₁)/(B/B₁) = (A·B₁)/(A₁·B)
		num := new(big.Rat).Mul(s.A, s.B1)
		den := new(big.Rat).Mul(s.A1, s.B)
		r := num.Quo(num, den)
		r.Sub(r, big.NewRat(1, 1))
		r.Mul(r, big.NewRat(100, 1))
		f, _ := r.Float64()
		out.SeasonallyAdjusted = &f
	}
	if out.BeforeAfter != nil && s.AC != nil && s.BC != nil {
		// The difference of two exact ratios, taken exactly.
		if team, comp := growthRat(s.A, s.B), growthRat(s.AC, s.BC); comp != nil {
			f, _ := new(big.Rat).Sub(team, comp).Float64()
			out.DiffInDiff = &f
		}
	}
	return out
}

func nonzero(r *big.Rat) bool { return r != nil && r.Sign() != 0 }

// growthRat is (after − before) / before × 100 exactly; nil when before is zero.
func growthRat(after, before *big.Rat) *big.Rat {
	if !nonzero(before) || after == nil {
		return nil
	}
	r := new(big.Rat).Sub(after, before)
	r.Quo(r, before)
	return r.Mul(r, big.NewRat(100, 1))
}

func growthPct(after, before *big.Rat) *float64 {
	r := growthRat(after, before)
	if r == nil {
		return nil
	}
	f, _ := r.Float64()
	return &f
}

// RoundWon is r rounded half away from zero to whole won, as a basis
// states a sum.
func RoundWon(r *big.Rat) int64 { return roundWon(r) }
