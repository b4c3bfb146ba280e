package imports

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The fuzz targets feed the parsers arbitrary bytes: no input may panic,
// and what comes out must hold together. Their seeds are the fixtures and
// the cases in testdata/fuzz/<target>/ (inputs that once failed); plain
// `go test` (and so `make test`) runs every seed, `make fuzz` searches for
// 30 s per target.

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		f.Add(fixture(f, name))
	}
}

// checkParsed fails t when a parse answer breaks what callers rely on.
func checkParsed(t *testing.T, p *Parsed, err error) {
	t.Helper()
	if err != nil {
		var ferr *FileError
		if !errors.As(err, &ferr) || ferr.Message == "" || ferr.Kind < TooLarge || ferr.Kind > Unrecognised {
			t.Fatalf("an error that is not a worded FileError: %#v", err)
		}
		if p != nil {
			t.Fatal("both a result and an error")
		}
		return
	}
	if p == nil || p.Layout == "" || p.Container == "" || p.Encoding == "" {
		t.Fatalf("an empty result: %+v", p)
	}
	if len(p.Errors) > MaxIssues || len(p.Warnings) > MaxIssues || p.RowsRead > MaxLines {
		t.Fatalf("unbounded: %d errors, %d warnings, %d rows", len(p.Errors), len(p.Warnings), p.RowsRead)
	}
	for _, i := range append(p.Errors, p.Warnings...) {
		if i.Line < 0 || i.Line > MaxLines || i.Message == "" {
			t.Fatalf("a bad issue: %+v", i)
		}
	}
	lines := 0
	for k, d := range p.Days {
		if d.Date.IsZero() || len(d.Lines) == 0 || (k > 0 && !p.Days[k-1].Date.Before(d.Date)) {
			t.Fatalf("day %d out of order or empty: %+v", k, d)
		}
		lines += len(d.Lines)
	}
	for k, s := range p.Sales {
		if s.PeriodStart.IsZero() || s.PeriodEnd.IsZero() || len(s.Lines) == 0 || (s.Channel != "online" && s.Channel != "offline" && s.Channel != "all") {
			t.Fatalf("record %d is not whole: %+v", k, s)
		}
		lines += len(s.Lines)
	}
	if lines > p.RowsRead {
		t.Fatalf("%d lines summed from %d rows read", lines, p.RowsRead)
	}
}

func FuzzParseSearchAd(f *testing.F) {
	addSeeds(f, "searchad_old_cp949.csv", "searchad_2026_utf8bom.csv", "searchad.tsv", "searchad_bad_cell.csv", "binary.csv", "no_header.csv")
	f.Add([]byte("일별,노출수,클릭수,클릭률(%)\n2025.10.08.,\"1,200\",30,2.50%\n합계,\"1,200\",30,2.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseMetrics("report.csv", data)
		checkParsed(t, p, err)
	})
}

func FuzzParseSearchAdXLSX(f *testing.F) {
	addSeeds(f, "searchad.xlsx", "smartstore_sales.xlsx", "not_a_zip.xlsx")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseMetrics("report.xlsx", data)
		checkParsed(t, p, err)
	})
}

func FuzzParseSmartStore(f *testing.F) {
	addSeeds(f, "smartstore_sales_cp949.csv", "smartstore_sales.xlsx", "image_named.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSales("sales.csv", data)
		checkParsed(t, p, err)
	})
}

func FuzzParseTemplates(f *testing.F) {
	addSeeds(f, "sales.csv", "sales_filled.csv", "live_commerce.csv", "live_filled.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSales("template.csv", data)
		checkParsed(t, p, err)
		p, err = ParseMetrics("template.csv", data)
		checkParsed(t, p, err)
	})
}

// FuzzParseXLSXCells writes fuzzed cells into a real workbook (numbers as
// numeric cells, the rest as text), so that the XLSX path's handling of
// stored values is searched, not only the zip container, which random
// bytes seldom get past.
func FuzzParseXLSXCells(f *testing.F) {
	f.Add("캠페인보고서(2025.10.01.~2025.10.31.),login\n일별,노출수,클릭수,클릭률(%),총비용(VAT포함 원),광고수익률(%)\n45938,1200,30,0.025,15000,6.2912\n결과,1200,30,0.025,15000,6.2912", false)
	f.Add("날짜,상품결제건수,판매금액(총),판매금액(순),환불금액\n2025-09-01,3,120000,100000,20000\n45901.5,1,-,5000,0", true)
	f.Add("period_start,period_end,channel,sales_krw,orders\n45901,45930,온라인,1e6,\n20250901,20250930,all,12000.4,2", false)
	f.Add("date,viewers,peak_viewers,likes,comments,duration_min\n45938,100,120,1,1,1500\n45938,-1,0,0,0,0", true)
	f.Fuzz(func(t *testing.T, text string, date1904 bool) {
		wb := excelize.NewFile()
		defer wb.Close()
		if date1904 {
			if err := wb.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
				t.Fatal(err)
			}
		}
		for r, line := range strings.SplitN(text, "\n", 40) {
			for c, cell := range strings.SplitN(line, ",", 30) {
				name, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					t.Fatal(err)
				}
				if n, err := strconv.ParseFloat(cell, 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
					err = wb.SetCellFloat("Sheet1", name, n, -1, 64)
				} else if utf8.ValidString(cell) && len(cell) <= 32767 {
					err = wb.SetCellStr("Sheet1", name, cell)
				}
				if err != nil {
					t.Skip(err) // a cell excelize itself refuses to write
				}
			}
		}
		var buf bytes.Buffer
		if err := wb.Write(&buf); err != nil {
			t.Skip(err)
		}
		p, err := ParseMetrics("report.xlsx", buf.Bytes())
		checkParsed(t, p, err)
		p, err = ParseSales("sales.xlsx", buf.Bytes())
		checkParsed(t, p, err)
	})
}
