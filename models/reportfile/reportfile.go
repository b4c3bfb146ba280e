// Package reportfile writes the program report as the files city staff open
// in a spreadsheet: CSV (UTF-8 with BOM) and XLSX. It depends only on the
// report's exported types, so the files can never disagree with the API.
package reportfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
)

// The program report as files city staff open in a spreadsheet (SPEC §6):
// a CSV of the per-team table and an XLSX workbook with a summary, the team
// table and the daily series. Both are made from the ProgramReport the API
// answers, so that the three can never disagree. Decisions where SPEC is
// silent:
//
//   - Text cells that begin with = + - @, a tab or a carriage return are
//     prefixed with ' so that no spreadsheet runs them as a formula (OWASP's
//     CSV injection advice); that covers team and merchant names and the
//     highlights. Numbers are written by the program, never from user text,
//     so a negative number (a sales decline) stays a number.
//   - The CSV is UTF-8 with a byte-order mark (Excel opens Korean right),
//     RFC 4180 with CRLF line ends, one row per team and no totals row, so
//     that a column can be summed; the workbook's summary has the totals.
//     Ratios are written to 4 decimals, percentages as percent numbers
//     (629.1234 under 광고수익률(%)); a ratio without a base is an empty cell.
//   - In the workbook numbers are numeric cells: won as ₩#,##0, counts as
//     #,##0, percentages as fractions formatted 0.0%, days as dates.
//   - Headers are Korean or English by the report's lang.

// Neutralize keeps a spreadsheet from running text as a formula.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// cellKind says how a value is written and formatted.
type cellKind int

const (
	cellText cellKind = iota
	cellWon
	cellCount
	cellPct
	cellDate
	cellScore // a 0–100 score (self-reliance), one decimal
)

// exportColumn is a column of the team table.
type exportColumn struct {
	ko, en string
	kind   cellKind
	value  func(t *models.TeamReport) any // string, int64, *int64, *float64 or civil.Date
}

func windowDate(t *models.TeamReport, pick func(*kpi.Windows) civil.Date) any {
	if t.Windows == nil {
		return civil.Date{}
	}
	return pick(t.Windows)
}

var teamColumns = []exportColumn{
	{"팀", "Team", cellText, func(t *models.TeamReport) any { return t.TeamName }},
	{"상점", "Merchant", cellText, func(t *models.TeamReport) any { return t.MerchantName }},
	{"광고비(원)", "Spend (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.SpendKRW }},
	{"전환매출(원)", "Revenue (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.RevenueKRW }},
	{"노출수", "Impressions", cellCount, func(t *models.TeamReport) any { return t.Total.Impressions }},
	{"클릭수", "Clicks", cellCount, func(t *models.TeamReport) any { return t.Total.Clicks }},
	{"전환수", "Conversions", cellCount, func(t *models.TeamReport) any { return t.Total.Conversions }},
	{"시청자수", "Viewers", cellCount, func(t *models.TeamReport) any { return t.Total.Viewers }},
	// A team's ROAS is its ad ROAS (search and shopping ads only, SPEC §2),
	// followed by each kind's own, so that every highlight's figure is in
	// the table; the total's ROAS, which divides revenue no ad bought, is
	// not exported.
	{"광고수익률(%)", "Ad ROAS (%)", cellPct, func(t *models.TeamReport) any { return t.AdRoasPct }},
	kindRoasColumn(models.KindSearchAd), kindRoasColumn(models.KindShoppingAd), kindRoasColumn(models.KindLiveCommerce),
	kindRoasColumn(models.KindSmartStore), kindRoasColumn(models.KindShortClip), kindRoasColumn(models.KindSNS),
	{"클릭률(%)", "CTR (%)", cellPct, func(t *models.TeamReport) any { return t.Total.CtrPct }},
	{"평균클릭비용(원)", "CPC (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.CpcKRW }},
	{"전환율(%)", "CVR (%)", cellPct, func(t *models.TeamReport) any { return t.Total.CvrPct }},
	{"전환당비용(원)", "CPA (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.CpaKRW }},
	{"객단가(원)", "AOV (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.AovKRW }},
	{"라이브 전환율(%)", "Live conversion (%)", cellPct, func(t *models.TeamReport) any { return t.Total.LiveConversionPct }},
	{"시청자당 매출(원)", "Revenue per viewer (KRW)", cellWon, func(t *models.TeamReport) any { return t.Total.RevenuePerViewerKRW }},
	{"이전 매출(원)", "Sales before (KRW)", cellWon, func(t *models.TeamReport) any { return t.SalesBeforeKRW }},
	{"이후 매출(원)", "Sales after (KRW)", cellWon, func(t *models.TeamReport) any { return t.SalesAfterKRW }},
	{"매출 성장률(%)", "Sales growth (%)", cellPct, func(t *models.TeamReport) any { return t.SalesGrowthPct }},
	{"이전 기간 시작", "Before from", cellDate, func(t *models.TeamReport) any {
		return windowDate(t, func(w *kpi.Windows) civil.Date { return w.BeforeFrom })
	}},
	{"이전 기간 끝", "Before to", cellDate, func(t *models.TeamReport) any {
		return windowDate(t, func(w *kpi.Windows) civil.Date { return w.BeforeTo })
	}},
	{"이후 기간 시작", "After from", cellDate, func(t *models.TeamReport) any {
		return windowDate(t, func(w *kpi.Windows) civil.Date { return w.AfterFrom })
	}},
	{"이후 기간 끝", "After to", cellDate, func(t *models.TeamReport) any {
		return windowDate(t, func(w *kpi.Windows) civil.Date { return w.AfterTo })
	}},
	// One column per growth method (SPEC §10.2), the comparison in %p.
	{"전후 비교 성장률(%)", "Before/after growth (%)", cellPct, method(func(m *models.GrowthMethods) *float64 { return m.BeforeAfter.ValuePct })},
	{"전년 동기 대비(%)", "Same period last year (%)", cellPct, method(func(m *models.GrowthMethods) *float64 { return m.SamePeriodLastYear.ValuePct })},
	{"계절 조정(%)", "Seasonally adjusted (%)", cellPct, method(func(m *models.GrowthMethods) *float64 { return m.SeasonallyAdjusted.ValuePct })},
	{"비교군 대비(%p)", "Vs. comparison (%p)", cellPct, method(func(m *models.GrowthMethods) *float64 { return m.DiffInDiff.ValuePct })},
	// The targets' attainment (SPEC §10.1): how many were met, and each.
	{"목표 수", "Targets", cellCount, func(t *models.TeamReport) any { return int64(len(t.Targets)) }},
	{"달성 목표 수", "Targets met", cellCount, func(t *models.TeamReport) any {
		var n int64
		for _, g := range t.Targets {
			if g.Status == kpi.StatusMet {
				n++
			}
		}
		return n
	}},
	{"목표 달성률", "Target attainment", cellText, func(t *models.TeamReport) any {
		parts := make([]string, 0, len(t.Targets))
		for _, g := range t.Targets {
			name := string(g.KPI)
			if g.Kind != nil {
				name += "[" + string(*g.Kind) + "]"
			}
			att := "—"
			if g.AttainmentPct != nil {
				att = models.FormatPct(*g.AttainmentPct) + "%"
			}
			parts = append(parts, name+" "+att+" ("+g.Status+")")
		}
		return strings.Join(parts, "; ")
	}},
	{"디지털 자립도 사전", "Self-reliance baseline", cellScore, func(t *models.TeamReport) any { return t.SelfReliance.Baseline }},
	{"디지털 자립도 사후", "Self-reliance endline", cellScore, func(t *models.TeamReport) any { return t.SelfReliance.Endline }},
	{"디지털 자립도 변화", "Self-reliance change", cellScore, func(t *models.TeamReport) any { return t.SelfReliance.Change }},
}

// method picks a growth method's value of a team row; none without windows.
func method(pick func(*models.GrowthMethods) *float64) func(*models.TeamReport) any {
	return func(t *models.TeamReport) any {
		if t.SalesGrowthMethods == nil {
			return (*float64)(nil)
		}
		return pick(t.SalesGrowthMethods)
	}
}

// kindRoasColumn is one kind's ROAS in the team table; empty for a team
// without campaigns of that kind or without their spend.
func kindRoasColumn(k models.Kind) exportColumn {
	return exportColumn{
		models.KindName(models.LocaleKo, k) + " 광고수익률(%)", "ROAS on " + models.KindName(models.LocaleEn, k) + " (%)", cellPct,
		func(t *models.TeamReport) any {
			b, ok := t.ByKind[k]
			if !ok {
				return (*float64)(nil)
			}
			return b.RoasPct
		},
	}
}

func (c exportColumn) title(lang string) string {
	if lang == models.LocaleEn {
		return c.en
	}
	return c.ko
}

// csvCell writes a value as CSV text; none is an empty cell.
func csvCell(v any) string {
	switch x := v.(type) {
	case string:
		return Neutralize(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case *int64:
		if x == nil {
			return ""
		}
		return strconv.FormatInt(*x, 10)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(math.Round(*x*1e4)/1e4, 'f', -1, 64)
	case civil.Date:
		return x.String()
	}
	panic(fmt.Sprintf("export: no CSV form for %T", v))
}

// WriteReportCSV writes the report's team table as CSV (see above).
func WriteReportCSV(w io.Writer, r *models.ProgramReport) error {
	lang := r.Filters.Lang
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(teamColumns))
	for i, c := range teamColumns {
		header[i] = c.title(lang)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range r.Teams {
		row := make([]string, len(teamColumns))
		for j, c := range teamColumns {
			row[j] = csvCell(c.value(&r.Teams[i]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// sheetWriter fills a workbook sheet row by row with typed cells.
type sheetWriter struct {
	f      *excelize.File
	sheet  string
	row    int
	styles map[cellKind]int
	err    error
}

// put writes v at column col (from 1) of the current row.
func (s *sheetWriter) put(col int, kind cellKind, v any) {
	if s.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, s.row)
	if err != nil {
		s.err = err
		return
	}
	var value any
	switch x := v.(type) {
	case string:
		s.err = s.f.SetCellStr(s.sheet, cell, Neutralize(x))
		return
	case int64:
		value = x
	case *int64:
		if x == nil {
			return
		}
		value = *x
	case *float64:
		if x == nil {
			return
		}
		value = *x
		if kind == cellPct {
			value = *x / 100
		}
	case civil.Date:
		if x.IsZero() {
			return
		}
		value = time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, time.UTC)
	default:
		s.err = fmt.Errorf("export: no cell for %T", v)
		return
	}
	if s.err = s.f.SetCellValue(s.sheet, cell, value); s.err != nil {
		return
	}
	if style, ok := s.styles[kind]; ok {
		s.err = s.f.SetCellStyle(s.sheet, cell, cell, style)
	}
}

// line writes texts as a row and moves to the next.
func (s *sheetWriter) line(texts ...string) {
	for i, t := range texts {
		s.put(i+1, cellText, t)
	}
	s.row++
}

// roasLabel heads the ROAS row of the summary, whose total column is the ad ROAS.
const roasLabel = "광고수익률"

// kpiRows are the KPI block's figures with their labels.
var kpiRows = []struct {
	ko, en string
	kind   cellKind
	value  func(b *kpi.Block) any
}{
	{"광고비(원)", "Spend (KRW)", cellWon, func(b *kpi.Block) any { return b.SpendKRW }},
	{"전환매출(원)", "Revenue (KRW)", cellWon, func(b *kpi.Block) any { return b.RevenueKRW }},
	{"노출수", "Impressions", cellCount, func(b *kpi.Block) any { return b.Impressions }},
	{"클릭수", "Clicks", cellCount, func(b *kpi.Block) any { return b.Clicks }},
	{"전환수", "Conversions", cellCount, func(b *kpi.Block) any { return b.Conversions }},
	{"시청자수", "Viewers", cellCount, func(b *kpi.Block) any { return b.Viewers }},
	{roasLabel, "ROAS", cellPct, func(b *kpi.Block) any { return b.RoasPct }},
	{"클릭률", "CTR", cellPct, func(b *kpi.Block) any { return b.CtrPct }},
	{"평균클릭비용(원)", "CPC (KRW)", cellWon, func(b *kpi.Block) any { return b.CpcKRW }},
	{"전환율", "CVR", cellPct, func(b *kpi.Block) any { return b.CvrPct }},
	{"전환당비용(원)", "CPA (KRW)", cellWon, func(b *kpi.Block) any { return b.CpaKRW }},
	{"객단가(원)", "AOV (KRW)", cellWon, func(b *kpi.Block) any { return b.AovKRW }},
	{"라이브 전환율", "Live conversion", cellPct, func(b *kpi.Block) any { return b.LiveConversionPct }},
	{"시청자당 매출(원)", "Revenue per viewer (KRW)", cellWon, func(b *kpi.Block) any { return b.RevenuePerViewerKRW }},
}

// reportWords are the workbook's own words.
var reportWords = map[string]map[string]string{
	models.LocaleKo: {"summary": "요약", "teams": "팀별", "daily": "일별", "report": "성과 보고서", "statuses": "집계 상태",
		"period": "기간", "kinds": "캠페인 종류", "all": "전체", "kpi": "지표", "total": "전체 합계", "highlights": "주요 성과",
		"date": "날짜", "spend": "광고비(원)", "revenue": "전환매출(원)",
		"self_reliance": "디지털 자립도 (0–100)", "baseline": "사전 평균", "endline": "사후 평균", "change": "변화 평균", "paired": "사전·사후 모두 응답한 상점",
		"sustainability": "종료 후 지속 여부", "months": "종료 후 개월", "due": "도래", "answered": "응답", "continuing": "온라인 판매 지속", "continuing_pct": "지속 비율"},
	models.LocaleEn: {"summary": "Summary", "teams": "Teams", "daily": "Daily", "report": "report", "statuses": "Counted statuses",
		"period": "Period", "kinds": "Campaign kinds", "all": "all", "kpi": "KPI", "total": "Program total", "highlights": "Highlights",
		"date": "Date", "spend": "Spend (KRW)", "revenue": "Revenue (KRW)",
		"self_reliance": "Digital self-reliance (0–100)", "baseline": "Baseline mean", "endline": "Endline mean", "change": "Change mean", "paired": "Merchants with both",
		"sustainability": "After the program", "months": "Months after the end", "due": "Due", "answered": "Answered", "continuing": "Still selling online", "continuing_pct": "Continuing"},
}

// WriteReportXLSX writes the report as a workbook: a summary sheet (filters,
// totals, by campaign kind, highlights), a team sheet and a daily sheet.
func WriteReportXLSX(w io.Writer, r *models.ProgramReport) (err error) {
	lang := r.Filters.Lang
	if lang != models.LocaleEn {
		lang = models.LocaleKo
	}
	words := reportWords[lang]
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	styles, bold, err := workbookStyles(f)
	if err != nil {
		return err
	}

	summary := words["summary"]
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: summary, row: 1, styles: styles}
	s.line(r.ProgramName + " " + words["report"])
	statuses := make([]string, len(r.CountedStatuses))
	for i, st := range r.CountedStatuses {
		statuses[i] = string(st)
	}
	s.line(words["statuses"], strings.Join(statuses, ", "))
	period := words["all"]
	if r.Filters.From != nil || r.Filters.To != nil {
		period = dateOr(r.Filters.From, "…") + " – " + dateOr(r.Filters.To, "…")
	}
	s.line(words["period"], period)
	kinds := words["all"]
	if len(r.Filters.Kinds) > 0 {
		names := make([]string, len(r.Filters.Kinds))
		for i, k := range r.Filters.Kinds {
			names[i] = models.KindName(lang, k)
		}
		kinds = strings.Join(names, ", ")
	}
	s.line(words["kinds"], kinds)
	s.row++
	headerRow := s.row
	byKind := models.SortedKinds(r.ByKind)
	head := []string{words["kpi"], words["total"]}
	for _, k := range byKind {
		head = append(head, models.KindName(lang, k))
	}
	s.line(head...)
	for _, kr := range kpiRows {
		label := kr.ko
		if lang == models.LocaleEn {
			label = kr.en
		}
		s.put(1, cellText, label)
		total := kr.value(&r.Totals)
		if kr.ko == roasLabel {
			// The program's ROAS is its ad ROAS (SPEC §2); the kinds'
			// columns beside it keep their own.
			total = r.AdRoasPct
		}
		s.put(2, kr.kind, total)
		for i, k := range byKind {
			b := r.ByKind[k]
			s.put(3+i, kr.kind, kr.value(&b))
		}
		s.row++
	}
	s.row++
	s.line(words["highlights"])
	for _, h := range r.Highlights {
		s.line(h)
	}
	s.row++
	writeSelfReliance(s, r, words)
	if s.err != nil {
		return s.err
	}
	if err := f.SetRowStyle(summary, 1, 1, bold); err != nil {
		return err
	}
	if err := f.SetRowStyle(summary, headerRow, headerRow, bold); err != nil {
		return err
	}
	if err := f.SetColWidth(summary, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(summary, "B", "H", 16); err != nil {
		return err
	}

	teams := words["teams"]
	if _, err := f.NewSheet(teams); err != nil {
		return err
	}
	t := &sheetWriter{f: f, sheet: teams, row: 1, styles: styles}
	for i, c := range teamColumns {
		t.put(i+1, cellText, c.title(lang))
	}
	t.row++
	for i := range r.Teams {
		for j, c := range teamColumns {
			t.put(j+1, c.kind, c.value(&r.Teams[i]))
		}
		t.row++
	}
	if t.err != nil {
		return t.err
	}
	last, err := excelize.CoordinatesToCellName(len(teamColumns), max(t.row-1, 1))
	if err != nil {
		return err
	}
	if err := f.AutoFilter(teams, "A1:"+last, nil); err != nil {
		return err
	}
	if err := f.SetPanes(teams, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.SetRowStyle(teams, 1, 1, bold); err != nil {
		return err
	}
	lastCol, err := excelize.ColumnNumberToName(len(teamColumns))
	if err != nil {
		return err
	}
	if err := f.SetColWidth(teams, "A", lastCol, 14); err != nil {
		return err
	}

	daily := words["daily"]
	if _, err := f.NewSheet(daily); err != nil {
		return err
	}
	d := &sheetWriter{f: f, sheet: daily, row: 1, styles: styles}
	// No ROAS per day: the series sums every kind, and a ROAS of it would
	// divide revenue no ad bought (SPEC §2).
	d.line(words["date"], words["spend"], words["revenue"])
	for _, p := range r.Series {
		d.put(1, cellDate, p.Date)
		d.put(2, cellWon, p.SpendKRW)
		d.put(3, cellWon, p.RevenueKRW)
		d.row++
	}
	if d.err != nil {
		return d.err
	}
	if err := f.SetRowStyle(daily, 1, 1, bold); err != nil {
		return err
	}
	if err := f.SetColWidth(daily, "A", "C", 16); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// writeSelfReliance adds SPEC §13's figures to the summary sheet: the
// paired self-reliance change and the sustainability of each follow-up round.
func writeSelfReliance(s *sheetWriter, r *models.ProgramReport, words map[string]string) {
	sr := r.SelfReliance
	s.line(words["self_reliance"])
	for _, row := range []struct {
		key string
		v   *float64
	}{{"baseline", sr.BaselineMean}, {"endline", sr.EndlineMean}, {"change", sr.ChangeMean}} {
		s.put(1, cellText, words[row.key])
		s.put(2, cellScore, row.v)
		s.row++
	}
	s.put(1, cellText, words["paired"])
	s.put(2, cellCount, int64(sr.MerchantsPaired))
	s.row += 2
	s.line(words["sustainability"])
	s.line(words["months"], words["due"], words["answered"], words["continuing"], words["continuing_pct"])
	for _, st := range r.Sustainability {
		s.put(1, cellCount, int64(st.Months))
		s.put(2, cellCount, int64(st.Due))
		s.put(3, cellCount, int64(st.Answered))
		s.put(4, cellCount, int64(st.Continuing))
		s.put(5, cellPct, st.ContinuingPct)
		s.row++
	}
}

func dateOr(d *civil.Date, none string) string {
	if d == nil {
		return none
	}
	return d.String()
}

// workbookStyles registers the number formats of the cell kinds and a bold
// header style in f: the report's and the hand-over workbook's look alike.
func workbookStyles(f *excelize.File) (map[cellKind]int, int, error) {
	styles := map[cellKind]int{}
	for kind, format := range map[cellKind]string{cellWon: `"₩"#,##0`, cellCount: "#,##0", cellPct: "0.0%", cellDate: "yyyy-mm-dd", cellScore: "0.0"} {
		code := format
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return nil, 0, fmt.Errorf("number format %q: %w", format, err)
		}
		styles[kind] = id
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, 0, fmt.Errorf("bold style: %w", err)
	}
	return styles, bold, nil
}
