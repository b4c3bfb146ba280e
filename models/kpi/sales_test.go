package kpi

import (
	"math/big"
	"testing"

	"github.com/nalgae/nalgae/models/civil"
)

var d = civil.MustParse

func dp(s string) *civil.Date { v := d(s); return &v }

func TestAfterWindow(t *testing.T) {
	today := d("2025-12-15")
	tests := []struct {
		name       string
		spans      []Span
		programEnd civil.Date
		today      civil.Date
		wantFrom   string
		wantTo     string
		wantOK     bool
	}{
		{
			name:     "one campaign with end uses its own dates",
			spans:    []Span{{Start: d("2025-10-01"), End: dp("2025-10-31")}},
			today:    today,
			wantFrom: "2025-10-01", wantTo: "2025-10-31", wantOK: true,
		},
		{
			name: "several campaigns take earliest start and latest end",
			spans: []Span{
				{Start: d("2025-10-10"), End: dp("2025-10-20")},
				{Start: d("2025-09-15"), End: dp("2025-10-05")},
				{Start: d("2025-10-01"), End: dp("2025-11-30")},
			},
			today:    today,
			wantFrom: "2025-09-15", wantTo: "2025-11-30", wantOK: true,
		},
		{
			name: "campaign without end uses program end",
			spans: []Span{
				{Start: d("2025-10-01"), End: dp("2025-10-31")},
				{Start: d("2025-10-15")},
			},
			programEnd: d("2025-11-20"),
			today:      today,
			wantFrom:   "2025-10-01", wantTo: "2025-11-20", wantOK: true,
		},
		{
			name:       "program end earlier than a campaign end does not shorten it",
			spans:      []Span{{Start: d("2025-10-01"), End: dp("2025-11-30")}, {Start: d("2025-10-02")}},
			programEnd: d("2025-11-01"),
			today:      today,
			wantFrom:   "2025-10-01", wantTo: "2025-11-30", wantOK: true,
		},
		{
			name:     "end is capped at today",
			spans:    []Span{{Start: d("2025-12-01"), End: dp("2026-01-31")}},
			today:    today,
			wantFrom: "2025-12-01", wantTo: "2025-12-15", wantOK: true,
		},
		{
			name:       "program end after today is capped at today",
			spans:      []Span{{Start: d("2025-12-01")}},
			programEnd: d("2026-02-28"),
			today:      today,
			wantFrom:   "2025-12-01", wantTo: "2025-12-15", wantOK: true,
		},
		{
			name:     "no end and zero program end runs to today",
			spans:    []Span{{Start: d("2025-11-01")}},
			today:    today,
			wantFrom: "2025-11-01", wantTo: "2025-12-15", wantOK: true,
		},
		{
			name:     "campaign starting today is a one-day window",
			spans:    []Span{{Start: today}},
			today:    today,
			wantFrom: "2025-12-15", wantTo: "2025-12-15", wantOK: true,
		},
		{
			name:   "start in the future is not ok",
			spans:  []Span{{Start: d("2025-12-20"), End: dp("2025-12-31")}},
			today:  today,
			wantOK: false,
		},
		{
			name:   "no spans is not ok",
			spans:  nil,
			today:  today,
			wantOK: false,
		},
		{
			name:   "span with zero start is skipped",
			spans:  []Span{{End: dp("2025-10-31")}},
			today:  today,
			wantOK: false,
		},
		{
			name:     "leap day window",
			spans:    []Span{{Start: d("2024-02-29"), End: dp("2024-03-31")}},
			today:    today,
			wantFrom: "2024-02-29", wantTo: "2024-03-31", wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to, ok := AfterWindow(tt.spans, tt.programEnd, tt.today)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (from %s to %s)", ok, tt.wantOK, from, to)
			}
			if !ok {
				return
			}
			if from.String() != tt.wantFrom || to.String() != tt.wantTo {
				t.Errorf("window = %s..%s, want %s..%s", from, to, tt.wantFrom, tt.wantTo)
			}
		})
	}
}

func TestDefaultWindows(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     [4]string // before_from, before_to, after_from, after_to
	}{
		{"month after gives equal-length before", "2025-10-01", "2025-10-31",
			[4]string{"2025-08-31", "2025-09-30", "2025-10-01", "2025-10-31"}},
		{"one-day window", "2025-10-08", "2025-10-08",
			[4]string{"2025-10-07", "2025-10-07", "2025-10-08", "2025-10-08"}},
		{"before window ends on leap day", "2024-03-01", "2024-03-31",
			[4]string{"2024-01-30", "2024-02-29", "2024-03-01", "2024-03-31"}},
		{"after window spans leap day", "2024-02-28", "2024-03-01",
			[4]string{"2024-02-25", "2024-02-27", "2024-02-28", "2024-03-01"}},
		{"crosses the year", "2026-01-01", "2026-01-10",
			[4]string{"2025-12-22", "2025-12-31", "2026-01-01", "2026-01-10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := DefaultWindows(d(tt.from), d(tt.to))
			got := [4]string{w.BeforeFrom.String(), w.BeforeTo.String(), w.AfterFrom.String(), w.AfterTo.String()}
			if got != tt.want {
				t.Errorf("DefaultWindows = %v, want %v", got, tt.want)
			}
			before := w.BeforeTo.DaysSince(w.BeforeFrom) + 1
			after := w.AfterTo.DaysSince(w.AfterFrom) + 1
			if before != after {
				t.Errorf("before has %d days, after %d", before, after)
			}
			if err := w.Validate(); err != nil {
				t.Errorf("Validate = %v", err)
			}
		})
	}
}

func TestWindowsValidate(t *testing.T) {
	ok := Windows{d("2025-09-01"), d("2025-09-30"), d("2025-10-01"), d("2025-10-30")}
	with := func(change func(*Windows)) Windows { w := ok; change(&w); return w }
	tests := []struct {
		name    string
		w       Windows
		wantErr string
	}{
		{"valid windows", ok, ""},
		{"one-day windows are valid", Windows{d("2025-10-01"), d("2025-10-01"), d("2025-10-02"), d("2025-10-02")}, ""},
		{"unequal lengths are allowed", with(func(w *Windows) { w.BeforeFrom = d("2025-01-01") }), ""},
		{"reversed before", with(func(w *Windows) { w.BeforeFrom = d("2025-10-01") }), "before_from must not be after before_to"},
		{"reversed after", with(func(w *Windows) { w.AfterTo = d("2025-09-30") }), "after_from must not be after after_to"},
		{"zero before_from", with(func(w *Windows) { w.BeforeFrom = civil.Date{} }), "before_from is required"},
		{"zero before_to", with(func(w *Windows) { w.BeforeTo = civil.Date{} }), "before_to is required"},
		{"zero after_from", with(func(w *Windows) { w.AfterFrom = civil.Date{} }), "after_from is required"},
		{"zero after_to", with(func(w *Windows) { w.AfterTo = civil.Date{} }), "after_to is required"},
		{"all zero", Windows{}, "before_from is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("Validate = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestProratedSales(t *testing.T) {
	rec := func(start, end string, krw int64) SalesRecord {
		return SalesRecord{Start: d(start), End: d(end), SalesKRW: krw}
	}
	tests := []struct {
		name     string
		records  []SalesRecord
		from, to string
		want     *big.Rat
	}{
		{"no records", nil, "2025-10-01", "2025-10-31", big.NewRat(0, 1)},
		{"record fully inside adds all", []SalesRecord{rec("2025-10-05", "2025-10-10", 6000)},
			"2025-10-01", "2025-10-31", big.NewRat(6000, 1)},
		{"record equal to window adds all", []SalesRecord{rec("2025-10-01", "2025-10-31", 31000)},
			"2025-10-01", "2025-10-31", big.NewRat(31000, 1)},
		{"30-day record with 10 days inside adds a third", []SalesRecord{rec("2025-09-01", "2025-09-30", 3000)},
			"2025-09-21", "2025-10-31", big.NewRat(1000, 1)},
		{"third of an odd amount stays exact", []SalesRecord{rec("2025-09-01", "2025-09-30", 1000)},
			"2025-09-21", "2025-10-31", big.NewRat(1000, 3)},
		{"record before window adds nothing", []SalesRecord{rec("2025-08-01", "2025-08-31", 5000)},
			"2025-09-01", "2025-09-30", big.NewRat(0, 1)},
		{"record after window adds nothing", []SalesRecord{rec("2025-10-01", "2025-10-31", 5000)},
			"2025-09-01", "2025-09-30", big.NewRat(0, 1)},
		{"one-day record inside adds all", []SalesRecord{rec("2025-10-08", "2025-10-08", 777)},
			"2025-10-08", "2025-10-08", big.NewRat(777, 1)},
		{"one-day record outside adds nothing", []SalesRecord{rec("2025-10-09", "2025-10-09", 777)},
			"2025-10-01", "2025-10-08", big.NewRat(0, 1)},
		{"record ending on window's first day adds one day", []SalesRecord{rec("2025-09-22", "2025-10-01", 1000)},
			"2025-10-01", "2025-10-31", big.NewRat(100, 1)},
		{"record with end before start is ignored", []SalesRecord{rec("2025-10-10", "2025-10-01", 9999), rec("2025-10-01", "2025-10-01", 5)},
			"2025-10-01", "2025-10-31", big.NewRat(5, 1)},
		{"records sum", []SalesRecord{rec("2025-10-01", "2025-10-01", 100), rec("2025-10-02", "2025-10-03", 200), rec("2025-09-30", "2025-10-01", 50)},
			"2025-10-01", "2025-10-31", big.NewRat(325, 1)},
		{"leap February prorated by 29 days", []SalesRecord{rec("2024-02-01", "2024-02-29", 2900)},
			"2024-02-20", "2024-03-10", big.NewRat(1000, 1)},
		{"leap day alone", []SalesRecord{rec("2024-02-28", "2024-03-01", 300)},
			"2024-02-29", "2024-02-29", big.NewRat(100, 1)},
		{"negative sales (refunds) prorate too", []SalesRecord{rec("2025-10-01", "2025-10-04", -400)},
			"2025-10-01", "2025-10-02", big.NewRat(-200, 1)},
		{"reversed window adds nothing", []SalesRecord{rec("2025-10-01", "2025-10-31", 100)},
			"2025-10-20", "2025-10-10", big.NewRat(0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ProratedSales(tt.records, d(tt.from), d(tt.to))
			if got.Cmp(tt.want) != 0 {
				t.Errorf("ProratedSales = %s, want %s", got.RatString(), tt.want.RatString())
			}
		})
	}
}

func TestSalesGrowth(t *testing.T) {
	rec := func(start, end string, krw int64) SalesRecord {
		return SalesRecord{Start: d(start), End: d(end), SalesKRW: krw}
	}
	// oct's before window is 2025-08-31..2025-09-30; days has one day in each window.
	oct := DefaultWindows(d("2025-10-01"), d("2025-10-31"))
	days := Windows{d("2025-10-01"), d("2025-10-01"), d("2025-10-02"), d("2025-10-02")}
	tests := []struct {
		name       string
		records    []SalesRecord
		w          Windows
		wantBefore int64
		wantAfter  int64
		wantPct    *float64
	}{
		{"no sales at all is nil", nil, oct, 0, 0, nil},
		{"growth nil when before is zero even if after is positive",
			[]SalesRecord{rec("2025-10-01", "2025-10-31", 5000)}, oct, 0, 5000, nil},
		{"positive growth (127%)",
			[]SalesRecord{rec("2025-08-31", "2025-09-30", 1000000), rec("2025-10-01", "2025-10-31", 2270000)}, oct, 1000000, 2270000, f(127)},
		{"negative growth",
			[]SalesRecord{rec("2025-08-31", "2025-09-30", 4000), rec("2025-10-01", "2025-10-31", 1000)}, oct, 4000, 1000, f(-75)},
		{"after zero is minus 100%",
			[]SalesRecord{rec("2025-08-31", "2025-09-30", 4000)}, oct, 4000, 0, f(-100)},
		{"no change is 0%",
			[]SalesRecord{rec("2025-08-31", "2025-10-31", 6200)}, oct, 3100, 3100, f(0)},
		{"record spanning both windows splits by days",
			[]SalesRecord{rec("2025-09-21", "2025-10-10", 2000)}, oct, 1000, 1000, f(0)},
		// Before is 10/3 won (3 rounded); growth from exact 10/3 is 50%, from the rounded 3 it would be 66.7%.
		{"growth is computed from exact rationals, not rounded won",
			[]SalesRecord{rec("2025-09-29", "2025-10-01", 10), rec("2025-10-02", "2025-10-02", 5)}, days, 3, 5, f(50)},
		{"before rounding to zero won still gives growth",
			[]SalesRecord{rec("2025-09-29", "2025-10-01", 1), rec("2025-10-02", "2025-10-02", 1)}, days, 0, 1, f(200)},
		{"two thirds of a won rounds to one",
			[]SalesRecord{rec("2025-09-29", "2025-10-01", 2), rec("2025-10-02", "2025-10-02", 1)}, days, 1, 1, f(50)},
		{"half won rounds up",
			[]SalesRecord{rec("2025-09-30", "2025-10-01", 1), rec("2025-10-02", "2025-10-03", 5)}, days, 1, 3, f(400)},
		{"one and a half won rounds to two",
			[]SalesRecord{rec("2025-09-30", "2025-10-01", 3), rec("2025-10-02", "2025-10-03", 4)}, days, 2, 2, f(100.0 / 3)},
		{"negative half won rounds away from zero",
			[]SalesRecord{rec("2025-09-30", "2025-10-01", 2), rec("2025-10-02", "2025-10-03", -5)}, days, 1, -3, f(-350)},
		{"leap-year windows",
			[]SalesRecord{rec("2024-01-30", "2024-02-29", 3100), rec("2024-03-01", "2024-03-31", 6200)},
			DefaultWindows(d("2024-03-01"), d("2024-03-31")), 3100, 6200, f(100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SalesGrowth(tt.records, tt.w)
			if got.BeforeKRW != tt.wantBefore || got.AfterKRW != tt.wantAfter {
				t.Errorf("before/after = %d/%d, want %d/%d", got.BeforeKRW, got.AfterKRW, tt.wantBefore, tt.wantAfter)
			}
			if !sameRatio(got.Pct, tt.wantPct) {
				t.Errorf("Pct = %v, want %v", show(got.Pct), show(tt.wantPct))
			}
		})
	}
}
