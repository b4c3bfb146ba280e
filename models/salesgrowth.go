package models

import (
	"database/sql"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/kpi"
)

// teamWindows are the sales-growth windows of each of teamIDs: the explicit
// ones, or SPEC's defaults from the team's campaigns among campaigns. A team
// with nothing to compare yet (no scheduled campaign) has none.
func teamWindows(campaigns []Campaign, teamIDs []uint64, explicit *kpi.Windows, programEnd, today civil.Date) map[uint64]kpi.Windows {
	out := make(map[uint64]kpi.Windows, len(teamIDs))
	if explicit != nil {
		for _, id := range teamIDs {
			out[id] = *explicit
		}
		return out
	}
	spans := map[uint64][]kpi.Span{}
	for _, c := range campaigns {
		sp := kpi.Span{Start: c.StartsOn}
		if !c.EndsOn.IsZero() {
			sp.End = ptr(c.EndsOn)
		}
		spans[c.TeamID] = append(spans[c.TeamID], sp)
	}
	for _, id := range teamIDs {
		if from, to, ok := kpi.AfterWindow(spans[id], programEnd, today); ok {
			out[id] = kpi.DefaultWindows(from, to)
		}
	}
	return out
}

// windowsPerQuery bounds the windows of one sales query: fourteen bound
// values each stay under SQLite's (32766) and PostgreSQL's (65535) limits.
const windowsPerQuery = 2000

// salesJob asks for one team's sales over one pair of windows; key names
// the answer (several jobs may ask about one team: last year's windows, a
// comparison team over another team's windows).
type salesJob struct {
	key    int
	teamID uint64
	w      kpi.Windows
}

// salesTotals are the exact sales over a job's before and after windows.
type salesTotals struct{ before, after *big.Rat }

// salesSums computes each job's exact sales over its windows, counting
// sales records of the given statuses, exactly as kpi.ProratedSales would
// from every record, without reading every record: a one-day record (the
// usual daily figure) lies wholly inside or outside a window, so the
// database adds up the windows' whole months from sales_month_sums and only
// the days at their ragged ends from the records; the few records spanning
// several days come back to be prorated exactly (kpi.ProratedSales). A
// program of a thousand teams with a year of daily records reads a few
// dozen rows a team.
func salesSums(tx *gorm.DB, jobs []salesJob, statuses []Status) (map[int]salesTotals, error) {
	sums := make(map[int]salesTotals, len(jobs))
	byKey := make(map[int]salesJob, len(jobs))
	for _, j := range jobs {
		sums[j.key] = salesTotals{new(big.Rat), new(big.Rat)}
		byKey[j.key] = j
	}
	for chunk := range slices.Chunk(jobs, windowsPerQuery) {
		// The windows' values are bound by position in the CTE that
		// windowsCTE writes with them; everything else is bound by name
		// (gorm's NamedExpr takes the positional values first).
		with, args := windowsCTE(database.DialectOf(tx), chunk)
		// One-day records inside the window from … to: its whole months'
		// sums and the days before the first and after the last whole month.
		days := func(w string) string {
			edge := func(n string) string {
				return `COALESCE((SELECT ` + sumInt("s.sales_krw") + ` FROM sales_records s
					WHERE s.team_id = w.team_id AND s.status IN @statuses AND s.period_start >= w.` + w + n + `_from
						AND s.period_start <= w.` + w + n + `_to AND s.period_end = s.period_start), 0)`
			}
			return `COALESCE((SELECT ` + sumInt("m.sales_krw") + ` FROM sales_month_sums m
					WHERE m.team_id = w.team_id AND m.status IN @statuses AND m.month >= w.` + w + `_month_from
						AND m.month <= w.` + w + `_month_to), 0) + ` + edge("_head") + ` + ` + edge("_tail")
		}
		var daily []struct {
			K          int
			BeforeDays int64
			AfterDays  int64
			Spans      bool // has records of several days (idx_sales_records_spans)
		}
		err := tx.Clauses(dbresolver.Read).Raw(with+`SELECT w.k, `+days("b")+` AS before_days, `+days("a")+` AS after_days,
				EXISTS (SELECT 1 FROM sales_records s WHERE s.team_id = w.team_id AND s.status IN @statuses
					AND s.period_start < s.period_end) AS spans FROM w`,
			append(args, sql.Named("statuses", statuses))...).Find(&daily).Error
		if err != nil {
			return nil, fmt.Errorf("sum one-day sales inside the windows: %w", err)
		}
		spans := false
		for _, r := range daily {
			sums[r.K].before.Add(sums[r.K].before, new(big.Rat).SetInt64(r.BeforeDays))
			sums[r.K].after.Add(sums[r.K].after, new(big.Rat).SetInt64(r.AfterDays))
			spans = spans || r.Spans
		}
		if !spans {
			continue // one-day records lie wholly inside a window or outside it
		}
		var spanning []struct {
			K           int
			PeriodStart civil.Date
			PeriodEnd   civil.Date
			SalesKRW    int64
		}
		err = tx.Clauses(dbresolver.Read).Raw(with+`SELECT w.k, s.period_start, s.period_end, s.sales_krw
			FROM w JOIN sales_records s ON s.team_id = w.team_id
			WHERE s.status IN @statuses AND s.period_start < s.period_end
			ORDER BY w.k, s.period_start`, append(args, sql.Named("statuses", statuses))...).Find(&spanning).Error
		if err != nil {
			return nil, fmt.Errorf("load sales records of several days: %w", err)
		}
		for _, r := range spanning {
			rec := []kpi.SalesRecord{{Start: r.PeriodStart, End: r.PeriodEnd, SalesKRW: r.SalesKRW}}
			w := byKey[r.K].w
			sums[r.K].before.Add(sums[r.K].before, kpi.ProratedSales(rec, w.BeforeFrom, w.BeforeTo))
			sums[r.K].after.Add(sums[r.K].after, kpi.ProratedSales(rec, w.AfterFrom, w.AfterTo))
		}
	}
	return sums, nil
}

// monthSplit cuts the window [from,to] into its whole calendar months
// (monthFrom to monthTo, as sales_month_sums keys them; an empty range when
// there is none) and the days before and after them (head and tail; an empty
// range is one whose from is after its to).
type monthSplit struct {
	monthFrom, monthTo string
	headFrom, headTo   civil.Date
	tailFrom, tailTo   civil.Date
}

func splitMonths(from, to civil.Date) monthSplit {
	first := from
	if first.Day != 1 {
		first = civil.Of(time.Date(from.Year, from.Month+1, 1, 0, 0, 0, 0, time.UTC))
	}
	// last is the last day of the last whole month: the day before the
	// first of the month after to's, unless to ends its month.
	afterTo := to.AddDays(1)
	last := to
	if afterTo.Day != 1 {
		last = civil.Date{Year: to.Year, Month: to.Month, Day: 1}.AddDays(-1)
	}
	if last.Before(first) {
		// No whole month: every day is a "head" day; the month range is
		// empty because "9" sorts after any year.
		return monthSplit{monthFrom: "9", monthTo: "0", headFrom: from, headTo: to, tailFrom: to.AddDays(1), tailTo: to}
	}
	return monthSplit{
		monthFrom: first.String()[:7], monthTo: last.String()[:7],
		headFrom: from, headTo: first.AddDays(-1),
		tailFrom: last.AddDays(1), tailTo: to,
	}
}

// windowsCTE is "WITH w(k, team_id, …) AS (VALUES …)" for the jobs: each
// window split into whole months and ragged ends, with its bound values.
// PostgreSQL needs the values' types spelled out; SQLite compares its ISO
// date text as it is.
func windowsCTE(dialect database.Dialect, jobs []salesJob) (string, []any) {
	const cols = 14
	cast := func(v, typ string) string {
		if dialect == database.Postgres {
			return "CAST(" + v + " AS " + typ + ")"
		}
		return v
	}
	row := "(" + cast("?", "BIGINT") + ", " + cast("?", "BIGINT")
	for range 2 {
		row += ", " + cast("?", "TEXT") + ", " + cast("?", "TEXT")
		for range 4 {
			row += ", " + cast("?", "DATE")
		}
	}
	row += ")"
	var b strings.Builder
	b.WriteString(`WITH w (k, team_id, b_month_from, b_month_to, b_head_from, b_head_to, b_tail_from, b_tail_to,
		a_month_from, a_month_to, a_head_from, a_head_to, a_tail_from, a_tail_to) AS (VALUES `)
	args := make([]any, 0, cols*len(jobs))
	for i, j := range jobs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
		w := j.w
		before, after := splitMonths(w.BeforeFrom, w.BeforeTo), splitMonths(w.AfterFrom, w.AfterTo)
		args = append(args, j.key, j.teamID,
			before.monthFrom, before.monthTo, before.headFrom, before.headTo, before.tailFrom, before.tailTo,
			after.monthFrom, after.monthTo, after.headFrom, after.headTo, after.tailFrom, after.tailTo)
	}
	b.WriteString(") ")
	return b.String(), args
}
