package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// writeDatesFrom is the first day the concurrent writers post: after every
// seeded entry (the last is in February 2026), so that students write
// their own new days, never an approved one they may not change.
const writeDatesFrom = "2026-03-01"

// writeTarget is one POST of the concurrent-writes test.
type writeTarget struct {
	student  *student
	campaign uint64
	date     string
	body     []byte
}

// writeAt is the k-th write: writers take turns, each cycling through their
// campaigns and then the dates, so that the first pass creates days and
// later passes (if the server is that fast) update them.
func writeAt(k uint64, writers []*student, dates []string) writeTarget {
	st := writers[k%uint64(len(writers))]
	pass := k / uint64(len(writers))
	camp := st.campaigns[pass%uint64(len(st.campaigns))]
	date := dates[(pass/uint64(len(st.campaigns)))%uint64(len(dates))]
	clicks := 10 + int64(k%90)
	body, _ := json.Marshal(map[string]any{"date": date, "impressions": clicks * 40, "clicks": clicks,
		"conversions": clicks / 10, "spend_krw": clicks * 350, "revenue_krw": int64(k%1000) * 1000})
	return writeTarget{student: st, campaign: camp.ID, date: date, body: body}
}

// writeDates are the days from writeDatesFrom to yesterday in Seoul.
func writeDates(now time.Time) ([]string, error) {
	from, err := time.Parse(time.DateOnly, writeDatesFrom)
	if err != nil {
		return nil, err
	}
	kst := now.In(time.FixedZone("KST", 9*3600))
	yesterday := time.Date(kst.Year(), kst.Month(), kst.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	var dates []string
	for d := from; !d.After(yesterday); d = d.AddDate(0, 0, 1) {
		dates = append(dates, d.Format(time.DateOnly))
	}
	if len(dates) == 0 {
		return nil, fmt.Errorf("no day between %s and yesterday to write", writeDatesFrom)
	}
	return dates, nil
}

// ackedEntry is what the server answered for a write: the entry as stored.
type ackedEntry struct {
	ID         uint64 `json:"id"`
	CampaignID uint64 `json:"campaign_id"`
	Date       string `json:"date"`
	SpendKRW   int64  `json:"spend_krw"`
	RevenueKRW int64  `json:"revenue_krw"`
	Version    int64  `json:"version"`
}

// writeFigures has the writers post entries to their own campaigns at the
// maximum rate for -write-for, then reads a sample of the acknowledged
// writes back: a write the server confirmed must be in the database.
//
// With several clients (one per instance on one database) writer k posts
// through instance k mod len(clients), and reads go through the first.
func writeFigures(o options, clients []*client, sess *session, rec *recorder) error {
	c := clients[0]
	dates, err := writeDates(time.Now())
	if err != nil {
		return err
	}
	var next atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		k := next.Add(1) - 1
		w := writeAt(k, sess.writers, dates)
		via := clients[(k%uint64(len(sess.writers)))%uint64(len(clients))]
		*t = vegeta.Target{Method: http.MethodPost, URL: fmt.Sprintf("%s/api/v1/campaigns/%d/metrics", via.base, w.campaign),
			Body: w.body, Header: http.Header{"Authorization": []string{"Bearer " + w.student.token}, "Content-Type": []string{"application/json"}}}
		return nil
	}
	var mu sync.Mutex
	latest := map[string]ackedEntry{} // by campaign and date: the highest version acknowledged
	var decodeErr error
	seen := func(r *vegeta.Result) {
		if r.Code != http.StatusOK && r.Code != http.StatusCreated {
			return
		}
		var e ackedEntry
		if err := json.Unmarshal(r.Body, &e); err != nil {
			mu.Lock()
			decodeErr = fmt.Errorf("write answer %q: %w", r.Body, err)
			mu.Unlock()
			return
		}
		key := fmt.Sprintf("%d/%s", e.CampaignID, e.Date)
		mu.Lock()
		if e.Version >= latest[key].Version {
			latest[key] = e
		}
		mu.Unlock()
	}
	m := attack("concurrent_writes", targeter, uint64(len(sess.writers)), o.writeFor, seen)
	if decodeErr != nil {
		return decodeErr
	}
	n, detail := failures(m)
	if n > 0 {
		fmt.Printf("# concurrent_writes: %d of %d requests failed: %s\n", n, m.Requests, detail)
	}
	if m.Requests == 0 || uint64(n) == m.Requests {
		return fmt.Errorf("concurrent writes: no request succeeded (%s)", detail)
	}
	p99 := ms(m.Latencies.P99)
	fmt.Printf("# concurrent_writes: %d clients, %d requests, %d distinct days written\n", len(sess.writers), m.Requests, len(latest))
	rec.figure("concurrent_writes_per_s", m.Throughput, "writes/s")
	rec.figure("concurrent_writes_errors", float64(n), "count")
	rec.figure("concurrent_writes_p99_ms", p99, "ms")
	rec.bar("concurrent_writes_errors", float64(n), atMost, 0)
	rec.bar("concurrent_writes_per_s", m.Throughput, atLeast, 1000)
	rec.bar("concurrent_writes_p99_ms", p99, atMost, 250)
	return checkWrites(c, sess, latest)
}

// checkWrites reads back up to 100 acknowledged days, spread over all.
func checkWrites(c *client, sess *session, latest map[string]ackedEntry) error {
	step := max(1, len(latest)/100)
	i, checked := 0, 0
	for _, want := range latest {
		i++
		if i%step != 0 {
			continue
		}
		var page struct {
			Items []ackedEntry `json:"items"`
		}
		path := fmt.Sprintf("/api/v1/campaigns/%d/metrics?from=%s&to=%s", want.CampaignID, want.Date, want.Date)
		if err := c.getJSON(path, sess.professor, &page); err != nil {
			return err
		}
		if len(page.Items) != 1 || page.Items[0] != want {
			return fmt.Errorf("acknowledged write %+v is not what the database holds: %+v", want, page.Items)
		}
		checked++
	}
	fmt.Printf("# concurrent_writes: %d acknowledged days read back intact\n", checked)
	return nil
}
