package main

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sums are the additive figures of a KPI block; every ratio the report
// shows is computed from them, so equal sums mean equal KPIs.
type sums struct {
	SpendKRW    int64 `json:"spend_krw"`
	RevenueKRW  int64 `json:"revenue_krw"`
	Impressions int64 `json:"impressions"`
	Clicks      int64 `json:"clicks"`
	Conversions int64 `json:"conversions"`
	Viewers     int64 `json:"viewers"`
}

// programReport is the part of GET /programs/{id}/report the bench checks.
type programReport struct {
	Totals         sums            `json:"totals"`
	ByKind         map[string]sums `json:"by_kind"`
	SalesBeforeKRW int64           `json:"sales_before_krw"`
	SalesAfterKRW  int64           `json:"sales_after_krw"`
	Teams          []struct {
		TeamID         uint64          `json:"team_id"`
		Total          sums            `json:"total"`
		ByKind         map[string]sums `json:"by_kind"`
		SalesBeforeKRW *int64          `json:"sales_before_krw"`
		SalesAfterKRW  *int64          `json:"sales_after_krw"`
	} `json:"teams"`
	Series []struct {
		Date       string `json:"date"`
		SpendKRW   int64  `json:"spend_krw"`
		RevenueKRW int64  `json:"revenue_krw"`
	} `json:"series"`
}

// reportFigures times the city official's report and the same aggregation
// in the database's own shell and checks that both found the same numbers.
func reportFigures(o options, b *backend, c *client, sess *session, rec *recorder) error {
	path := fmt.Sprintf("/api/v1/programs/%d/report", sess.programID)
	var rep programReport
	if err := c.getJSON(path, sess.city, &rep); err != nil { // the warm-up, kept for the check
		return err
	}
	times := make([]time.Duration, o.runs)
	for i := range times {
		began := time.Now()
		if _, err := c.do(http.MethodGet, path, sess.city, "", nil, http.StatusOK); err != nil {
			return err
		}
		times[i] = time.Since(began)
	}
	sqlTimes, out, err := b.timeSQL(reportSQL(b.dialect, sess.programID), o.runs)
	if err != nil {
		return fmt.Errorf("report SQL baseline: %w", err)
	}
	if err := compareReport(&rep, out); err != nil {
		return err
	}
	reportMS, sqlMS := ms(median(times)), ms(median(sqlTimes))
	rec.figure("report_ms", reportMS, "ms")
	rec.figure("report_sql_ms", sqlMS, "ms")
	rec.figure("report_vs_sql", ratio(reportMS, sqlMS), "ratio")
	rec.bar("report_vs_sql", ratio(reportMS, sqlMS), atMost, 1.5)
	return nil
}

// reportSQL is what the report adds up, as one statement: the approved
// entries' sums per team and kind (and from them per team, per kind and for
// the program), each team's before/after sales over SPEC §2's default
// windows (records prorated by the days they share with a window), and the
// daily spend and revenue series. Every row is scope|team|key|six numbers.
func reportSQL(dialect string, programID uint64) string {
	if dialect == "postgres" {
		return fmt.Sprintf(postgresReportSQL, programID)
	}
	return fmt.Sprintf(sqliteReportSQL, programID)
}

const sqliteReportSQL = `WITH camp AS MATERIALIZED (
  SELECT c.id, c.team_id, c.kind, c.starts_on, COALESCE(c.ends_on, p.ends_on) AS ends_on
  FROM campaigns c JOIN teams t ON t.id = c.team_id JOIN programs p ON p.id = t.program_id
  WHERE t.program_id = %d),
tk AS MATERIALIZED (
  SELECT camp.team_id, camp.kind, SUM(e.spend_krw) AS spend, SUM(e.revenue_krw) AS revenue,
    SUM(e.impressions) AS impressions, SUM(e.clicks) AS clicks, SUM(e.conversions) AS conversions,
    SUM(COALESCE(e.viewers, 0)) AS viewers
  FROM metric_entries e JOIN camp ON camp.id = e.campaign_id
  WHERE e.status = 'approved'
  GROUP BY camp.team_id, camp.kind),
win AS MATERIALIZED (
  SELECT team_id, julianday(MIN(starts_on)) AS s,
    MIN(julianday(MAX(ends_on)), julianday(date('now', '+9 hours'))) AS e
  FROM camp GROUP BY team_id),
growth AS (
  SELECT w.team_id,
    SUM(r.sales_krw * MAX(0, MIN(julianday(r.period_end), w.s - 1) - MAX(julianday(r.period_start), 2 * w.s - w.e - 1) + 1)
      / (julianday(r.period_end) - julianday(r.period_start) + 1)) AS before,
    SUM(r.sales_krw * MAX(0, MIN(julianday(r.period_end), w.e) - MAX(julianday(r.period_start), w.s) + 1)
      / (julianday(r.period_end) - julianday(r.period_start) + 1)) AS after
  FROM win w JOIN sales_records r ON r.team_id = w.team_id
  WHERE w.e >= w.s AND r.status = 'approved'
  GROUP BY w.team_id)
SELECT 'team_kind', team_id, kind, spend, revenue, impressions, clicks, conversions, viewers FROM tk
UNION ALL SELECT 'team', team_id, '', SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk GROUP BY team_id
UNION ALL SELECT 'kind', 0, kind, SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk GROUP BY kind
UNION ALL SELECT 'program', 0, '', SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk
UNION ALL SELECT 'sales', team_id, '', CAST(ROUND(COALESCE(before, 0)) AS INTEGER), CAST(ROUND(COALESCE(after, 0)) AS INTEGER), 0, 0, 0, 0 FROM growth
UNION ALL SELECT 'series', 0, e.date, SUM(e.spend_krw), SUM(e.revenue_krw), 0, 0, 0, 0
  FROM metric_entries e JOIN camp ON camp.id = e.campaign_id WHERE e.status = 'approved' GROUP BY e.date`

const postgresReportSQL = `WITH camp AS MATERIALIZED (
  SELECT c.id, c.team_id, c.kind, c.starts_on, COALESCE(c.ends_on, p.ends_on) AS ends_on
  FROM campaigns c JOIN teams t ON t.id = c.team_id JOIN programs p ON p.id = t.program_id
  WHERE t.program_id = %d),
tk AS MATERIALIZED (
  SELECT camp.team_id, camp.kind, SUM(e.spend_krw) AS spend, SUM(e.revenue_krw) AS revenue,
    SUM(e.impressions) AS impressions, SUM(e.clicks) AS clicks, SUM(e.conversions) AS conversions,
    SUM(COALESCE(e.viewers, 0)) AS viewers
  FROM metric_entries e JOIN camp ON camp.id = e.campaign_id
  WHERE e.status = 'approved'
  GROUP BY camp.team_id, camp.kind),
win AS MATERIALIZED (
  SELECT team_id, MIN(starts_on) AS s, LEAST(MAX(ends_on), (now() AT TIME ZONE 'Asia/Seoul')::date) AS e
  FROM camp GROUP BY team_id),
growth AS (
  SELECT w.team_id,
    SUM(r.sales_krw::numeric * GREATEST(0, LEAST(r.period_end, w.s - 1) - GREATEST(r.period_start, w.s - (w.e - w.s + 1)) + 1)
      / (r.period_end - r.period_start + 1)) AS before,
    SUM(r.sales_krw::numeric * GREATEST(0, LEAST(r.period_end, w.e) - GREATEST(r.period_start, w.s) + 1)
      / (r.period_end - r.period_start + 1)) AS after
  FROM win w JOIN sales_records r ON r.team_id = w.team_id
  WHERE w.e >= w.s AND r.status = 'approved'
  GROUP BY w.team_id)
SELECT 'team_kind', team_id, kind::text, spend, revenue, impressions, clicks, conversions, viewers FROM tk
UNION ALL SELECT 'team', team_id, '', SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk GROUP BY team_id
UNION ALL SELECT 'kind', 0, kind::text, SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk GROUP BY kind
UNION ALL SELECT 'program', 0, '', SUM(spend), SUM(revenue), SUM(impressions), SUM(clicks), SUM(conversions), SUM(viewers) FROM tk
UNION ALL SELECT 'sales', team_id, '', ROUND(COALESCE(before, 0)), ROUND(COALESCE(after, 0)), 0, 0, 0, 0 FROM growth
UNION ALL SELECT 'series', 0, e.date::text, SUM(e.spend_krw), SUM(e.revenue_krw), 0, 0, 0, 0
  FROM metric_entries e JOIN camp ON camp.id = e.campaign_id WHERE e.status = 'approved' GROUP BY e.date`

// sqlRow is one line of the baseline's output.
type sqlRow struct {
	scope string
	team  uint64
	key   string
	n     [6]int64
}

func (r sqlRow) sums() sums {
	return sums{SpendKRW: r.n[0], RevenueKRW: r.n[1], Impressions: r.n[2], Clicks: r.n[3], Conversions: r.n[4], Viewers: r.n[5]}
}

// parseSQLRows reads the shell's "a|b|c|…" lines, skipping its other output.
func parseSQLRows(out string) ([]sqlRow, error) {
	var rows []sqlRow
	for _, line := range strings.Split(out, "\n") {
		cells := strings.Split(strings.TrimSpace(line), "|")
		if len(cells) != 9 {
			continue
		}
		r := sqlRow{scope: cells[0], key: cells[2]}
		team, err := strconv.ParseUint(cells[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SQL output %q: %w", line, err)
		}
		r.team = team
		for i, cell := range cells[3:] {
			if cell == "" {
				continue // SUM of no rows
			}
			f, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, fmt.Errorf("SQL output %q: %w", line, err)
			}
			r.n[i] = int64(math.Round(f))
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// compareReport checks every number of the report against the SQL's, so
// that a fast report is never a wrong one. Sales may differ by one won: the
// SQL adds prorated shares as floating point, the server as exact fractions.
func compareReport(rep *programReport, out string) error {
	rows, err := parseSQLRows(out)
	if err != nil {
		return err
	}
	want := map[string]sums{}
	sales := map[uint64][2]int64{}
	series := map[string][2]int64{}
	for _, r := range rows {
		switch r.scope {
		case "sales":
			sales[r.team] = [2]int64{r.n[0], r.n[1]}
		case "series":
			series[r.key] = [2]int64{r.n[0], r.n[1]}
		default:
			want[fmt.Sprintf("%s/%d/%s", r.scope, r.team, r.key)] = r.sums()
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("the report SQL printed no rows")
	}
	var bad []string
	check := func(what string, got, want sums) {
		if got != want {
			bad = append(bad, fmt.Sprintf("%s: report %+v, SQL %+v", what, got, want))
		}
	}
	check("program totals", rep.Totals, want["program/0/"])
	for kind, s := range rep.ByKind {
		check("kind "+kind, s, want["kind/0/"+kind])
	}
	var before, after int64
	for _, t := range rep.Teams {
		check(fmt.Sprintf("team %d", t.TeamID), t.Total, want[fmt.Sprintf("team/%d/", t.TeamID)])
		for kind, s := range t.ByKind {
			check(fmt.Sprintf("team %d kind %s", t.TeamID, kind), s, want[fmt.Sprintf("team_kind/%d/%s", t.TeamID, kind)])
		}
		got := [2]int64{deref(t.SalesBeforeKRW), deref(t.SalesAfterKRW)}
		w := sales[t.TeamID]
		if abs(got[0]-w[0]) > 1 || abs(got[1]-w[1]) > 1 {
			bad = append(bad, fmt.Sprintf("team %d sales before/after: report %v, SQL %v", t.TeamID, got, w))
		}
		before, after = before+got[0], after+got[1]
	}
	if before != rep.SalesBeforeKRW || after != rep.SalesAfterKRW {
		bad = append(bad, fmt.Sprintf("program sales %d/%d are not the sum of its teams' %d/%d", rep.SalesBeforeKRW, rep.SalesAfterKRW, before, after))
	}
	if len(rep.Series) != len(series) {
		bad = append(bad, fmt.Sprintf("series of %d days, SQL %d", len(rep.Series), len(series)))
	}
	for _, p := range rep.Series {
		if w := series[p.Date]; w != [2]int64{p.SpendKRW, p.RevenueKRW} {
			bad = append(bad, fmt.Sprintf("series %s: report %d/%d, SQL %v", p.Date, p.SpendKRW, p.RevenueKRW, w))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("the report and the SQL disagree in %d places, e.g.:\n  %s", len(bad), strings.Join(bad[:min(5, len(bad))], "\n  "))
	}
	fmt.Printf("# report checked against the SQL: %d teams, %d kinds, %d days agree\n", len(rep.Teams), len(rep.ByKind), len(rep.Series))
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
