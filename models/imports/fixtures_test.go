package imports

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
)

// The fixtures in testdata/ are committed files that look as SPEC §5 says the
// tools' downloads look. TestWriteFixtures is how they were made; it runs
// only when asked, so that the committed bytes are what the tests read:
//
//	go test ./models/imports -run TestWriteFixtures -update-fixtures
var updateFixtures = flag.Bool("update-fixtures", false, "rewrite the files in testdata/")

// searchAdDay is one day of the campaign every Naver fixture reports, in
// four layouts: the truth the parsed files are compared with.
type searchAdDay struct {
	date                                         string
	impressions, clicks, spend, conversions, rev int64
}

var searchAdDays = []searchAdDay{
	{"2025-10-01", 12480, 312, 187220, 9, 1212000},
	{"2025-10-02", 11905, 298, 179410, 7, 968500},
	{"2025-10-03", 13220, 341, 204930, 11, 1486300},
	{"2025-10-04", 15870, 402, 240150, 14, 1902400},
	{"2025-10-05", 16340, 415, 251880, 13, 1765200},
	{"2025-10-06", 10760, 260, 158320, 5, 641000},
	{"2025-10-07", 9980, 241, 146090, 0, 0},
	{"2025-10-08", 12110, 305, 183700, 8, 1155600},
	{"2025-10-09", 13480, 338, 202560, 10, 1391800},
	{"2025-10-10", 14025, 351, 211940, 12, 1630500},
}

// storeDay is one day of the Smart Store fixture.
type storeDay struct {
	date                   string
	orders, gross, refunds int64
}

var storeDays = []storeDay{
	{"2025-09-01", 14, 612000, 0}, {"2025-09-02", 11, 498500, 39000}, {"2025-09-03", 17, 774000, 0},
	{"2025-09-04", 9, 401000, 0}, {"2025-09-05", 21, 958300, 58000}, {"2025-09-06", 26, 1187000, 0},
	{"2025-09-07", 24, 1093500, 45500}, {"2025-09-08", 12, 540000, 0}, {"2025-09-09", 10, 452000, 0},
	{"2025-09-10", 15, 689000, 29000}, {"2025-09-11", 13, 583000, 0}, {"2025-09-12", 19, 862000, 0},
	{"2025-09-13", 0, 0, 0}, {"2025-09-14", 22, 1001000, 61000},
}

// split divides total into parts in the given proportions; the last part
// takes the remainder, so that the parts add up exactly.
func split(total int64, shares []float64) []int64 {
	out := make([]int64, len(shares))
	left := total
	for i, s := range shares[:len(shares)-1] {
		out[i] = int64(math.Floor(float64(total) * s))
		left -= out[i]
	}
	out[len(out)-1] = left
	return out
}

// adRow is a report row: a day's share for one campaign, ad group or keyword.
type adRow struct {
	date, campaign, group                        string
	impressions, clicks, spend, conversions, rev int64
}

func breakdown(names []string, shares []float64) []adRow {
	var rows []adRow
	for _, d := range searchAdDays {
		imp, clk, sp := split(d.impressions, shares), split(d.clicks, shares), split(d.spend, shares)
		cv, rv := split(d.conversions, shares), split(d.rev, shares)
		for i, n := range names {
			rows = append(rows, adRow{d.date, "아뮤즈마켓_쇼핑검색", n, imp[i], clk[i], sp[i], cv[i], rv[i]})
		}
	}
	return rows
}

// Formatting as the report screen writes numbers.
func thousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func countOrDash(v int64) string {
	if v == 0 {
		return "-"
	}
	return thousands(v)
}

func pct(num, den int64, suffix string) string {
	if den == 0 || num == 0 {
		return "-"
	}
	return strconv.FormatFloat(math.Round(float64(num)/float64(den)*10000)/100, 'f', 2, 64) + suffix
}

func cpc(spend, clicks int64) string {
	if clicks == 0 {
		return "-"
	}
	return thousands(int64(math.Round(float64(spend) / float64(clicks))))
}

func dotted(date string) string { return strings.ReplaceAll(date, "-", ".") + "." }

func writeCSV(t *testing.T, name string, comma rune, records [][]string, cp949 bool, bom bool) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = comma, true
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if cp949 {
		var err error
		if out, err = korean.EUCKR.NewEncoder().Bytes(out); err != nil {
			t.Fatal(err)
		}
	}
	if bom {
		out = append([]byte("\ufeff"), out...)
	}
	writeFixture(t, name, out)
}

func writeFixture(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWriteFixtures(t *testing.T) {
	if !*updateFixtures {
		t.Skip("rewrites testdata/ only with -update-fixtures")
	}
	title := []string{"캠페인보고서(2025.10.01.~2025.10.10.)", "amusemarket_ad"}
	var sum searchAdDay
	for _, d := range searchAdDays {
		sum.impressions += d.impressions
		sum.clicks += d.clicks
		sum.spend += d.spend
		sum.conversions += d.conversions
		sum.rev += d.rev
	}

	// The older report screen, as Korean Windows saves it: CP949, a title
	// line, one row a day, quoted thousands, "-" for none, a totals row.
	old := [][]string{title, {"일별", "캠페인", "노출수", "클릭수", "클릭률(%)", "평균클릭비용(VAT포함,원)", "총비용(VAT포함,원)", "전환수", "전환율(%)", "전환매출액(원)", "광고수익률(%)"}}
	oldRow := func(date, campaign string, imp, clk, sp, cv, rv int64) []string {
		return []string{date, campaign, thousands(imp), thousands(clk), pct(clk, imp, ""), cpc(sp, clk), thousands(sp),
			countOrDash(cv), pct(cv, clk, ""), countOrDash(rv), pct(rv, sp, "")}
	}
	for _, d := range searchAdDays {
		old = append(old, oldRow(dotted(d.date), "아뮤즈마켓_쇼핑검색", d.impressions, d.clicks, d.spend, d.conversions, d.rev))
	}
	totals := oldRow("합계", "", sum.impressions, sum.clicks, sum.spend, sum.conversions, sum.rev)
	writeCSV(t, "searchad_old_cp949.csv", ',', append(old, totals), true, false)

	// The same file with one bad cell (clicks of 2025-10-04, line 6: a
	// letter O typed for a zero), in UTF-8.
	bad := make([][]string, len(old))
	for i := range old {
		bad[i] = append([]string(nil), old[i]...)
	}
	bad[5][3] = "4O2"
	writeCSV(t, "searchad_bad_cell.csv", ',', bad, false, false)

	// The 2026 report screen, mixed with older names, columns in another
	// order, broken down by ad group (three rows a day), UTF-8 with BOM,
	// percentages with %, both total and purchase-only conversions.
	groups := breakdown([]string{"원피스", "니트", "아우터"}, []float64{0.5, 0.3, 0.2})
	newer := [][]string{{"일별", "캠페인", "광고그룹", "총비용", "노출수", "클릭수", "클릭률(%)", "평균 CPC", "총 전환수", "구매완료 전환수",
		"총 전환율(%)", "총 전환매출액(원)", "구매완료 전환매출액(원)", "총 광고수익률(%)", "평균노출순위"}}
	for i, r := range groups {
		purchase := max(r.conversions-1, 0)
		purchaseRev := r.rev * 9 / 10
		newer = append(newer, []string{r.date, r.campaign, r.group, thousands(r.spend), thousands(r.impressions), thousands(r.clicks),
			pct(r.clicks, r.impressions, "%"), cpc(r.spend, r.clicks), countOrDash(r.conversions), countOrDash(purchase),
			pct(r.conversions, r.clicks, "%"), countOrDash(r.rev), countOrDash(purchaseRev), pct(r.rev, r.spend, "%"),
			strconv.FormatFloat(2+float64(i%5)/2, 'f', 1, 64)})
	}
	writeCSV(t, "searchad_2026_utf8bom.csv", ',', newer, false, true)

	// A TSV by campaign (two rows a day), UTF-8, dates without separators, a
	// title line and a 결과 totals row, and columns Nalgae ignores.
	camps := breakdown([]string{"쇼핑검색_원피스", "쇼핑검색_니트"}, []float64{0.6, 0.4})
	tsv := [][]string{{"캠페인보고서(2025.10.01.~2025.10.10.)", "amusemarket_ad"},
		{"일별", "캠페인유형", "캠페인", "노출수", "클릭수", "클릭률(%)", "평균클릭비용(VAT포함,원)", "총비용(VAT포함,원)", "전환수", "전환율(%)", "전환매출액(원)", "광고수익률(%)", "평균노출순위"}}
	for _, r := range camps {
		tsv = append(tsv, []string{strings.ReplaceAll(r.date, "-", ""), "쇼핑검색", r.group, thousands(r.impressions), thousands(r.clicks),
			pct(r.clicks, r.impressions, ""), cpc(r.spend, r.clicks), thousands(r.spend), countOrDash(r.conversions),
			pct(r.conversions, r.clicks, ""), countOrDash(r.rev), pct(r.rev, r.spend, ""), "2.4"})
	}
	tsv = append(tsv, []string{"결과", "", "", thousands(sum.impressions), thousands(sum.clicks), pct(sum.clicks, sum.impressions, ""),
		cpc(sum.spend, sum.clicks), thousands(sum.spend), thousands(sum.conversions), pct(sum.conversions, sum.clicks, ""),
		thousands(sum.rev), pct(sum.rev, sum.spend, ""), "-"})
	writeCSV(t, "searchad.tsv", '\t', tsv, false, false)

	writeSearchAdXLSX(t, camps, sum)
	writeStoreFixtures(t)
	writeTemplateFixtures(t)
	writeBadFixtures(t)
}

// writeSearchAdXLSX writes the report as an Excel download: a title row, the
// older header, real numbers and date cells, percentages stored as
// fractions with a % format, and a 결과 row.
func writeSearchAdXLSX(t *testing.T, camps []adRow, sum searchAdDay) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "캠페인보고서"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", sheet))
	dateFmt := "yyyy\\.mm\\.dd\\."
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	must(err)
	countStyle, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	must(err)
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	must(err)
	must(f.SetSheetRow(sheet, "A1", &[]any{"캠페인보고서(2025.10.01.~2025.10.10.)", "amusemarket_ad"}))
	must(f.SetSheetRow(sheet, "A2", &[]any{"일별", "캠페인", "노출수", "클릭수", "클릭률(%)", "평균클릭비용(VAT포함,원)", "총비용(VAT포함,원)", "전환수", "전환율(%)", "전환매출액(원)", "광고수익률(%)"}))
	ratio := func(num, den int64) any {
		if den == 0 || num == 0 {
			return "-"
		}
		return math.Round(float64(num)/float64(den)*10000) / 10000
	}
	line := 3
	for _, r := range camps {
		day, err := time.Parse("2006-01-02", r.date)
		must(err)
		cell := fmt.Sprintf("A%d", line)
		must(f.SetSheetRow(sheet, cell, &[]any{day, r.group, r.impressions, r.clicks, ratio(r.clicks, r.impressions),
			math.Round(float64(r.spend) / float64(r.clicks)), r.spend, r.conversions, ratio(r.conversions, r.clicks), r.rev, ratio(r.rev, r.spend)}))
		must(f.SetCellStyle(sheet, cell, cell, dateStyle))
		line++
	}
	must(f.SetSheetRow(sheet, fmt.Sprintf("A%d", line), &[]any{"결과", "", sum.impressions, sum.clicks, ratio(sum.clicks, sum.impressions),
		math.Round(float64(sum.spend) / float64(sum.clicks)), sum.spend, sum.conversions, ratio(sum.conversions, sum.clicks), sum.rev, ratio(sum.rev, sum.spend)}))
	for _, col := range []string{"C", "D", "F", "G", "H", "J"} {
		must(f.SetCellStyle(sheet, col+"3", fmt.Sprintf("%s%d", col, line), countStyle))
	}
	for _, col := range []string{"E", "I", "K"} {
		must(f.SetCellStyle(sheet, col+"3", fmt.Sprintf("%s%d", col, line), pctStyle))
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	writeFixture(t, "searchad.xlsx", buf.Bytes())
}

// writeStoreFixtures writes the Smart Store sales-analysis sheet as XLSX and
// as a CP949 CSV, with the columns Nalgae ignores beside those it reads.
func writeStoreFixtures(t *testing.T) {
	t.Helper()
	header := []any{"날짜", "결제자수", "상품결제건수", "판매금액(총)", "판매금액(순)", "환불금액", "환불건수", "상품쿠폰합계"}
	records := [][]string{{"판매분석 > 판매성과 (2025.09.01.~2025.09.14.)"}, {}}
	for _, h := range header {
		records[1] = append(records[1], h.(string))
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "판매성과"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, d := range storeDays {
		net := d.gross - d.refunds
		buyers := d.orders * 9 / 10
		refundsN := int64(0)
		if d.refunds > 0 {
			refundsN = 1
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &[]any{d.date, buyers, d.orders, d.gross, net, d.refunds, refundsN, 0}); err != nil {
			t.Fatal(err)
		}
		records = append(records, []string{dotted(d.date), thousands(buyers), thousands(d.orders), thousands(d.gross),
			thousands(net), thousands(d.refunds), thousands(refundsN), "0"})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "smartstore_sales.xlsx", buf.Bytes())
	writeCSV(t, "smartstore_sales_cp949.csv", ',', records, true, false)
}

// writeTemplateFixtures writes the two templates as served and filled in.
func writeTemplateFixtures(t *testing.T) {
	t.Helper()
	writeFixture(t, "sales.csv", Templates["sales.csv"].Content)
	writeFixture(t, "live_commerce.csv", Templates["live_commerce.csv"].Content)
	writeFixture(t, "sales_filled.csv", append(Templates["sales.csv"].Content, []byte(
		"2025-07-01,2025-07-31,all,\"8,240,000\",172\r\n"+
			"2025-08-01,2025-08-31,all,\"7,910,500\",165\r\n"+
			"2025.09.01.,2025.09.30.,온라인,\"9,655,000\",\r\n"+
			"20250901,20250930,offline,1830000,41\r\n")...))
	writeFixture(t, "live_filled.csv", append(Templates["live_commerce.csv"].Content, []byte(
		"2025-10-02,1840,312,2210,486,62,,,38,90000,1520000\r\n"+
			"2025-10-09,2315,428,3105,702,75,,,51,120000,2064000\r\n"+
			"2025-10-16,1502,260,1730,395,58,,,29,90000,1133000\r\n"+
			"2025-10-16,640,121,402,98,21,,,9,0,356000\r\n")...))
}

// writeBadFixtures writes files that are not what they claim.
func writeBadFixtures(t *testing.T) {
	t.Helper()
	writeFixture(t, "not_a_zip.xlsx", []byte("일별,노출수,클릭수\r\n2025.10.01.,100,3\r\n"))
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "image_named.csv", img.Bytes())
	garbage := make([]byte, 2048)
	x := uint32(2463534242)
	for i := range garbage {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		garbage[i] = byte(x)
	}
	writeFixture(t, "binary.csv", garbage)
	writeFixture(t, "no_header.csv", []byte("name,value\r\nhello,1\r\nworld,2\r\n"))
}
