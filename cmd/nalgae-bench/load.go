package main

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// readClients is issue 6's number of concurrent readers.
const readClients = 32

// attack runs vegeta at its maximum rate with exactly workers concurrent
// clients for d, handing each result to seen (which may be nil) before it
// is added to the metrics.
func attack(name string, tr vegeta.Targeter, workers uint64, d time.Duration, seen func(*vegeta.Result)) *vegeta.Metrics {
	a := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.Timeout(30*time.Second),
		vegeta.KeepAlive(true), vegeta.Connections(int(workers)))
	var m vegeta.Metrics
	for res := range a.Attack(tr, vegeta.Rate{Freq: 0}, d, name) {
		if seen != nil {
			seen(res)
		}
		m.Add(res)
	}
	m.Close()
	return &m
}

// failures counts the non-2xx answers (and transport errors, code 0) of an
// attack and says which they were.
func failures(m *vegeta.Metrics) (int, string) {
	n := 0
	var codes []string
	for code, count := range m.StatusCodes {
		if !strings.HasPrefix(code, "2") {
			n += count
			codes = append(codes, fmt.Sprintf("%s×%d", code, count))
		}
	}
	sort.Strings(codes)
	detail := strings.Join(codes, ", ")
	if len(m.Errors) > 0 {
		detail += "; " + strings.Join(m.Errors[:min(3, len(m.Errors))], "; ")
	}
	return n, detail
}

// readLoadFigures measures /healthz and then the professor's team KPIs over
// every team of the program, each at readClients concurrent clients.
func readLoadFigures(o options, c *client, sess *session, rec *recorder) error {
	teamIDs, err := c.teamIDs(sess)
	if err != nil {
		return err
	}
	health := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: c.base + "/healthz"})
	hm := attack("healthz", health, readClients, o.loadFor, nil)
	if err := reportFailures("healthz", hm, rec); err != nil {
		return err
	}
	rec.figure("healthz_rps", hm.Throughput, "req/s")
	// Not a bar: the floor of the p99 below, what the load generator and
	// the server sharing this machine's cores cost an answer that does nothing.
	rec.figure("healthz_p99_ms", ms(hm.Latencies.P99), "ms")

	header := http.Header{"Authorization": []string{"Bearer " + sess.professor}}
	var next atomic.Uint64
	kpis := func(t *vegeta.Target) error {
		id := teamIDs[(next.Add(1)-1)%uint64(len(teamIDs))]
		*t = vegeta.Target{Method: http.MethodGet, URL: fmt.Sprintf("%s/api/v1/teams/%d/kpis", c.base, id), Header: header}
		return nil
	}
	// The first team asked for computes every team's answer of the
	// program in one pass (kept until a write moves its team's stamp): that
	// is the report's cost, timed above; the load measures kept answers.
	if err := c.getJSON(fmt.Sprintf("/api/v1/teams/%d/kpis", teamIDs[0]), sess.professor, &struct{}{}); err != nil {
		return fmt.Errorf("team KPIs warm-up: %w", err)
	}
	km := attack("team_kpis", kpis, readClients, o.loadFor, nil)
	if err := reportFailures("team_kpis", km, rec); err != nil {
		return err
	}
	p99 := ms(km.Latencies.P99)
	rec.figure("team_kpis_rps", km.Throughput, "req/s")
	rec.figure("team_kpis_p99_ms", p99, "ms")
	rec.figure("team_kpis_vs_healthz", ratio(km.Throughput, hm.Throughput), "ratio")
	rec.bar("team_kpis_vs_healthz", ratio(km.Throughput, hm.Throughput), atLeast, 0.25)
	rec.bar("team_kpis_p99_ms", p99, atMost, 25)
	return nil
}

// reportFailures prints an attack's error count; an attack that got no
// successful answer at all measured nothing.
func reportFailures(name string, m *vegeta.Metrics, rec *recorder) error {
	n, detail := failures(m)
	rec.figure(name+"_errors", float64(n), "count")
	if n > 0 {
		fmt.Printf("# %s: %d of %d requests failed: %s\n", name, n, m.Requests, detail)
	}
	if m.Requests == 0 || uint64(n) == m.Requests {
		return fmt.Errorf("%s: no request succeeded (%s)", name, detail)
	}
	return nil
}

// teamIDs lists every team of the program, as the professor sees them.
func (c *client) teamIDs(sess *session) ([]uint64, error) {
	var ids []uint64
	cursor := ""
	for {
		var page struct {
			Items []struct {
				ID uint64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		path := fmt.Sprintf("/api/v1/programs/%d/teams?limit=500&cursor=%s", sess.programID, url.QueryEscape(cursor))
		if err := c.getJSON(path, sess.professor, &page); err != nil {
			return nil, err
		}
		for _, t := range page.Items {
			ids = append(ids, t.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("program %d has no teams", sess.programID)
	}
	return ids, nil
}
