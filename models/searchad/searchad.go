// Package searchad is a client of the Naver SearchAd API (SPEC §14.1): it
// signs each request as SearchAd requires and reads a campaign's daily
// statistics from GET /stats. It knows nothing of Nalgae's database; the
// pull that stores the days is in the models root (searchad_pull.go).
package searchad

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nalgae/nalgae/models/civil"
)

// DefaultBaseURL is SearchAd's API.
const DefaultBaseURL = "https://api.searchad.naver.com"

// MaxTries bounds the tries of one request that SearchAd answers 429.
const MaxTries = 5

// maxAnswerBytes bounds what is read of an answer: a year of days is a few
// tens of KiB.
const maxAnswerBytes = 8 << 20

// StatsFields are the fields Nalgae asks /stats for.
var StatsFields = []string{"impCnt", "clkCnt", "salesAmt", "ccnt", "convAmt"}

// Credentials are a merchant's API access: the customer id (digits), the
// API key (access licence) and the secret key.
type Credentials struct {
	CustomerID string
	APIKey     string
	SecretKey  string
}

// Sign is X-Signature: Base64 of HMAC-SHA256(secret, timestamp + "." +
// method + "." + path), the secret as its UTF-8 bytes and path without its
// query string.
func Sign(secret, timestamp, method, path string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + method + "." + path))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// RefusedError is SearchAd refusing the credentials (401 or 403): retrying
// cannot help, the link must be fixed.
type RefusedError struct {
	Status  int
	Message string // SearchAd's own words, when it gave any
}

func (e *RefusedError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("SearchAd refused the credentials (HTTP %d)", e.Status)
	}
	return fmt.Sprintf("SearchAd refused the credentials (HTTP %d): %s", e.Status, e.Message)
}

// StatusError is any other answer that is not a success (a 429 after the
// last try, a 5xx, a 400 …).
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("SearchAd answered HTTP %d", e.Status)
	}
	return fmt.Sprintf("SearchAd answered HTTP %d: %s", e.Status, e.Message)
}

// Day is one day of a campaign's statistics, in Nalgae's names: impCnt →
// Impressions, clkCnt → Clicks, salesAmt (the cost, VAT included) →
// SpendKRW, ccnt → Conversions, convAmt → RevenueKRW.
type Day struct {
	Date        civil.Date
	Impressions int64
	Clicks      int64
	SpendKRW    int64
	Conversions int64
	RevenueKRW  int64
}

// Client calls SearchAd. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	backoff time.Duration
	now     func() time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (its timeout bounds each try).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithBackoff sets the wait before the second try after a 429; each later
// wait doubles it. Tests make it short.
func WithBackoff(d time.Duration) Option { return func(c *Client) { c.backoff = d } }

// WithClock sets the clock of X-Timestamp (tests).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New makes a client of the API at baseURL (DefaultBaseURL when empty); a
// path in baseURL is kept in front of every request's path, and signed.
func New(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("searchad: the base URL %q is not an http(s) URL", baseURL)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	c := &Client{base: u, http: &http.Client{Timeout: 30 * time.Second}, backoff: time.Second, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL is the API's address as configured.
func (c *Client) BaseURL() string { return c.base.String() }

// statsAnswer is what /stats answers; fields Nalgae does not read are
// ignored.
type statsAnswer struct {
	Data []map[string]json.RawMessage `json:"data"`
}

// Stats reads a campaign's days from since to until (inclusive). Days
// without activity are absent from SearchAd's answer and so from the result.
func (c *Client) Stats(ctx context.Context, cred Credentials, campaignID string, since, until civil.Date) ([]Day, error) {
	fields, _ := json.Marshal(StatsFields)
	timeRange, _ := json.Marshal(map[string]string{"since": since.String(), "until": until.String()})
	q := url.Values{}
	q.Set("id", campaignID)
	q.Set("fields", string(fields))
	q.Set("timeRange", string(timeRange))
	q.Set("timeIncrement", "1")
	body, err := c.get(ctx, cred, "/stats", q)
	if err != nil {
		return nil, err
	}
	var ans statsAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("searchad: /stats answered something that is not its JSON: %w", err)
	}
	days := make([]Day, 0, len(ans.Data))
	for i, row := range ans.Data {
		d, err := parseDay(row)
		if err != nil {
			return nil, fmt.Errorf("searchad: /stats day %d: %w", i+1, err)
		}
		days = append(days, d)
	}
	return days, nil
}

func parseDay(row map[string]json.RawMessage) (Day, error) {
	var date string
	if err := json.Unmarshal(row["dateStart"], &date); err != nil {
		return Day{}, fmt.Errorf("dateStart: %w", err)
	}
	d, err := civil.Parse(date)
	if err != nil {
		return Day{}, fmt.Errorf("dateStart %q: %w", date, err)
	}
	out := Day{Date: d}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"impCnt", &out.Impressions}, {"clkCnt", &out.Clicks}, {"salesAmt", &out.SpendKRW}, {"ccnt", &out.Conversions}, {"convAmt", &out.RevenueKRW}} {
		raw, ok := row[f.name]
		if !ok || string(raw) == "null" {
			continue // absent: none that day
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return Day{}, fmt.Errorf("%s: not a number", f.name)
		}
		v, err := wholeNumber(n)
		if err != nil {
			return Day{}, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = v
	}
	return out, nil
}

// wholeNumber reads a count or an amount in won. SearchAd sends them as
// integers; an amount with a fraction (VAT arithmetic) is rounded to the
// won, as its own reports show it.
func wholeNumber(n json.Number) (int64, error) {
	if v, err := n.Int64(); err == nil {
		if v < 0 {
			return 0, fmt.Errorf("%d is negative", v)
		}
		return v, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > math.MaxInt64/2 {
		return 0, fmt.Errorf("%s is not a whole number ≥ 0", n)
	}
	return int64(math.Round(f)), nil
}

// get sends a signed GET, retrying a 429 with a doubling backoff (or the
// server's Retry-After, when it says less than a minute) up to MaxTries.
func (c *Client) get(ctx context.Context, cred Credentials, path string, q url.Values) ([]byte, error) {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = q.Encode()
	wait := c.backoff
	for try := 1; ; try++ {
		body, status, retryAfter, err := c.try(ctx, cred, &u)
		if err != nil {
			return nil, err
		}
		switch {
		case status >= 200 && status < 300:
			return body, nil
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return nil, &RefusedError{Status: status, Message: errorMessage(body)}
		case status != http.StatusTooManyRequests || try == MaxTries:
			return nil, &StatusError{Status: status, Message: errorMessage(body)}
		}
		pause := wait
		if retryAfter > 0 && retryAfter < time.Minute {
			pause = max(pause, retryAfter)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait *= 2
	}
}

func (c *Client) try(ctx context.Context, cred Credentials, u *url.URL) ([]byte, int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("searchad: %w", err)
	}
	ts := strconv.FormatInt(c.now().UnixMilli(), 10)
	req.Header.Set("X-Timestamp", ts)
	req.Header.Set("X-API-KEY", cred.APIKey)
	req.Header.Set("X-Customer", cred.CustomerID)
	// The path as it goes on the wire: the escaped form, base path included.
	req.Header.Set("X-Signature", Sign(cred.SecretKey, ts, http.MethodGet, u.EscapedPath()))
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		// url.Error quotes the URL, which carries no key: keys travel in
		// headers only.
		return nil, 0, 0, fmt.Errorf("searchad: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("searchad: read the answer: %w", err)
	}
	if len(body) > maxAnswerBytes {
		return nil, 0, 0, errors.New("searchad: the answer is larger than 8 MiB")
	}
	var retryAfter time.Duration
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return body, res.StatusCode, retryAfter, nil
}

// errorMessage is SearchAd's error title, short and printable, or "".
func errorMessage(body []byte) string {
	var e struct {
		Title   string `json:"title"`
		Message string `json:"message"`
		Code    any    `json:"code"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := e.Title
	if msg == "" {
		msg = e.Message
	}
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, msg)
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200])
	}
	return msg
}
