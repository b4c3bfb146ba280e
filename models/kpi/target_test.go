package kpi

import (
	"math/big"
	"testing"

	"github.com/nalgae/nalgae/models/civil"
)

func TestAttainmentPct(t *testing.T) {
	tests := []struct {
		name             string
		actual, baseline *float64
		target           float64
		decrease         bool
		want             *float64
		status           string
	}{
		{"increase, no baseline: actual over target", f(150), nil, 200, false, f(75), StatusBehind},
		{"increase, met exactly", f(200), nil, 200, false, f(100), StatusMet},
		{"increase, on track at 85", f(170), nil, 200, false, f(85), StatusOnTrack},
		{"increase, just below on track", f(169.98), nil, 200, false, f(84.99), StatusBehind},
		{"increase, beyond the target", f(300), nil, 200, false, f(150), StatusMet},
		{"increase, target zero: null", f(10), nil, 0, false, nil, StatusNoData},
		{"no actual: null", nil, nil, 200, false, nil, StatusNoData},
		{"no actual with a baseline: null", nil, f(10), 200, false, nil, StatusNoData},
		{"decrease, no baseline: target over actual", f(2500), nil, 2000, true, f(80), StatusBehind},
		{"decrease, better than the target", f(1000), nil, 2000, true, f(200), StatusMet},
		{"decrease, actual zero: null", f(0), nil, 2000, true, nil, StatusNoData},
		{"baseline: share of the way", f(150), f(100), 200, false, f(50), StatusBehind},
		{"baseline: actual below the baseline is negative", f(80), f(100), 200, false, f(-20), StatusBehind},
		{"baseline equal to target: null", f(150), f(200), 200, false, nil, StatusNoData},
		{"decrease with a baseline: signs cancel", f(2500), f(3000), 2000, true, f(50), StatusBehind},
		{"decrease with a baseline, met", f(1800), f(3000), 2000, true, f(120), StatusMet},
		{"actual zero, increase: 0%", f(0), nil, 100, false, f(0), StatusBehind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AttainmentPct(tt.actual, tt.baseline, tt.target, tt.decrease)
			if !sameRatio(got, tt.want) {
				t.Fatalf("AttainmentPct = %v, want %v", show(got), show(tt.want))
			}
			if s := TargetStatus(got); s != tt.status {
				t.Fatalf("TargetStatus = %s, want %s", s, tt.status)
			}
		})
	}
}

func TestAdRoasPct(t *testing.T) {
	if got := AdRoasPct(Sums{RevenueKRW: 629, SpendKRW: 100}); !sameRatio(got, f(629)) {
		t.Fatalf("AdRoasPct = %v", show(got))
	}
	if got := AdRoasPct(Sums{RevenueKRW: 500}); got != nil {
		t.Fatalf("AdRoasPct without spend = %v, want nil", show(got))
	}
}

func TestYearEarlier(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-10-08", "2025-10-08"},
		{"2024-02-29", "2023-02-28"}, // no 29 February a year earlier
		{"2025-03-01", "2024-03-01"},
		{"2025-02-28", "2024-02-28"},
		{"2026-01-01", "2025-01-01"},
	}
	for _, tt := range tests {
		if got := YearEarlier(civil.MustParse(tt.in)); got != civil.MustParse(tt.want) {
			t.Errorf("YearEarlier(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	w := Windows{BeforeFrom: civil.MustParse("2024-02-01"), BeforeTo: civil.MustParse("2024-02-29"),
		AfterFrom: civil.MustParse("2024-03-01"), AfterTo: civil.MustParse("2024-03-29")}
	ly := LastYear(w)
	// The before window shrinks from 29 days to 28: not rescaled.
	if ly.BeforeFrom != civil.MustParse("2023-02-01") || ly.BeforeTo != civil.MustParse("2023-02-28") ||
		ly.AfterFrom != civil.MustParse("2023-03-01") || ly.AfterTo != civil.MustParse("2023-03-29") {
		t.Fatalf("LastYear = %+v", ly)
	}
}

func TestMethods(t *testing.T) {
	r := func(n int64) *big.Rat { return big.NewRat(n, 1) }
	type want struct{ ba, ly, sa, did *float64 }
	tests := []struct {
		name string
		s    MethodSums
		want want
	}{
		{"every method", MethodSums{A: r(227), B: r(100), A1: r(120), B1: r(100), AC: r(110), BC: r(100)},
			want{f(127), f(227.0/120*100 - 100), f((227.0/120)/(100.0/100)*100 - 100), f(127 - 10)}},
		{"no before sales: before/after, seasonal and comparison null", MethodSums{A: r(200), B: r(0), A1: r(100), B1: r(50), AC: r(10), BC: r(5)},
			want{nil, f(100), nil, nil}},
		{"no last year: last-year methods null", MethodSums{A: r(200), B: r(100), A1: r(0), B1: r(0), AC: r(10), BC: r(5)},
			want{f(100), nil, nil, f(0)}},
		{"last year's before window empty: seasonal null only", MethodSums{A: r(200), B: r(100), A1: r(100), B1: r(0)},
			want{f(100), f(100), nil, nil}},
		{"no comparison teams: comparison null", MethodSums{A: r(150), B: r(100), A1: r(100), B1: r(100)},
			want{f(50), f(50), f(50), nil}},
		{"comparison teams without before sales: null", MethodSums{A: r(150), B: r(100), A1: r(100), B1: r(100), AC: r(30), BC: r(0)},
			want{f(50), f(50), f(50), nil}},
		{"after sum zero gives −100", MethodSums{A: r(0), B: r(100), A1: r(50), B1: r(100), AC: r(100), BC: r(100)},
			want{f(-100), f(-100), f(-100), f(-100)}},
		{"prorated thirds stay exact", MethodSums{A: big.NewRat(200, 3), B: big.NewRat(100, 3), A1: big.NewRat(100, 3), B1: big.NewRat(100, 3), AC: r(1), BC: r(1)},
			want{f(100), f(100), f(100), f(100)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Methods(tt.s)
			for _, c := range []struct {
				name      string
				got, want *float64
			}{{"before_after", got.BeforeAfter, tt.want.ba}, {"same_period_last_year", got.SamePeriodLastYear, tt.want.ly},
				{"seasonally_adjusted", got.SeasonallyAdjusted, tt.want.sa}, {"difference_in_differences", got.DiffInDiff, tt.want.did}} {
				if !sameRatio(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.name, show(c.got), show(c.want))
				}
			}
		})
	}
}
