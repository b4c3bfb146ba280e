package imports

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nalgae/nalgae/models/civil"
)

// reader turns a table's data rows into days or sales.
type reader struct {
	t *table
	h *header
	p *Parsed
	// lastDate is the last date cell read and its day: reports list a
	// day's rows together, so most rows repeat the one before.
	lastDateText string
	lastDate     civil.Date
}

// each calls fn for every non-blank row after the header, in order.
func (rd *reader) each(fn func(row)) error {
	for _, r := range rd.t.head {
		if r.line > rd.h.line {
			fn(r)
		}
	}
	for {
		r, err := rd.t.rows.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !blank(r.cells) {
			fn(r)
		}
	}
}

// cell is the trimmed text of field's column in r ("" when the row is short
// or the file has no such column).
func (rd *reader) cell(r row, field string) string {
	i, ok := rd.h.cols[field]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

func (rd *reader) fail(r row, field, format string, args ...any) {
	rd.p.addError(Issue{Line: r.line, Column: rd.p.Column(field), Message: fmt.Sprintf(format, args...)})
}

func (rd *reader) warn(r row, field, format string, args ...any) {
	rd.p.addWarning(Issue{Line: r.line, Column: rd.p.Column(field), Message: fmt.Sprintf(format, args...)})
}

// isTotals tells a totals row: 결과 or 합계 in the date column, or, with the
// date column empty, as the row's first text.
func (rd *reader) isTotals(r row, dateField string) bool {
	if d := rd.cell(r, dateField); d != "" {
		return isTotalsLabel(d)
	}
	for _, c := range r.cells {
		if c = strings.TrimSpace(c); c != "" {
			return isTotalsLabel(c)
		}
	}
	return false
}

// date reads field's day, or records why it cannot.
func (rd *reader) date(r row, field string) (civil.Date, bool) {
	text := rd.cell(r, field)
	if text == "" {
		rd.fail(r, field, "is empty; every row needs its day")
		return civil.Date{}, false
	}
	if text == rd.lastDateText {
		return rd.lastDate, true
	}
	d, err := parseDate(text, rd.t.serial, rd.t.date1904)
	if err != nil {
		rd.fail(r, field, "%q %v", text, err)
		return civil.Date{}, false
	}
	rd.lastDateText, rd.lastDate = text, d
	return d, true
}

// whole reads field's count or amount; nil for none.
func (rd *reader) whole(r row, field string) (*int64, bool) {
	text := rd.cell(r, field)
	v, none, err := parseWhole(text, strings.HasSuffix(field, "_krw"))
	switch {
	case err != nil:
		rd.fail(r, field, "%q %v", text, err)
		return nil, false
	case none:
		return nil, true
	}
	return &v, true
}

// dayFields are the figures of a day, in the order they are read.
var (
	entryFields = []string{fSpend, fImpressions, fClicks, fConversions, fRevenue}
	liveFields  = []string{fViewers, fPeak, fLikes, fComments, fDuration}
)

// readDays reads a SearchAd report or the live template into days.
func (rd *reader) readDays() error {
	h, p := rd.h, rd.p
	if h.layout == LayoutSearchAd {
		rd.usePurchaseColumns()
	}
	fields := slices.DeleteFunc(slices.Concat(entryFields, liveFields), func(f string) bool { return !h.has(f) })
	days := map[civil.Date]*Day{}
	var totals []row
	err := rd.each(func(r row) {
		if rd.isTotals(r, fDate) {
			totals = append(totals, r)
			return
		}
		p.RowsRead++
		date, ok := rd.date(r, fDate)
		values := map[string]*int64{}
		for _, f := range fields {
			v, good := rd.whole(r, f)
			ok = ok && good
			values[f] = v
		}
		if !ok {
			return
		}
		day := days[date]
		if day == nil {
			day = &Day{Date: date}
			for _, f := range entryFields {
				if h.has(f) {
					*day.field(f) = new(int64)
				}
			}
			days[date] = day
		}
		day.Lines = append(day.Lines, r.line)
		for f, v := range values {
			day.add(f, v)
		}
		rd.checkRatios(r, values)
	})
	if err != nil {
		return err
	}
	for _, d := range days {
		p.Days = append(p.Days, *d)
	}
	slices.SortFunc(p.Days, func(a, b Day) int { return cmpDate(a.Date, b.Date) })
	if len(totals) == 1 && len(p.Errors) == 0 {
		rd.checkTotals(totals[0], fields)
	}
	return nil
}

// usePurchaseColumns reads the purchase-only columns as the conversions and
// revenue of a 2026 report that lacks the totals (see the package doc).
func (rd *reader) usePurchaseColumns() {
	h := rd.h
	for _, pair := range [][2]string{{fConversions, fPurchaseConversions}, {fRevenue, fPurchaseRevenue}} {
		total, purchase := pair[0], pair[1]
		if h.has(total) || !h.has(purchase) {
			continue
		}
		h.cols[total], h.names[total] = h.cols[purchase], h.names[purchase]
		rd.p.addWarning(Issue{Line: h.line, Column: h.names[purchase],
			Message: "the file has no total column for this figure, so the purchase-only one is imported as the entry's " + total})
	}
}

// field is where a day keeps figure f.
func (d *Day) field(f string) **int64 {
	switch f {
	case fSpend:
		return &d.SpendKRW
	case fImpressions:
		return &d.Impressions
	case fClicks:
		return &d.Clicks
	case fConversions:
		return &d.Conversions
	case fRevenue:
		return &d.RevenueKRW
	case fViewers:
		return &d.Viewers
	case fPeak:
		return &d.PeakViewers
	case fLikes:
		return &d.Likes
	case fComments:
		return &d.Comments
	case fDuration:
		return &d.DurationMin
	}
	panic("imports: unknown field " + f)
}

// add folds a row's figure into the day: a sum, but the day's highest for
// peak viewers. Sums stay far inside int64: every value is below 10¹⁵ and
// a file has at most 10⁵ rows, and the models refuse more than 10¹².
func (d *Day) add(f string, v *int64) {
	if v == nil {
		return
	}
	dst := d.field(f)
	switch {
	case *dst == nil:
		*dst = ptr(*v)
	case f == fPeak:
		**dst = max(**dst, *v)
	default:
		**dst = satAdd(**dst, *v)
	}
}

// satAdd adds without wrapping around, whatever a fuzzer sends.
func satAdd(a, b int64) int64 {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func cmpDate(a, b civil.Date) int {
	switch {
	case a.Before(b):
		return -1
	case a.After(b):
		return 1
	}
	return 0
}

// ratioChecks are the file's ratio columns and how Nalgae computes each
// (SPEC §2).
var ratioChecks = []struct {
	field, num, den string
	scale           float64
	percent         bool
}{
	{fCTR, fClicks, fImpressions, 100, true},
	{fCPC, fSpend, fClicks, 1, false},
	{fCVR, fConversions, fClicks, 100, true},
	{fROAS, fRevenue, fSpend, 100, true},
}

// checkRatios warns where a row's ratio differs from the one its numbers
// give by more than 1% (relative), beyond what the file's rounding explains.
func (rd *reader) checkRatios(r row, values map[string]*int64) {
	for _, rc := range ratioChecks {
		if !rd.h.has(rc.field) || !rd.h.has(rc.num) || !rd.h.has(rc.den) {
			continue
		}
		text := rd.cell(r, rc.field)
		got, decimals, none, err := parseRatio(text)
		if err != nil {
			rd.warn(r, rc.field, "%q is not a number; the ratio is not stored anyway, Nalgae recomputes it", text)
			continue
		}
		num, den := deref(values[rc.num]), deref(values[rc.den])
		if none {
			continue
		}
		if den == 0 {
			if got != 0 {
				rd.warn(r, rc.field, "says %s, but there is no %s to divide by; Nalgae shows no ratio for this day", text, rd.p.Column(rc.den))
			}
			continue
		}
		want := float64(num) / float64(den) * rc.scale
		if near(got, want, decimals) || (rc.percent && rd.t.container == "xlsx" && near(got*100, want, max(decimals-2, 0))) {
			continue
		}
		rd.warn(r, rc.field, "says %s, but %s and %s give %s (more than 1%% apart); Nalgae keeps the numbers and recomputes the ratio",
			text, rd.p.Column(rc.num), rd.p.Column(rc.den), strconv.FormatFloat(math.Round(want*100)/100, 'f', -1, 64))
	}
}

// near: within 1% of want, or within half a unit of the last digit written.
func near(got, want float64, decimals int) bool {
	tol := max(0.01*math.Abs(want), 0.5*math.Pow(10, -float64(min(decimals, 12))))
	return math.Abs(got-want) <= tol+1e-9
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// checkTotals warns when the report's totals row disagrees with the days.
func (rd *reader) checkTotals(r row, fields []string) {
	sums := map[string]int64{}
	for _, d := range rd.p.Days {
		for _, f := range fields {
			if v := *d.field(f); v != nil {
				sums[f] = satAdd(sums[f], *v)
			}
		}
	}
	for _, f := range fields {
		if f == fPeak {
			continue
		}
		text := rd.cell(r, f)
		v, none, err := parseWhole(text, strings.HasSuffix(f, "_krw"))
		if err != nil || none || v == sums[f] {
			continue
		}
		rd.warn(r, f, "the totals row says %s, but the days add up to %d; the days are imported", text, sums[f])
	}
}

// readSales reads a Smart Store export (one online record a day, rows of
// one day summed) or the sales template (one record a row).
func (rd *reader) readSales() error {
	if rd.h.layout == LayoutSmartStore {
		return rd.readStoreDays()
	}
	return rd.readTemplateSales()
}

func (rd *reader) readStoreDays() error {
	p := rd.p
	days := map[civil.Date]*Sale{}
	err := rd.each(func(r row) {
		if rd.isTotals(r, fDate) {
			return
		}
		p.RowsRead++
		date, ok := rd.date(r, fDate)
		sales, good := rd.whole(r, fSales)
		ok = ok && good
		var orders *int64
		if rd.h.has(fOrders) {
			orders, good = rd.whole(r, fOrders)
			ok = ok && good
		}
		if !ok {
			return
		}
		s := days[date]
		if s == nil {
			s = &Sale{PeriodStart: date, PeriodEnd: date, Channel: "online"}
			days[date] = s
		}
		s.Lines = append(s.Lines, r.line)
		s.SalesKRW = satAdd(s.SalesKRW, deref(sales))
		if orders != nil {
			s.Orders = ptr(satAdd(deref(s.Orders), *orders))
		}
	})
	if err != nil {
		return err
	}
	for _, s := range days {
		p.Sales = append(p.Sales, *s)
	}
	slices.SortFunc(p.Sales, func(a, b Sale) int { return cmpDate(a.PeriodStart, b.PeriodStart) })
	return nil
}

// channels are the words the sales template takes for a channel.
var channels = map[string]string{
	"online": "online", "온라인": "online",
	"offline": "offline", "오프라인": "offline", "매장": "offline",
	"all": "all", "전체": "all", "": "all",
}

func (rd *reader) readTemplateSales() error {
	p := rd.p
	type key struct {
		start, end civil.Date
		channel    string
	}
	seen := map[key]int{}
	err := rd.each(func(r row) {
		if rd.isTotals(r, fPeriodStart) {
			return
		}
		p.RowsRead++
		start, ok := rd.date(r, fPeriodStart)
		end, good := rd.date(r, fPeriodEnd)
		ok = ok && good
		channel, known := channels[strings.ToLower(rd.cell(r, fChannel))]
		if !known {
			rd.fail(r, fChannel, "%q must be online, offline or all (온라인, 오프라인, 전체)", rd.cell(r, fChannel))
			ok = false
		}
		var sales int64
		if rd.cell(r, fSales) == "" {
			rd.fail(r, fSales, "is empty; give the sales of the period in won")
			ok = false
		} else if v, good := rd.whole(r, fSales); !good {
			ok = false
		} else {
			sales = deref(v)
		}
		var orders *int64
		if rd.h.has(fOrders) {
			orders, good = rd.whole(r, fOrders)
			ok = ok && good
		}
		if !ok {
			return
		}
		k := key{start, end, channel}
		if first, dup := seen[k]; dup {
			rd.fail(r, fPeriodStart, "line %d already gives the sales of %s to %s (%s)", first, start, end, channel)
			return
		}
		seen[k] = r.line
		p.Sales = append(p.Sales, Sale{Lines: []int{r.line}, PeriodStart: start, PeriodEnd: end, Channel: channel, SalesKRW: sales, Orders: orders})
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(p.Sales, func(a, b Sale) int {
		if c := cmpDate(a.PeriodStart, b.PeriodStart); c != 0 {
			return c
		}
		if c := cmpDate(a.PeriodEnd, b.PeriodEnd); c != 0 {
			return c
		}
		return strings.Compare(a.Channel, b.Channel)
	})
	return nil
}
