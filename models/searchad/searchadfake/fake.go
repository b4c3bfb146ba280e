// Package searchadfake is a local stand-in for the Naver SearchAd API's
// GET /stats, for tests and for `nalgae searchad-fake` (a newcomer's demo
// of a pull without a real account). It is not SearchAd: it checks every
// request's signature as SearchAd does (refusing a wrong one with 401) and
// answers days with SearchAd's field names, plus a few fields Nalgae does
// not read, as the real answer has.
package searchadfake

import (
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/searchad"
)

// Account is a customer the fake knows, with its campaigns' days.
type Account struct {
	CustomerID string
	APIKey     string
	SecretKey  string
	// Campaigns maps a SearchAd campaign id to its days.
	Campaigns map[string][]searchad.Day
}

// Server is the stand-in. Its zero value is not usable; use New.
type Server struct {
	// Prefix is the path the API sits under ("" at the root), so that a
	// test can check that a base URL's path is signed too.
	Prefix string

	mu       sync.Mutex
	accounts map[string]*Account
	throttle int // answer 429 to this many more requests
	requests int
	refused  int
}

// New makes a stand-in serving these accounts.
func New(accounts ...*Account) *Server {
	s := &Server{accounts: map[string]*Account{}}
	for _, a := range accounts {
		s.accounts[a.CustomerID] = a
	}
	return s
}

// Throttle makes the next n requests answer 429.
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle = n
}

// Requests counts the requests served; Refused those refused 401/403.
func (s *Server) Requests() (all, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.refused
}

// maxClockSkew is how far X-Timestamp may be from the server's clock.
const maxClockSkew = 5 * time.Minute

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.throttle > 0 {
		s.throttle--
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 1016, "title": "Too many requests"})
		return
	}
	acc, status, title := s.authenticate(r)
	if status != 0 {
		s.refused++
		writeJSON(w, status, map[string]any{"code": 1002, "title": title})
		return
	}
	if r.Method != http.MethodGet || r.URL.Path != s.Prefix+"/stats" {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "title": "No such resource"})
		return
	}
	s.stats(w, r.URL.Query(), acc)
}

// authenticate checks the four headers as SearchAd does.
func (s *Server) authenticate(r *http.Request) (*Account, int, string) {
	acc, ok := s.accounts[r.Header.Get("X-Customer")]
	if !ok {
		return nil, http.StatusUnauthorized, "Unknown customer"
	}
	if r.Header.Get("X-API-KEY") != acc.APIKey {
		return nil, http.StatusUnauthorized, "Invalid API key"
	}
	ts := r.Header.Get("X-Timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.UnixMilli(ms)).Abs() > maxClockSkew {
		return nil, http.StatusUnauthorized, "Invalid timestamp"
	}
	want := searchad.Sign(acc.SecretKey, ts, r.Method, r.URL.EscapedPath())
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Signature"))) {
		return nil, http.StatusUnauthorized, "Invalid signature"
	}
	return acc, 0, ""
}

func (s *Server) stats(w http.ResponseWriter, q url.Values, acc *Account) {
	var fields []string
	var tr struct{ Since, Until string }
	if err := json.Unmarshal([]byte(q.Get("fields")), &fields); err != nil || len(fields) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 11001, "title": "Invalid fields"})
		return
	}
	if err := json.Unmarshal([]byte(q.Get("timeRange")), &tr); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 11001, "title": "Invalid timeRange"})
		return
	}
	from, err := civil.Parse(tr.Since)
	to, err2 := civil.Parse(tr.Until)
	if err != nil || err2 != nil || to.Before(from) || q.Get("timeIncrement") != "1" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 11001, "title": "Invalid timeRange or timeIncrement"})
		return
	}
	days, ok := acc.Campaigns[q.Get("id")]
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 1018, "title": "No such campaign"})
		return
	}
	want := map[string]bool{}
	for _, f := range fields {
		want[f] = true
	}
	sorted := append([]searchad.Day(nil), days...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Date.Before(sorted[j].Date) })
	data := []map[string]any{}
	var sum searchad.Day
	for _, d := range sorted {
		if d.Date.Before(from) || d.Date.After(to) {
			continue
		}
		row := map[string]any{"dateStart": d.Date.String(), "dateEnd": d.Date.String(),
			// Fields SearchAd sends that Nalgae does not read.
			"id": q.Get("id"), "ctr": ratio(d.Clicks, d.Impressions), "cpc": ratio(d.SpendKRW, d.Clicks), "crto": ratio(d.Conversions, d.Clicks)}
		for name, v := range map[string]int64{"impCnt": d.Impressions, "clkCnt": d.Clicks, "salesAmt": d.SpendKRW, "ccnt": d.Conversions, "convAmt": d.RevenueKRW} {
			if want[name] {
				row[name] = v
			}
		}
		data = append(data, row)
		sum.Impressions += d.Impressions
		sum.Clicks += d.Clicks
		sum.SpendKRW += d.SpendKRW
		sum.Conversions += d.Conversions
		sum.RevenueKRW += d.RevenueKRW
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"summary": map[string]any{"impCnt": sum.Impressions, "clkCnt": sum.Clicks, "salesAmt": sum.SpendKRW, "ccnt": sum.Conversions,
			"convAmt": sum.RevenueKRW, "dateStart": from.String(), "dateEnd": to.String()},
		"data": data,
	})
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(int64(float64(a)/float64(b)*10000)) / 100
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// DemoAccount is a made-up account with one campaign of daily numbers from
// start for n days, the same every run (for `nalgae searchad-fake`).
func DemoAccount(customerID, apiKey, secretKey, campaignID string, start civil.Date, n int) *Account {
	days := make([]searchad.Day, 0, n)
	for i := range n {
		imp := int64(1800 + (i*373)%900)
		clk := imp * int64(3+i%3) / 100
		spend := clk * int64(310+(i*17)%90)
		conv := clk / 12
		days = append(days, searchad.Day{Date: start.AddDays(i), Impressions: imp, Clicks: clk, SpendKRW: spend,
			Conversions: conv, RevenueKRW: conv * 23000})
	}
	return &Account{CustomerID: customerID, APIKey: apiKey, SecretKey: secretKey, Campaigns: map[string][]searchad.Day{campaignID: days}}
}
