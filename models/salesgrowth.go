package models

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
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

// windowsPerQuery bounds the teams of one sales query: five bound values
// each stay well under SQLite's (32766) and PostgreSQL's (65535) limits.
const windowsPerQuery = 2000

// salesGrowth computes each team's sales growth over its windows, counting
// sales records of the given statuses. The database adds up the records that
// lie wholly inside a window, reading only those windows' index ranges; only
// records that straddle a window's edge come back to be prorated exactly
// (kpi.ProratedSales), and none can when every record covers one day, so a
// program of a thousand teams with daily records never ships its sales rows
// to Go nor reads the ones outside the windows.
func salesGrowth(tx *gorm.DB, windows map[uint64]kpi.Windows, statuses []Status) (map[uint64]SalesGrowth, error) {
	teamIDs := make([]uint64, 0, len(windows))
	for id := range windows {
		teamIDs = append(teamIDs, id)
	}
	slices.Sort(teamIDs)
	type totals struct{ before, after *big.Rat }
	sums := make(map[uint64]totals, len(teamIDs))
	for _, id := range teamIDs {
		sums[id] = totals{new(big.Rat), new(big.Rat)}
	}
	longest, err := longestSalesPeriod(tx)
	if err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(teamIDs, windowsPerQuery) {
		with, args := windowsCTE(DialectOf(tx), chunk, windows)
		var whole []struct {
			TeamID      uint64
			BeforeWhole int64
			AfterWhole  int64
		}
		// One index range (team, status, period_start) per team and window:
		// a record lies inside [from,to] when it starts and ends in it.
		inside := func(from, to string) string {
			return "COALESCE((SELECT " + sumInt("s.sales_krw") + ` FROM sales_records s
				WHERE s.team_id = w.team_id AND s.status IN ? AND s.period_start >= w.` + from + `
					AND s.period_start <= w.` + to + ` AND s.period_end <= w.` + to + `), 0)`
		}
		err := tx.Raw(with+`SELECT w.team_id, `+inside("b_from", "b_to")+` AS before_whole, `+
			inside("a_from", "a_to")+` AS after_whole FROM w`, append(args, statuses, statuses)...).Scan(&whole).Error
		if err != nil {
			return nil, fmt.Errorf("sum sales inside the windows: %w", err)
		}
		for _, r := range whole {
			sums[r.TeamID].before.Add(sums[r.TeamID].before, new(big.Rat).SetInt64(r.BeforeWhole))
			sums[r.TeamID].after.Add(sums[r.TeamID].after, new(big.Rat).SetInt64(r.AfterWhole))
		}
		if longest == 0 {
			continue // one-day records never cross a window's edge
		}
		var straddling []struct {
			TeamID      uint64
			PeriodStart civil.Date
			PeriodEnd   civil.Date
			SalesKRW    int64
		}
		err = tx.Raw(with+`SELECT s.team_id, s.period_start, s.period_end, s.sales_krw
			FROM w JOIN sales_records s ON s.team_id = w.team_id
			WHERE s.status IN ? AND s.period_start <= s.period_end AND (
				(s.period_start < w.b_from AND s.period_end >= w.b_from) OR (s.period_start <= w.b_to AND s.period_end > w.b_to) OR
				(s.period_start < w.a_from AND s.period_end >= w.a_from) OR (s.period_start <= w.a_to AND s.period_end > w.a_to))
			ORDER BY s.team_id, s.id`, append(args, statuses)...).Scan(&straddling).Error
		if err != nil {
			return nil, fmt.Errorf("load sales across window edges: %w", err)
		}
		for _, r := range straddling {
			rec := []kpi.SalesRecord{{Start: r.PeriodStart, End: r.PeriodEnd, SalesKRW: r.SalesKRW}}
			w := windows[r.TeamID]
			// Whole-window records were summed above; a straddling record
			// is prorated only over the window whose edge it crosses.
			if !within(r.PeriodStart, r.PeriodEnd, w.BeforeFrom, w.BeforeTo) {
				sums[r.TeamID].before.Add(sums[r.TeamID].before, kpi.ProratedSales(rec, w.BeforeFrom, w.BeforeTo))
			}
			if !within(r.PeriodStart, r.PeriodEnd, w.AfterFrom, w.AfterTo) {
				sums[r.TeamID].after.Add(sums[r.TeamID].after, kpi.ProratedSales(rec, w.AfterFrom, w.AfterTo))
			}
		}
	}
	out := make(map[uint64]SalesGrowth, len(teamIDs))
	for _, id := range teamIDs {
		w := windows[id]
		g := kpi.GrowthOf(sums[id].before, sums[id].after)
		out[id] = SalesGrowth{SalesGrowthPct: g.Pct, SalesBeforeKRW: ptr(g.BeforeKRW), SalesAfterKRW: ptr(g.AfterKRW), Windows: &w}
	}
	return out, nil
}

// within reports whether [start,end] lies inside [from,to].
func within(start, end, from, to civil.Date) bool {
	return !start.Before(from) && !end.After(to)
}

// windowsCTE is "WITH w(team_id, bf, bt, af, at) AS (VALUES …)" for the
// teams, with its bound values. PostgreSQL needs the values' types spelled
// out; SQLite compares its ISO date text as it is.
func windowsCTE(dialect Dialect, teamIDs []uint64, windows map[uint64]kpi.Windows) (string, []any) {
	row := "(?, ?, ?, ?, ?)"
	if dialect == Postgres {
		row = "(CAST(? AS BIGINT), CAST(? AS DATE), CAST(? AS DATE), CAST(? AS DATE), CAST(? AS DATE))"
	}
	var b strings.Builder
	b.WriteString("WITH w (team_id, b_from, b_to, a_from, a_to) AS (VALUES ")
	args := make([]any, 0, 5*len(teamIDs))
	for i, id := range teamIDs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
		w := windows[id]
		args = append(args, id, w.BeforeFrom, w.BeforeTo, w.AfterFrom, w.AfterTo)
	}
	b.WriteString(") ")
	return b.String(), args
}

// longestSalesPeriod is how many days the longest sales record spans beyond
// its first (0 when every record covers one day), read from an index on
// that difference (see the kpi_sums migration).
func longestSalesPeriod(tx *gorm.DB) (int64, error) {
	expr := "julianday(period_end) - julianday(period_start)"
	if DialectOf(tx) == Postgres {
		expr = "period_end - period_start"
	}
	var longest *float64
	if err := tx.Raw("SELECT MAX(" + expr + ") FROM sales_records").Scan(&longest).Error; err != nil {
		return 0, fmt.Errorf("longest sales period: %w", err)
	}
	if longest == nil || *longest <= 0 {
		return 0, nil
	}
	return int64(*longest), nil
}
