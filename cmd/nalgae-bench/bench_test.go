package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/imports"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in whole nanoseconds
		{[]time.Duration{10, 30, 20, 40}, 25},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestFormatters(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{formatValue(12), "12"},
		{formatValue(1.23456), "1.235"},
		{formatValue(1234.56), "1234.6"},
		{thousands(999), "999"},
		{thousands(1000), `"1,000"`},
		{thousands(1234567), `"1,234,567"`},
		{pct(1, 3), "33.33%"},
		{pct(5, 0), "0.00%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

// TestGeneratedSearchAdParses runs the generated report through the
// server's own parser: it must read every row, without errors or ratio
// warnings, and add up to the sums the bench later checks the API against.
func TestGeneratedSearchAdParses(t *testing.T) {
	rep, err := generateSearchAd(1000)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := imports.ParseMetrics("searchad.csv", rep.csv)
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed.Errors) > 0 || len(parsed.Warnings) > 0 {
		t.Fatalf("errors %v, warnings %v", parsed.Errors, parsed.Warnings)
	}
	if parsed.RowsRead != 1000 || len(parsed.Days) != rep.days || rep.days != 4 {
		t.Fatalf("read %d rows into %d days; generated %d days", parsed.RowsRead, len(parsed.Days), rep.days)
	}
	var got sums
	for _, d := range parsed.Days {
		got.SpendKRW += *d.SpendKRW
		got.Impressions += *d.Impressions
		got.Clicks += *d.Clicks
		got.Conversions += *d.Conversions
		got.RevenueKRW += *d.RevenueKRW
	}
	if got != rep.total {
		t.Fatalf("parsed sums %+v, generated %+v", got, rep.total)
	}
	again, _ := generateSearchAd(1000)
	if string(again.csv) != string(rep.csv) {
		t.Fatal("two reports of the same size differ")
	}
}

func TestParseSQLRows(t *testing.T) {
	out := "--run 7\nteam|12||100|250|1000|30|2|\nsales|12||1.0|2.0|0|0|0|0\nseries|0|2025-01-06|5|6|0|0|0|0\nRun Time: real 0.1\n"
	rows, err := parseSQLRows(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].sums() != (sums{SpendKRW: 100, RevenueKRW: 250, Impressions: 1000, Clicks: 30, Conversions: 2}) ||
		rows[1].n[1] != 2 || rows[2].key != "2025-01-06" {
		t.Fatalf("parsed %+v", rows)
	}
}

// TestWriteAt checks that the writers take turns and that no (campaign,
// date) repeats within a pass over all of them, so that two concurrent
// writes never race to create the same day.
func TestWriteAt(t *testing.T) {
	writers := []*student{
		{email: "a", campaigns: []campaignRef{{ID: 1}, {ID: 2}}},
		{email: "b", campaigns: []campaignRef{{ID: 3}, {ID: 4}}},
	}
	dates := []string{"2026-03-01", "2026-03-02", "2026-03-03"}
	seen := map[string]bool{}
	for k := range uint64(12) {
		w := writeAt(k, writers, dates)
		if w.student != writers[k%2] {
			t.Fatalf("write %d by %s", k, w.student.email)
		}
		key := w.date + "/" + string(rune('0'+w.campaign))
		if seen[key] {
			t.Fatalf("write %d repeats %s within a pass", k, key)
		}
		seen[key] = true
		if !strings.Contains(string(w.body), w.date) {
			t.Fatalf("body %s lacks its date", w.body)
		}
	}
	if len(seen) != 12 {
		t.Fatalf("%d distinct days written, want 12", len(seen))
	}
}
