package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// searchAdHeader is the newer (2026) Naver SearchAd report's header, with the
// ratio columns the importer recomputes and checks.
var searchAdHeader = []string{"일별", "캠페인", "광고그룹", "노출수", "클릭수", "클릭률(%)", "평균 CPC", "총비용",
	"총 전환수", "총 전환율(%)", "총 전환매출액(원)", "총 광고수익률(%)"}

// importFirstDay is the first day of the generated report.
const importFirstDay = "2024-01-01"

// importAdGroups is how many ad-group rows each day has: a report broken
// down by day and ad group, which the importer sums per day.
const importAdGroups = 250

// searchAdReport is a generated report and what it adds up to.
type searchAdReport struct {
	csv      []byte
	rows     int
	days     int
	from, to string
	total    sums
}

// generateSearchAd writes a deterministic SearchAd CSV of rows data rows,
// importAdGroups a day from importFirstDay, numbers quoted with thousands
// separators as the ad system writes them.
func generateSearchAd(rows int) (*searchAdReport, error) {
	first, err := time.Parse(time.DateOnly, importFirstDay)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(6, 100_000))
	var buf bytes.Buffer
	buf.WriteString(strings.Join(searchAdHeader, ",") + "\n")
	r := &searchAdReport{rows: rows, from: importFirstDay}
	for i := range rows {
		day := first.AddDate(0, 0, i/importAdGroups).Format(time.DateOnly)
		impressions := 100 + rng.Int64N(20_000)
		clicks := 1 + impressions*rng.Int64N(50)/1000
		conversions := clicks * rng.Int64N(10) / 100
		spend := clicks * (70 + rng.Int64N(900))
		revenue := conversions * (10_000 + rng.Int64N(90_000))
		fmt.Fprintf(&buf, "%s,벤치마크_검색광고,그룹%03d,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", day, i%importAdGroups,
			thousands(impressions), thousands(clicks), pct(clicks, impressions), thousands(spend/clicks),
			thousands(spend), thousands(conversions), pct(conversions, clicks), thousands(revenue), pct(revenue, spend))
		r.total.Impressions += impressions
		r.total.Clicks += clicks
		r.total.Conversions += conversions
		r.total.SpendKRW += spend
		r.total.RevenueKRW += revenue
		r.to = day
	}
	r.days = (rows + importAdGroups - 1) / importAdGroups
	r.csv = buf.Bytes()
	return r, nil
}

// thousands writes n as the report does: "1,234" in quotes from 1,000 up.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return `"` + b.String() + `"`
}

// pct is num/den as the report's two-decimal percentage.
func pct(num, den int64) string {
	if den == 0 {
		return "0.00%"
	}
	return strconv.FormatFloat(float64(num)/float64(den)*100, 'f', 2, 64) + "%"
}
