// Package imports reads the files that students download from the tools they
// work with, so that nobody retypes numbers (SPEC §5): Naver SearchAd reports
// (CSV, TSV or XLSX; UTF-8 with or without byte-order mark, or CP949), the
// Smart Store sales-analysis export, and Nalgae's own CSV templates for sales
// and for live commerce. It is pure: bytes in, parsed rows out, with every
// problem tied to the file's physical line (from 1) and the column's header
// as the file writes it. Storing the rows is the models package's job.
//
// How the files are read, where SPEC §5 leaves a choice:
//
//   - The header is found among the first 20 non-empty lines; lines before it
//     (the report's title line, 캠페인보고서(2025.10.01.~2025.10.31.),<login>)
//     are skipped. Columns are matched by normalised name (case, spaces, and
//     unit suffixes such as (원), (%), (VAT포함,원) ignored), in any order;
//     columns Nalgae does not store are ignored. When two columns give the
//     same figure (전환수 and 총 전환수 in a file from the change), the first is
//     read and the other named in a warning.
//   - Conversions: where a 2026 report has both 총 전환수 and 구매완료 전환수
//     (and 총 전환매출액 and 구매완료 전환매출액), the totals are imported,
//     since that is what a user expects and what Naver's 광고수익률 is computed
//     from. The purchase-only columns are used only in a file without the
//     totals, and the preview then says so.
//   - Totals rows (결과, 합계, 총계) are skipped; the preview warns when their
//     figures differ from the days' sums. Blank rows are skipped.
//   - A report broken down by campaign, ad group or keyword has several rows a
//     day; they are summed per day (peak_viewers: the day's highest).
//   - An empty cell or "-" is none: zero for the figures every entry has
//     (spend, impressions, clicks, conversions, revenue), and "not recorded"
//     for the live-commerce figures, which then keep what an existing entry
//     has. Money with decimals is rounded to the nearest won; counts must be
//     whole.
//   - Ratio columns (클릭률, 평균클릭비용, 전환율, 광고수익률) are not stored:
//     Nalgae recomputes them. The preview warns where the file's ratio is more
//     than 1% (relative) away from the recomputed one, beyond what the file's
//     own rounding explains. In XLSX a percentage may be stored as a fraction
//     (6.2912 shown as 629.12%); both readings are accepted.
//   - XLSX: the first sheet with a header Nalgae knows is read, with the
//     stored values (not the locale's display); date cells are day numbers.
//
// Limits, so that no upload allocates without bound: 20 MiB a file (the API
// answers 413 beyond), 100,000 lines, 1,000 columns, 4 KiB a cell, and
// 64 MiB for an XLSX workbook unpacked (checked on the zip's declared sizes
// before anything is unpacked).
package imports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nalgae/nalgae/models/civil"
)

// The limits of a file.
const (
	MaxFileBytes = 20 << 20
	// MaxLines lets a year of a keyword-level report (a few hundred rows a
	// day) in, while the byte limit keeps any file's parse bounded.
	MaxLines         = 250_000
	MaxColumns       = 1000
	MaxCellBytes     = 4096
	MaxUnpackedBytes = 64 << 20
	// headRows is how many non-empty rows are searched for the header.
	headRows = 20
	// maxSheets is how many sheets of a workbook are searched for one.
	maxSheets = 20
	// MaxIssues caps the errors (and, apart, the warnings) listed; one more
	// line says how many were left out (see Finish).
	MaxIssues = 500
)

// Issue is a problem with a cell: its physical line (from 1) and its
// column's header as the file writes it. A problem of the whole file has
// line 0 and no column.
type Issue struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// FileErrorKind says why a file cannot be read at all.
type FileErrorKind int

const (
	// TooLarge: over a size limit (HTTP 413).
	TooLarge FileErrorKind = iota + 1
	// Unsupported: not a CSV, TSV or XLSX file (an image, binary data, an
	// XLSX that is not a zip…) (HTTP 415).
	Unsupported
	// Unrecognised: a table, but not one Nalgae knows, or one for another
	// place (a sales sheet uploaded to a campaign) (HTTP 422).
	Unrecognised
)

// FileError is a file that cannot be imported at all, with words that say
// why and what to do.
type FileError struct {
	Kind    FileErrorKind
	Message string
}

func (e *FileError) Error() string { return e.Message }

// Day is one day of a campaign: the sums of the file's rows of that date.
// A nil figure is one the file does not give (no column, or for the
// live-commerce figures no value that day).
type Day struct {
	Date  civil.Date
	Lines []int // the physical lines summed into the day

	SpendKRW, Impressions, Clicks, Conversions, RevenueKRW *int64
	Viewers, PeakViewers, Likes, Comments, DurationMin     *int64
}

// Sale is one sales record: a day of a Smart Store export, or a row of the
// sales template.
type Sale struct {
	Lines                  []int
	PeriodStart, PeriodEnd civil.Date
	Channel                string // online, offline or all
	SalesKRW               int64
	Orders                 *int64
}

// Parsed is a read file.
type Parsed struct {
	Layout    Layout
	Container string // csv, tsv or xlsx
	Encoding  string // utf-8, utf-8-bom, cp949, utf-16le or utf-16be (XLSX: utf-8)
	Sheet     string // the XLSX sheet read
	// HeaderLine is the header's physical line.
	HeaderLine int
	// RowsRead counts the data rows: not the title, header, totals or blank rows.
	RowsRead int
	// Columns names, for each field read, the file's header for it.
	Columns map[string]string
	Days    []Day  // LayoutSearchAd and LayoutLiveTemplate, by date
	Sales   []Sale // LayoutSmartStore and LayoutSalesTemplate, by period
	// Errors make the file refused; Warnings do not. Each list holds at
	// most MaxIssues; the LeftOut counts say how many more there were.
	Errors, Warnings               []Issue
	ErrorsLeftOut, WarningsLeftOut int
}

// Format names what the file was read as: the layout and the container,
// e.g. naver_searchad_csv or smartstore_sales_xlsx.
func (p *Parsed) Format() string { return string(p.Layout) + "_" + p.Container }

// Column is the file's header for a field, or the field's own name when the
// file has no such column.
func (p *Parsed) Column(field string) string {
	if name, ok := p.Columns[field]; ok {
		return name
	}
	return field
}

// ParseMetrics reads a file meant for a campaign's daily entries: a Naver
// SearchAd report or the live-commerce template.
func ParseMetrics(name string, data []byte) (*Parsed, error) {
	return parse(name, data, LayoutSearchAd, LayoutLiveTemplate)
}

// ParseSales reads a file meant for a team's sales records: a Smart Store
// sales export or the sales template.
func ParseSales(name string, data []byte) (*Parsed, error) {
	return parse(name, data, LayoutSmartStore, LayoutSalesTemplate)
}

func parse(name string, data []byte, accept ...Layout) (*Parsed, error) {
	t, err := openTable(name, data)
	if err != nil {
		return nil, err
	}
	defer t.release()
	h := findHeader(t.head)
	if h == nil {
		return nil, &FileError{Kind: Unrecognised, Message: explainMissingHeader(t.head)}
	}
	if !slices.Contains(accept, h.layout) {
		return nil, &FileError{Kind: Unrecognised, Message: wrongPlace(h.layout)}
	}
	p := &Parsed{Layout: h.layout, Container: t.container, Encoding: t.encoding, Sheet: t.sheet,
		HeaderLine: h.line, Columns: h.names}
	for _, w := range append(t.warnings, h.warnings...) {
		p.addWarning(w)
	}
	rd := &reader{t: t, h: h, p: p}
	switch h.layout {
	case LayoutSearchAd, LayoutLiveTemplate:
		err = rd.readDays()
	default:
		err = rd.readSales()
	}
	if err != nil {
		return nil, err
	}
	if p.RowsRead == 0 {
		p.addWarning(Issue{Line: h.line, Message: "The file has a header but no data rows below it."})
	}
	sortIssues(p.Errors)
	sortIssues(p.Warnings)
	return p, nil
}

// wrongPlace says where a file of layout is imported instead.
func wrongPlace(l Layout) string {
	switch l {
	case LayoutSmartStore:
		return "This is a Smart Store sales sheet: import it on the team's sales (POST /api/v1/teams/{id}/sales/imports), not into a campaign."
	case LayoutSalesTemplate:
		return "This is Nalgae's sales template: import it on the team's sales (POST /api/v1/teams/{id}/sales/imports), not into a campaign."
	case LayoutSearchAd:
		return "This is a Naver SearchAd report: import it into the campaign it reports (POST /api/v1/campaigns/{id}/imports), not into sales."
	default:
		return "This is Nalgae's live-commerce template: import it into a live_commerce campaign (POST /api/v1/campaigns/{id}/imports), not into sales."
	}
}

// sortIssues orders issues by line, then column, keeping the order of
// those of one cell.
func sortIssues(list []Issue) []Issue {
	slices.SortStableFunc(list, func(a, b Issue) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Column, b.Column)
	})
	return list
}

// addError and addWarning keep at most MaxIssues of each and count the rest,
// so that a file bad on every line does not grow a list without bound.
func (p *Parsed) addError(i Issue) {
	if len(p.Errors) < MaxIssues {
		p.Errors = append(p.Errors, i)
		return
	}
	p.ErrorsLeftOut++
}

func (p *Parsed) addWarning(i Issue) {
	if len(p.Warnings) < MaxIssues {
		p.Warnings = append(p.Warnings, i)
		return
	}
	p.WarningsLeftOut++
}

// Finish orders issues by line and column, keeps at most MaxIssues, and
// adds a last line saying how many were left out (leftOut more, counted
// earlier). The answer lists are built with it.
func Finish(list []Issue, leftOut int) []Issue {
	out := sortIssues(slices.Clone(list))
	if len(out) > MaxIssues {
		leftOut += len(out) - MaxIssues
		out = out[:MaxIssues]
	}
	if leftOut > 0 {
		out = append(out, Issue{Message: fmt.Sprintf("… and %d more like these, not listed.", leftOut)})
	}
	if out == nil {
		out = []Issue{}
	}
	return out
}
