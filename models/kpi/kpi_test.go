package kpi

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func f(v float64) *float64 { return &v }

// sameRatio compares two optional ratios: both nil, or both set and equal to
// within float rounding.
func sameRatio(got, want *float64) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return math.Abs(*got-*want) <= 1e-9*math.Max(1, math.Abs(*want))
}

func show(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestSumsAdd(t *testing.T) {
	tests := []struct {
		name string
		a, b Sums
		want Sums
	}{
		{"zero plus zero", Sums{}, Sums{}, Sums{}},
		{"every field adds", Sums{1, 2, 3, 4, 5, 6}, Sums{10, 20, 30, 40, 50, 60}, Sums{11, 22, 33, 44, 55, 66}},
		{"adding zero changes nothing", Sums{7, 8, 9, 10, 11, 12}, Sums{}, Sums{7, 8, 9, 10, 11, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.a
			got.Add(tt.b)
			if got != tt.want {
				t.Errorf("Add = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name string
		in   Sums
		want Block // only the ratio fields are compared; the sums are checked separately
	}{
		{
			name: "all denominators zero gives every ratio nil",
			in:   Sums{SpendKRW: 0, RevenueKRW: 5000, Impressions: 0, Clicks: 0, Conversions: 0, Viewers: 0},
			want: Block{},
		},
		{
			name: "all zero gives every ratio nil",
			in:   Sums{},
			want: Block{},
		},
		{
			name: "every ratio from nonzero sums",
			in:   Sums{SpendKRW: 10000, RevenueKRW: 62900, Impressions: 2000, Clicks: 50, Conversions: 4, Viewers: 200},
			want: Block{
				RoasPct: f(629), CtrPct: f(2.5), CpcKRW: f(200), CvrPct: f(8),
				CpaKRW: f(2500), AovKRW: f(15725), LiveConversionPct: f(2), RevenuePerViewerKRW: f(314.5),
			},
		},
		{
			name: "zero spend gives nil ROAS but other ratios set",
			in:   Sums{SpendKRW: 0, RevenueKRW: 1000, Impressions: 100, Clicks: 10, Conversions: 1, Viewers: 0},
			want: Block{CtrPct: f(10), CpcKRW: f(0), CvrPct: f(10), CpaKRW: f(0), AovKRW: f(1000)},
		},
		{
			name: "zero impressions gives nil CTR",
			in:   Sums{SpendKRW: 100, Clicks: 5},
			want: Block{RoasPct: f(0), CpcKRW: f(20), CvrPct: f(0)},
		},
		{
			name: "zero clicks gives nil CPC and CVR",
			in:   Sums{SpendKRW: 100, Impressions: 1000, Conversions: 2},
			want: Block{RoasPct: f(0), CtrPct: f(0), CpaKRW: f(50), AovKRW: f(0)},
		},
		{
			name: "zero conversions gives nil CPA and AOV",
			in:   Sums{SpendKRW: 300, RevenueKRW: 0, Impressions: 10, Clicks: 3},
			want: Block{RoasPct: f(0), CtrPct: f(30), CpcKRW: f(100), CvrPct: f(0)},
		},
		{
			name: "zero viewers gives nil live conversion and revenue per viewer",
			in:   Sums{Conversions: 3, RevenueKRW: 900},
			want: Block{CpaKRW: f(0), AovKRW: f(300)},
		},
		{
			name: "live commerce ratios from viewers",
			in:   Sums{RevenueKRW: 1000, Conversions: 1, Viewers: 3},
			want: Block{CpaKRW: f(0), AovKRW: f(1000), LiveConversionPct: f(100.0 / 3), RevenuePerViewerKRW: f(1000.0 / 3)},
		},
		{
			name: "unrounded value is kept",
			in:   Sums{SpendKRW: 3, RevenueKRW: 1},
			want: Block{RoasPct: f(100.0 / 3)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.in)
			if got.SpendKRW != tt.in.SpendKRW || got.RevenueKRW != tt.in.RevenueKRW ||
				got.Impressions != tt.in.Impressions || got.Clicks != tt.in.Clicks ||
				got.Conversions != tt.in.Conversions || got.Viewers != tt.in.Viewers {
				t.Errorf("sums not copied: got %+v from %+v", got, tt.in)
			}
			ratios := []struct {
				name      string
				got, want *float64
			}{
				{"roas_pct", got.RoasPct, tt.want.RoasPct},
				{"ctr_pct", got.CtrPct, tt.want.CtrPct},
				{"cpc_krw", got.CpcKRW, tt.want.CpcKRW},
				{"cvr_pct", got.CvrPct, tt.want.CvrPct},
				{"cpa_krw", got.CpaKRW, tt.want.CpaKRW},
				{"aov_krw", got.AovKRW, tt.want.AovKRW},
				{"live_conversion_pct", got.LiveConversionPct, tt.want.LiveConversionPct},
				{"revenue_per_viewer_krw", got.RevenuePerViewerKRW, tt.want.RevenuePerViewerKRW},
			}
			for _, r := range ratios {
				if r.got != nil && (math.IsInf(*r.got, 0) || math.IsNaN(*r.got)) {
					t.Errorf("%s = %v, want a finite number or nil", r.name, *r.got)
				}
				if !sameRatio(r.got, r.want) {
					t.Errorf("%s = %v, want %v", r.name, show(r.got), show(r.want))
				}
			}
		})
	}
}

// Two days: one small day with a high ROAS, one big day with a low ROAS. The
// group's ROAS weighs each day by its spend; averaging the daily ROAS would not.
func TestComputeRatioOfSumsNotAverageOfDailyRatios(t *testing.T) {
	days := []Sums{
		{SpendKRW: 100, RevenueKRW: 1000, Impressions: 10, Clicks: 5},  // ROAS 1000%, CTR 50%
		{SpendKRW: 900, RevenueKRW: 900, Impressions: 990, Clicks: 15}, // ROAS 100%, CTR ~1.52%
	}
	tests := []struct {
		name       string
		ratio      func(Block) *float64
		wantOfSums float64
		avgOfDays  float64
	}{
		{"roas", func(b Block) *float64 { return b.RoasPct }, 190, 550},
		{"ctr", func(b Block) *float64 { return b.CtrPct }, 2, (50 + 100*15.0/990) / 2},
	}
	var total Sums
	for _, d := range days {
		total.Add(d)
	}
	group := Compute(total)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var avg float64
			for _, d := range days {
				avg += *tt.ratio(Compute(d))
			}
			avg /= float64(len(days))
			if math.Abs(avg-tt.avgOfDays) > 1e-9 {
				t.Fatalf("average of daily ratios = %v, want %v (test data)", avg, tt.avgOfDays)
			}
			got := tt.ratio(group)
			if !sameRatio(got, f(tt.wantOfSums)) {
				t.Errorf("group ratio = %v, want ratio of sums %v", show(got), tt.wantOfSums)
			}
			if sameRatio(got, f(avg)) {
				t.Errorf("group ratio equals the average of daily ratios %v", avg)
			}
		})
	}
}

func TestBlockJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      Sums
		want    []string
		notWant []string
	}{
		{
			name: "zero denominators are null",
			in:   Sums{RevenueKRW: 10},
			want: []string{`"roas_pct":null`, `"ctr_pct":null`, `"cpc_krw":null`, `"cvr_pct":null`,
				`"cpa_krw":null`, `"aov_krw":null`, `"live_conversion_pct":null`, `"revenue_per_viewer_krw":null`,
				`"revenue_krw":10`, `"spend_krw":0`},
			notWant: []string{"Inf", "NaN"},
		},
		{
			name: "ratios are numbers",
			in:   Sums{SpendKRW: 100, RevenueKRW: 629},
			want: []string{`"roas_pct":629`, `"spend_krw":100`, `"ctr_pct":null`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(Compute(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("JSON %s lacks %s", b, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(string(b), w) {
					t.Errorf("JSON %s contains %s", b, w)
				}
			}
		})
	}
}
