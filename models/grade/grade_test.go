package grade

import (
	"math"
	"slices"
	"testing"
)

func f(v float64) *float64 { return &v }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAdjust(t *testing.T) {
	for _, c := range []struct{ raw, want float64 }{
		{0.5, 0.5}, {0.9499, 0.9499}, {0.95, 1.0}, {0.9999, 1.0}, {1.0, 1.0},
		{1.03, 1.03}, {1.05, 1.05}, {1.0500001, 1.05}, {1.4, 1.05},
	} {
		if got := Adjust(c.raw); got != c.want {
			t.Errorf("Adjust(%v) = %v, want %v", c.raw, got, c.want)
		}
	}
}

func TestFactors(t *testing.T) {
	// Three students: 1 and 2 rate everyone (themselves too), 3 rates nobody
	// and nobody rates 4. Self-ratings must not count.
	ratings := []Rating{
		{1, 1, 5}, {1, 2, 4}, {1, 3, 2},
		{2, 1, 4}, {2, 2, 5}, {2, 3, 3},
		{9, 1, 1}, // a rater who left the team
	}
	got := Factors([]uint64{1, 2, 3, 4}, ratings)
	// r: 1 ← 4 (from 2), 2 ← 4 (from 1), 3 ← (2+3)/2 = 2.5; team mean 3.5.
	want := map[uint64]float64{1: 4 / 3.5, 2: 4 / 3.5, 3: 2.5 / 3.5}
	for id, raw := range want {
		if got[id].AFRaw == nil || !near(*got[id].AFRaw, raw) {
			t.Errorf("student %d af_raw = %v, want %v", id, got[id].AFRaw, raw)
		}
		if !near(*got[id].AF, Adjust(raw)) {
			t.Errorf("student %d af = %v, want %v", id, *got[id].AF, Adjust(raw))
		}
	}
	if *got[1].AF != 1.05 {
		t.Errorf("student 1 (raw %.4f) should be capped at 1.05, got %v", *got[1].AFRaw, *got[1].AF)
	}
	if got[4].AF != nil || got[4].AFRaw != nil {
		t.Errorf("an unrated student has a factor: %+v", got[4])
	}
}

func TestTeamGrade(t *testing.T) {
	w := Weights{70, 15, 15}
	for _, c := range []struct {
		name                 string
		rubric, merch, targs *float64
		want                 *float64
		missing              []string
	}{
		{"all", f(80), f(75), f(60), f((80*70 + 75*15 + 60*15) / 100.0), []string{}},
		{"no merchant", f(80), nil, f(60), f((80*70 + 60*15) / 85.0), []string{Merchant}},
		{"rubric only", f(80), nil, nil, f(80), []string{Merchant, Targets}},
		{"nothing", nil, nil, nil, nil, []string{Rubric, Merchant, Targets}},
	} {
		got, missing := TeamGrade(w, c.rubric, c.merch, c.targs)
		if (got == nil) != (c.want == nil) || (got != nil && !near(*got, *c.want)) {
			t.Errorf("%s: grade %v, want %v", c.name, got, c.want)
		}
		if !slices.Equal(missing, c.missing) {
			t.Errorf("%s: missing %v, want %v", c.name, missing, c.missing)
		}
	}
	if g, _ := TeamGrade(Weights{100, 0, 0}, nil, f(50), f(50)); g != nil {
		t.Errorf("present components weighing 0 gave %v, want nil", *g)
	}
}

func TestComponents(t *testing.T) {
	if MerchantPct(1) != 0 || MerchantPct(5) != 100 || MerchantPct(4) != 75 {
		t.Error("merchant_pct is (overall-1)/4*100")
	}
	if RubricPct(87) != 87 {
		t.Error("rubric_pct of 87 points")
	}
	if got := TargetsPct([]*float64{f(150), f(-20), nil, f(40)}); got == nil || !near(*got, (100+0+40)/3.0) {
		t.Errorf("targets_pct = %v", got)
	}
	if TargetsPct([]*float64{nil}) != nil {
		t.Error("targets without data give nil")
	}
	if v := Final(f(98), f(1.05)); *v != 100 {
		t.Errorf("final capped at 100, got %v", *v)
	}
	if v := Final(f(80), nil); *v != 80 {
		t.Errorf("an unrated student counts 1.0, got %v", *v)
	}
	if Final(nil, f(1)) != nil {
		t.Error("no team grade, no final grade")
	}
}
