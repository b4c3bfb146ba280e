package imports

import (
	"archive/zip"
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/civil"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

func v(n int64) *int64 { return &n }

// TestSearchAdFixturesParseToTheSameDays: every layout, container and
// encoding of the report gives the truth's days, sums of several rows a day
// included, without errors and without ratio warnings (the files' ratios are
// the report's own rounding of the same numbers).
func TestSearchAdFixturesParseToTheSameDays(t *testing.T) {
	want := make([]Day, len(searchAdDays))
	for i, d := range searchAdDays {
		want[i] = Day{Date: civil.MustParse(d.date), SpendKRW: v(d.spend), Impressions: v(d.impressions),
			Clicks: v(d.clicks), Conversions: v(d.conversions), RevenueKRW: v(d.rev)}
	}
	cases := []struct {
		file, format, encoding string
		rowsPerDay, headerLine int
		// lineOf is the physical line of the first row of day i.
		firstLine func(i int) int
	}{
		{"searchad_old_cp949.csv", "naver_searchad_csv", "cp949", 1, 2, func(i int) int { return 3 + i }},
		{"searchad_2026_utf8bom.csv", "naver_searchad_csv", "utf-8-bom", 3, 1, func(i int) int { return 2 + 3*i }},
		{"searchad.tsv", "naver_searchad_tsv", "utf-8", 2, 2, func(i int) int { return 3 + 2*i }},
		{"searchad.xlsx", "naver_searchad_xlsx", "utf-8", 2, 2, func(i int) int { return 3 + 2*i }},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			p, err := ParseMetrics(tc.file, fixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if p.Format() != tc.format || p.Encoding != tc.encoding || p.HeaderLine != tc.headerLine {
				t.Errorf("format %s, encoding %s, header line %d; want %s, %s, %d", p.Format(), p.Encoding, p.HeaderLine, tc.format, tc.encoding, tc.headerLine)
			}
			if len(p.Errors) != 0 || len(p.Warnings) != 0 {
				t.Errorf("errors %v, warnings %v; want none", p.Errors, p.Warnings)
			}
			if p.RowsRead != len(searchAdDays)*tc.rowsPerDay {
				t.Errorf("rows read %d, want %d (title, header and totals rows are not data)", p.RowsRead, len(searchAdDays)*tc.rowsPerDay)
			}
			if len(p.Days) != len(want) {
				t.Fatalf("%d days, want %d", len(p.Days), len(want))
			}
			for i, got := range p.Days {
				w := want[i]
				if len(got.Lines) != tc.rowsPerDay || got.Lines[0] != tc.firstLine(i) {
					t.Errorf("%s: lines %v, want %d rows from line %d", got.Date, got.Lines, tc.rowsPerDay, tc.firstLine(i))
				}
				got.Lines = nil
				if !reflect.DeepEqual(got, w) {
					t.Errorf("day %d:\n got %s\nwant %s", i, describeDay(got), describeDay(w))
				}
			}
		})
	}
}

func describeDay(d Day) string {
	var b strings.Builder
	b.WriteString(d.Date.String())
	for _, f := range slices.Concat(entryFields, liveFields) {
		if p := *d.field(f); p != nil {
			b.WriteString(" " + f + "=" + strconv.FormatInt(*p, 10))
		}
	}
	return b.String()
}

func TestSmartStoreFixtures(t *testing.T) {
	for _, tc := range []struct{ file, format, encoding string }{
		{"smartstore_sales.xlsx", "smartstore_sales_xlsx", "utf-8"},
		{"smartstore_sales_cp949.csv", "smartstore_sales_csv", "cp949"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := ParseSales(tc.file, fixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if p.Format() != tc.format || p.Encoding != tc.encoding {
				t.Errorf("format %s, encoding %s; want %s, %s", p.Format(), p.Encoding, tc.format, tc.encoding)
			}
			if len(p.Errors)+len(p.Warnings) != 0 {
				t.Errorf("errors %v, warnings %v", p.Errors, p.Warnings)
			}
			if len(p.Sales) != len(storeDays) {
				t.Fatalf("%d records, want %d", len(p.Sales), len(storeDays))
			}
			for i, s := range p.Sales {
				d := storeDays[i]
				want := Sale{Lines: s.Lines, PeriodStart: civil.MustParse(d.date), PeriodEnd: civil.MustParse(d.date),
					Channel: "online", SalesKRW: d.gross - d.refunds, Orders: v(d.orders)}
				if !reflect.DeepEqual(s, want) {
					t.Errorf("record %d: %+v, want net sales %d and %d orders online on %s", i, s, want.SalesKRW, d.orders, d.date)
				}
			}
		})
	}
}

func TestTemplateFixtures(t *testing.T) {
	sales, err := ParseSales("sales_filled.csv", fixture(t, "sales_filled.csv"))
	if err != nil {
		t.Fatal(err)
	}
	wantSales := []Sale{
		{Lines: []int{2}, PeriodStart: civil.MustParse("2025-07-01"), PeriodEnd: civil.MustParse("2025-07-31"), Channel: "all", SalesKRW: 8240000, Orders: v(172)},
		{Lines: []int{3}, PeriodStart: civil.MustParse("2025-08-01"), PeriodEnd: civil.MustParse("2025-08-31"), Channel: "all", SalesKRW: 7910500, Orders: v(165)},
		{Lines: []int{5}, PeriodStart: civil.MustParse("2025-09-01"), PeriodEnd: civil.MustParse("2025-09-30"), Channel: "offline", SalesKRW: 1830000, Orders: v(41)},
		{Lines: []int{4}, PeriodStart: civil.MustParse("2025-09-01"), PeriodEnd: civil.MustParse("2025-09-30"), Channel: "online", SalesKRW: 9655000},
	}
	if sales.Format() != "sales_template_csv" || len(sales.Errors) != 0 || !reflect.DeepEqual(sales.Sales, wantSales) {
		t.Errorf("sales template: %s %v\n got %+v\nwant %+v", sales.Format(), sales.Errors, sales.Sales, wantSales)
	}

	live, err := ParseMetrics("live_filled.csv", fixture(t, "live_filled.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if live.Format() != "live_commerce_template_csv" || len(live.Errors) != 0 || len(live.Days) != 3 || live.RowsRead != 4 {
		t.Fatalf("live template: %s, errors %v, %d days from %d rows", live.Format(), live.Errors, len(live.Days), live.RowsRead)
	}
	// Two broadcasts on the 16th: summed, the peak is the higher one.
	want := Day{Date: civil.MustParse("2025-10-16"), Lines: []int{4, 5}, SpendKRW: v(90000), Impressions: v(0), Clicks: v(0),
		Conversions: v(38), RevenueKRW: v(1489000), Viewers: v(2142), PeakViewers: v(260), Likes: v(2132), Comments: v(493), DurationMin: v(79)}
	if got := live.Days[2]; !reflect.DeepEqual(got, want) {
		t.Errorf("16 October:\n got %s\nwant %s", describeDay(got), describeDay(want))
	}

	for name, tpl := range Templates {
		p, err := parse(name, tpl.Content, tpl.Layout)
		if err != nil || p.RowsRead != 0 || p.Layout != tpl.Layout {
			t.Errorf("the empty template %s does not read as itself: %v", name, err)
		}
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct {
		file string
		kind FileErrorKind
		says string
	}{
		{"not_a_zip.xlsx", Unsupported, "not an XLSX workbook (not a zip archive)"},
		{"image_named.csv", Unsupported, "a PNG image"},
		{"binary.csv", Unsupported, "binary data"},
		{"no_header.csv", Unrecognised, "No header Nalgae knows"},
		{"smartstore_sales.xlsx", Unrecognised, "import it on the team's sales"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			_, err := ParseMetrics(tc.file, fixture(t, tc.file))
			var ferr *FileError
			if !errors.As(err, &ferr) || ferr.Kind != tc.kind || !strings.Contains(ferr.Message, tc.says) {
				t.Errorf("got %v, want a file error of kind %d saying %q", err, tc.kind, tc.says)
			}
		})
	}
	if _, err := ParseSales("searchad.tsv", fixture(t, "searchad.tsv")); err == nil || !strings.Contains(err.Error(), "into the campaign") {
		t.Errorf("a report uploaded as sales: %v", err)
	}
}

func TestBadCellNamesLineAndColumn(t *testing.T) {
	p, err := ParseMetrics("searchad_bad_cell.csv", fixture(t, "searchad_bad_cell.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Issue{{Line: 6, Column: "클릭수", Message: `"4O2" is not a number`}}
	if !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("errors %+v, want %+v", p.Errors, want)
	}
	if len(p.Days) != len(searchAdDays)-1 {
		t.Errorf("%d days; the bad row's day must not be summed", len(p.Days))
	}
}

// TestReading covers, on small inline files, the rules of SPEC §5 one by one.
func TestReading(t *testing.T) {
	header := "일별,노출수,클릭수,클릭률(%),\"총비용(VAT포함,원)\",전환수,전환매출액(원),광고수익률(%)\n"
	cases := []struct {
		name, file, body string
		days             int
		errors, warnings []string // substrings, "line:column:message"
	}{
		{name: "date forms", body: header +
			"2025.10.08.,100,5,5,\"1,000\",1,5000,500\n" +
			"2025-10-09,100,5,5.00%,1000,1,5000,500%\n" +
			"20251010,100,5,-,1000,-,-,-\n" +
			"2025. 10. 11.,100,5,5,1000,1,5000,500\n" +
			"2025.10.12.(일),100,5,5,1000,1,5000,500\n", days: 5},
		{name: "bad date", body: header + "2025.13.01.,100,5,5,1000,1,5000,500\n",
			errors: []string{"2:일별:\"2025.13.01.\" is not a date"}},
		{name: "empty date", body: header + ",100,5,5,1000,1,5000,500\n", errors: []string{"2:일별:is empty"}},
		{name: "ratio off by more than 1%", body: header + "2025.10.08.,100,5,5.2,1000,1,5000,500\n",
			days: 1, warnings: []string{"2:클릭률(%):says 5.2, but 클릭수 and 노출수 give 5"}},
		{name: "ratio within rounding", body: header + "2025.10.08.,3,1,33.33,1000,1,5000,500\n", days: 1},
		{name: "ratio without base", body: header + "2025.10.08.,0,0,2.5,1000,0,0,0\n",
			days: 1, warnings: []string{"2:클릭률(%):says 2.5, but there is no 노출수"}},
		{name: "totals row disagrees", body: header + "2025.10.08.,100,5,5,1000,1,5000,500\n합계,101,5,5,1000,1,5000,500\n",
			days: 1, warnings: []string{"3:노출수:the totals row says 101, but the days add up to 100"}},
		{name: "fraction of a count", body: header + "2025.10.08.,100.5,5,5,1000,1,5000,500\n",
			errors: []string{"2:노출수:\"100.5\" must be a whole number"}},
		{name: "money rounds to the won", body: "일별,노출수,총비용\n2025.10.08.,10,1000.6\n", days: 1},
		{name: "duplicate column", body: "일별,노출수,전환수,총 전환수\n2025.10.08.,10,1,2\n", days: 1,
			warnings: []string{"1:총 전환수:gives the same figure as the column \"전환수\""}},
		{name: "purchase only", body: "일별,노출수,구매완료 전환수,구매완료 전환매출액(원)\n2025.10.08.,10,1,2000\n", days: 1,
			warnings: []string{"1:구매완료 전환매출액(원):the file has no total column", "1:구매완료 전환수:the file has no total column"}},
		{name: "no day column", body: "캠페인,노출수,클릭수,총비용\nA,1,1,1\n", errors: []string{"0::has no day column (일별)"}},
		{name: "header only", body: header, warnings: []string{"1::no data rows"}},
		{name: "tsv with quoted thousands", file: "r.tsv", body: "일별\t노출수\t총비용\n2025.10.08.\t\"1,200\"\t1,300\n", days: 1},
		{name: "utf-16 with BOM", body: "\xff\xfe" + utf16le("일별,노출수,클릭수\r\n2025.10.08.,10,1\r\n"), days: 1},
		{name: "html saved as xls", file: "r.xls", body: "<html><table><tr><td>일별</td></tr></table></html>",
			errors: []string{"0::web page (HTML or XML)"}},
		{name: "old excel", file: "r.xls", body: "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", errors: []string{"0::Excel 97–2003"}},
		{name: "empty file", body: "", errors: []string{"0::The file is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.file
			if name == "" {
				name = "r.csv"
			}
			p, err := ParseMetrics(name, []byte(tc.body))
			var got, gotWarn []string
			if err != nil {
				got = []string{"0::" + err.Error()}
			} else {
				for _, i := range p.Errors {
					got = append(got, strconv.Itoa(i.Line)+":"+i.Column+":"+i.Message)
				}
				for _, i := range p.Warnings {
					gotWarn = append(gotWarn, strconv.Itoa(i.Line)+":"+i.Column+":"+i.Message)
				}
				if len(p.Days) != tc.days {
					t.Errorf("%d days, want %d", len(p.Days), tc.days)
				}
			}
			matchAll(t, "errors", got, tc.errors)
			matchAll(t, "warnings", gotWarn, tc.warnings)
		})
	}
}

// matchAll compares issues written "line:column:message" with wants written
// "line:column:part of the message".
func matchAll(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s %q, want %d like %q", what, got, len(want), want)
		return
	}
	for i := range want {
		wl, wc, wm := split3(want[i])
		gl, gc, gm := split3(got[i])
		if wl != gl || wc != gc || !strings.Contains(gm, wm) {
			t.Errorf("%s[%d] = %q, want line %s, column %q and a message containing %q", what, i, got[i], wl, wc, wm)
		}
	}
}

func split3(s string) (string, string, string) {
	a, rest, _ := strings.Cut(s, ":")
	b, c, _ := strings.Cut(rest, ":")
	return a, b, c
}

func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		if r > 0xffff {
			panic("BMP only")
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

func TestValues(t *testing.T) {
	for _, tc := range []struct {
		in    string
		money bool
		want  int64
		none  bool
		err   error
	}{
		{"1,200", false, 1200, false, nil}, {" \"1,200\" ", false, 0, false, errNotNumber}, {"-", false, 0, true, nil},
		{"", false, 0, true, nil}, {"₩12,000", true, 12000, false, nil}, {"12,000원", true, 12000, false, nil},
		{"1.5", false, 0, false, errNotWhole}, {"1.5", true, 2, false, nil}, {"1e3", false, 1000, false, nil},
		{"NaN", false, 0, false, errNotNumber}, {"0x10", false, 0, false, errNotNumber}, {"1e300", false, 0, false, errTooLarge},
		{"-5", false, -5, false, nil}, {"9223372036854775807", false, 0, false, errTooLarge},
	} {
		got, none, err := parseWhole(tc.in, tc.money)
		if got != tc.want || none != tc.none || !errors.Is(err, tc.err) {
			t.Errorf("parseWhole(%q) = %d, %v, %v; want %d, %v, %v", tc.in, got, none, err, tc.want, tc.none, tc.err)
		}
	}
	for in, want := range map[string]string{
		"2025.10.08.": "2025-10-08", "2025-10-08": "2025-10-08", "20251008": "2025-10-08", "2025/10/8": "2025-10-08",
		"2025년 10월 8일": "2025-10-08", "2025.02.30.": "", "45938": "", "2025-10-08 12:00": "",
	} {
		d, err := parseDate(in, false, false)
		if d.String() != want || (want == "") != (err != nil) {
			t.Errorf("parseDate(%q) = %s, %v; want %q", in, d, err, want)
		}
	}
	if d, err := parseDate("45938", true, false); err != nil || d.String() != "2025-10-08" {
		t.Errorf("a spreadsheet day number: %s, %v", d, err)
	}
	for in, want := range map[string]string{
		"총비용(VAT포함,원)": "총비용", "평균 CPC": "평균cpc", "총 전환매출액(원)": "총전환매출액", "클릭률(%)": "클릭률",
		"판매금액(순)": "판매금액(순)", "\ufeff일별": "일별", "방송시간(분)": "방송시간", "Period_Start": "period_start",
	} {
		if got := normHeader(in); got != want {
			t.Errorf("normHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("일별,노출수,클릭수\n")
	for range MaxLines {
		b.WriteString("2025.10.08.,1,1\n")
	}
	_, err := ParseMetrics("big.csv", []byte(b.String()))
	var ferr *FileError
	if !errors.As(err, &ferr) || ferr.Kind != TooLarge {
		t.Errorf("%d lines: %v, want too large", MaxLines+1, err)
	}
	wide := "일별,노출수,클릭수" + strings.Repeat(",", MaxColumns) + "\n"
	if _, err := ParseMetrics("wide.csv", []byte(wide)); !errors.As(err, &ferr) || ferr.Kind != Unrecognised {
		t.Errorf("a line of %d columns: %v", MaxColumns+3, err)
	}
	long := "일별,노출수,클릭수\n2025.10.08.,1," + strings.Repeat("9", MaxCellBytes+1) + "\n"
	if _, err := ParseMetrics("long.csv", []byte(long)); !errors.As(err, &ferr) {
		t.Errorf("a long cell: %v", err)
	}
	// A zip bomb: 80 MiB of XML packed into a hundred KiB or so is refused on
	// its declared size, before anything is unpacked.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	entry, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("<row><c><v>1</v></c></row>"), 1<<15)
	for written := 0; written < 80<<20; written += len(chunk) {
		if _, err := entry.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := ParseMetrics("bomb.xlsx", bomb.Bytes()); !errors.As(err, &ferr) || ferr.Kind != TooLarge || time.Since(start) > time.Second {
		t.Errorf("a %d KiB zip of 80 MiB: %v after %v", bomb.Len()>>10, err, time.Since(start))
	}

	// A file bad on every line lists MaxIssues errors and counts the rest.
	var bad strings.Builder
	bad.WriteString("일별,노출수,클릭수\n")
	for range MaxIssues + 10 {
		bad.WriteString("2025.10.08.,x,1\n")
	}
	p, err := ParseMetrics("bad.csv", []byte(bad.String()))
	if err != nil || len(p.Errors) != MaxIssues || p.ErrorsLeftOut != 10 {
		t.Fatalf("errors %d, left out %d, %v", len(p.Errors), p.ErrorsLeftOut, err)
	}
	if got := Finish(p.Errors, p.ErrorsLeftOut); len(got) != MaxIssues+1 || !strings.Contains(got[MaxIssues].Message, "10 more") {
		t.Errorf("Finish: %d issues, last %v", len(got), got[len(got)-1])
	}
}

// isPlainNumber, the regular expression written out for speed, accepts
// exactly what plainNumber matches.
func TestIsPlainNumberMatchesTheExpression(t *testing.T) {
	alphabet := []byte("0123456789+-.eE ,x")
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", "1", "-1", "+1", "1.", ".5", ".", "-.", "1e5", "1e", "1e+", "1e1234", "1e123", "1.5E-3", "--1", "1.2.3", "٣"}
	for range 200_000 {
		b := make([]byte, rng.IntN(9))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		if got, want := isPlainNumber(c), plainNumber.MatchString(c); got != want {
			t.Fatalf("isPlainNumber(%q) = %v, the expression says %v", c, got, want)
		}
	}
}
