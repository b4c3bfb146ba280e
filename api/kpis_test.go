package api

// The KPI endpoints are checked against an oracle written from SPEC §2 alone:
// random programs are built through the store, the raw rows are read back with
// plain SQL, and sums, ratios, windows, proration and growth are recomputed
// here without models/kpi or models/kpis.go, so that a mistake shared by the
// engine and its own unit tests cannot hide.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// ktSeeds are the random worlds TestKPIMatchesIndependentComputation builds.
// A failure names its seed; run it alone with -run 'TestKPIMatches.*/seed=N'.
var ktSeeds = []uint64{1, 2, 3, 20251008, 629}

// ktDay is a calendar day as days since 1970-01-01, so that the oracle's
// window arithmetic is integer arithmetic, independent of models/civil.
type ktDay int

func ktParseDay(t testing.TB, s string) ktDay {
	t.Helper()
	tm, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("parse day %q: %v", s, err)
	}
	return ktDay(tm.Unix() / 86400)
}

func (d ktDay) String() string { return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02") }

// civil converts for the store's inputs only.
func (d ktDay) civil() *civil.Date { c := civil.MustParse(d.String()); return &c }

// ktNullDay scans a DATE column whatever the driver hands back.
type ktNullDay struct {
	day   ktDay
	valid bool
}

func (n *ktNullDay) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		n.valid = false
		return nil
	case time.Time:
		s = v.Format("2006-01-02")
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("unexpected date %T", src)
	}
	if len(s) < 10 {
		return fmt.Errorf("short date %q", s)
	}
	tm, err := time.Parse("2006-01-02", s[:10])
	if err != nil {
		return err
	}
	n.day, n.valid = ktDay(tm.Unix()/86400), true
	return nil
}

// The raw rows, as read back with plain SQL.
type (
	ktTeam struct {
		ID           uint64
		Name         string
		MerchantName string
	}
	ktCampaign struct {
		ID, TeamID uint64
		Kind       string
		Start      ktDay
		End        ktNullDay
	}
	ktEntry struct {
		CampaignID                                                      uint64
		Date                                                            ktDay
		Status                                                          string
		SpendKRW, RevenueKRW, Impressions, Clicks, Conversions, Viewers int64
	}
	ktSales struct {
		TeamID     uint64
		Start, End ktDay
		SalesKRW   int64
		Status     string
	}
)

// ktData is one program as stored, with the day the server takes for today.
type ktData struct {
	today      ktDay
	programID  uint64
	programEnd ktDay
	teams      []ktTeam
	campaigns  []ktCampaign
	entries    []ktEntry
	sales      []ktSales
	// SPEC §10 (kpis_methods_test.go): teams holds the participating teams only.
	comparisons []uint64
	targets     []ktTarget
}

// ktRows runs a query and hands each row to scan.
func ktRows(t testing.TB, env *testEnv, scan func(*sql.Rows) error, query string, args ...any) {
	t.Helper()
	rows, err := env.db.Raw(query, args...).Rows()
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatalf("scan %q: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows %q: %v", query, err)
	}
}

// ktLoad reads a program's raw rows back from the database.
func ktLoad(t testing.TB, env *testEnv, programID uint64, today ktDay) *ktData {
	t.Helper()
	d := &ktData{today: today, programID: programID}
	ktRows(t, env, func(r *sql.Rows) error {
		var end ktNullDay
		if err := r.Scan(&end); err != nil {
			return err
		}
		d.programEnd = end.day
		return nil
	}, "SELECT ends_on FROM programs WHERE id = ?", programID)
	ktRows(t, env, func(r *sql.Rows) error {
		var tm ktTeam
		if err := r.Scan(&tm.ID, &tm.Name, &tm.MerchantName); err != nil {
			return err
		}
		d.teams = append(d.teams, tm)
		return nil
	}, "SELECT t.id, t.name, m.name FROM teams t JOIN merchants m ON m.id = t.merchant_id WHERE t.program_id = ? ORDER BY t.id", programID)
	ktRows(t, env, func(r *sql.Rows) error {
		var c ktCampaign
		var start ktNullDay
		if err := r.Scan(&c.ID, &c.TeamID, &c.Kind, &start, &c.End); err != nil {
			return err
		}
		c.Start = start.day
		d.campaigns = append(d.campaigns, c)
		return nil
	}, "SELECT c.id, c.team_id, c.kind, c.starts_on, c.ends_on FROM campaigns c JOIN teams t ON t.id = c.team_id WHERE t.program_id = ? ORDER BY c.id", programID)
	ktRows(t, env, func(r *sql.Rows) error {
		var e ktEntry
		var day ktNullDay
		var viewers sql.NullInt64
		if err := r.Scan(&e.CampaignID, &day, &e.Status, &e.SpendKRW, &e.RevenueKRW, &e.Impressions, &e.Clicks, &e.Conversions, &viewers); err != nil {
			return err
		}
		e.Date, e.Viewers = day.day, viewers.Int64
		d.entries = append(d.entries, e)
		return nil
	}, `SELECT e.campaign_id, e.date, e.status, e.spend_krw, e.revenue_krw, e.impressions, e.clicks, e.conversions, e.viewers
		FROM metric_entries e JOIN campaigns c ON c.id = e.campaign_id JOIN teams t ON t.id = c.team_id WHERE t.program_id = ?`, programID)
	ktRows(t, env, func(r *sql.Rows) error {
		var s ktSales
		var start, end ktNullDay
		if err := r.Scan(&s.TeamID, &start, &end, &s.SalesKRW, &s.Status); err != nil {
			return err
		}
		s.Start, s.End = start.day, end.day
		d.sales = append(d.sales, s)
		return nil
	}, `SELECT s.team_id, s.period_start, s.period_end, s.sales_krw, s.status
		FROM sales_records s JOIN teams t ON t.id = s.team_id WHERE t.program_id = ?`, programID)
	ktLoadPart2(t, env, d)
	return d
}

// ---- the oracle: SPEC §2 written from scratch ----

type ktStatusSet map[string]bool

func ktStatusesOf(list []string) ktStatusSet {
	out := ktStatusSet{}
	for _, s := range list {
		out[s] = true
	}
	return out
}

var ktAllStatuses = []string{"draft", "submitted", "approved", "returned"}

type ktSums struct{ Spend, Revenue, Impressions, Clicks, Conversions, Viewers int64 }

// sums adds up the counted entries of the campaigns keep accepts.
func (d *ktData) sums(counted ktStatusSet, keep func(ktCampaign) bool) ktSums {
	byID := map[uint64]ktCampaign{}
	for _, c := range d.campaigns {
		byID[c.ID] = c
	}
	var s ktSums
	for _, e := range d.entries {
		if !counted[e.Status] || !keep(byID[e.CampaignID]) {
			continue
		}
		s.Spend += e.SpendKRW
		s.Revenue += e.RevenueKRW
		s.Impressions += e.Impressions
		s.Clicks += e.Clicks
		s.Conversions += e.Conversions
		s.Viewers += e.Viewers
	}
	return s
}

func (d *ktData) campaignsWhere(keep func(ktCampaign) bool) []ktCampaign {
	var out []ktCampaign
	for _, c := range d.campaigns {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

type ktWindows struct{ BeforeFrom, BeforeTo, AfterFrom, AfterTo ktDay }

// equalBefore is the window of the same length ending the day before from.
func ktEqualBefore(from, to ktDay) ktWindows {
	n := to - from + 1
	return ktWindows{from - n, from - 1, from, to}
}

// defaultWindows: after runs from the earliest start S to the latest end E
// (program end for an open campaign), never after today; none when E < S.
func (d *ktData) defaultWindows(cs []ktCampaign) *ktWindows {
	if len(cs) == 0 {
		return nil
	}
	s, e := cs[0].Start, ktDay(math.MinInt32)
	for _, c := range cs {
		s = min(s, c.Start)
		end := d.programEnd
		if c.End.valid {
			end = c.End.day
		}
		e = max(e, end)
	}
	e = min(e, d.today)
	if e < s {
		return nil
	}
	w := ktEqualBefore(s, e)
	return &w
}

// prorated is a team's counted sales inside [from,to], each record adding in
// proportion to the days it shares with the window; exact.
func (d *ktData) prorated(teamID uint64, counted ktStatusSet, from, to ktDay) *big.Rat {
	total := new(big.Rat)
	for _, r := range d.sales {
		if r.TeamID != teamID || !counted[r.Status] {
			continue
		}
		lo, hi := max(r.Start, from), min(r.End, to)
		if hi < lo {
			continue
		}
		total.Add(total, new(big.Rat).SetFrac(
			new(big.Int).Mul(big.NewInt(r.SalesKRW), big.NewInt(int64(hi-lo+1))),
			big.NewInt(int64(r.End-r.Start+1))))
	}
	return total
}

// ktGrowth is what a KPI answer should say about sales growth.
type ktGrowth struct {
	windows       *ktWindows // nil: nothing to compare
	before, after *big.Rat
	pct           *float64
	partial       bool // some record was cut by a window's border
}

func (d *ktData) growth(teamID uint64, counted ktStatusSet, w *ktWindows) ktGrowth {
	if w == nil {
		return ktGrowth{}
	}
	g := ktGrowth{windows: w, before: d.prorated(teamID, counted, w.BeforeFrom, w.BeforeTo), after: d.prorated(teamID, counted, w.AfterFrom, w.AfterTo)}
	for _, r := range d.sales {
		for _, win := range [][2]ktDay{{w.BeforeFrom, w.BeforeTo}, {w.AfterFrom, w.AfterTo}} {
			lo, hi := max(r.Start, win[0]), min(r.End, win[1])
			if r.TeamID == teamID && counted[r.Status] && r.SalesKRW > 0 && lo <= hi && (lo > r.Start || hi < r.End) {
				g.partial = true
			}
		}
	}
	if g.before.Sign() != 0 {
		r := new(big.Rat).Sub(g.after, g.before)
		r.Quo(r, g.before)
		r.Mul(r, big.NewRat(100, 1))
		f, _ := r.Float64()
		g.pct = &f
	}
	return g
}

// ktRatio is num/den*scale, nil for a zero denominator; exact, then rounded once.
func ktRatio(num, den, scale int64) *float64 {
	if den == 0 {
		return nil
	}
	f, _ := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(num), big.NewInt(scale)), big.NewInt(den)).Float64()
	return &f
}

func (s ktSums) ratios() map[string]*float64 {
	return map[string]*float64{
		"roas_pct":               ktRatio(s.Revenue, s.Spend, 100),
		"ctr_pct":                ktRatio(s.Clicks, s.Impressions, 100),
		"cpc_krw":                ktRatio(s.Spend, s.Clicks, 1),
		"cvr_pct":                ktRatio(s.Conversions, s.Clicks, 100),
		"cpa_krw":                ktRatio(s.Spend, s.Conversions, 1),
		"aov_krw":                ktRatio(s.Revenue, s.Conversions, 1),
		"live_conversion_pct":    ktRatio(s.Conversions, s.Viewers, 100),
		"revenue_per_viewer_krw": ktRatio(s.Revenue, s.Viewers, 1),
	}
}

func (s ktSums) amounts() map[string]int64 {
	return map[string]int64{"spend_krw": s.Spend, "revenue_krw": s.Revenue, "impressions": s.Impressions,
		"clicks": s.Clicks, "conversions": s.Conversions, "viewers": s.Viewers}
}

// ---- comparing answers with the oracle ----

// ktChecker reports mismatches, and stops a subtest drowning in them. seen
// counts the situations the compared answers covered, so that a generator
// that stopped producing, say, null ROAS would be noticed.
type ktChecker struct {
	t     *testing.T
	fails int
	seen  map[string]int
}

func (c *ktChecker) saw(situation string, happened bool) {
	if happened {
		if c.seen == nil {
			c.seen = map[string]int{}
		}
		c.seen[situation]++
	}
}

// ktSituations must each occur in some compared answer over all seeds.
var ktSituations = []string{
	"roas null", "roas number", "ctr null with clicks", "live ratios", "kind present with zero sums",
	"no windows", "growth null with windows", "ad roas null", "ad roas differs from total roas", "growth number", "record cut by a window border",
	"last year's growth number", "seasonally adjusted number", "comparison number", "comparison null with windows",
	"target met", "target behind", "target no_data",
}

func (c *ktChecker) errorf(format string, args ...any) {
	c.t.Helper()
	c.fails++
	c.t.Errorf(format, args...)
	if c.fails >= 25 {
		c.t.Fatalf("stopping after %d mismatches", c.fails)
	}
}

// ktGet fetches a JSON object, numbers kept exact.
func ktGet(t testing.TB, env *testEnv, token, path string) map[string]any {
	t.Helper()
	rec := env.do("GET", path, nil, token)
	expectStatus(t, rec, http.StatusOK)
	return ktDecode(t, rec.Body.Bytes())
}

func ktDecode(t testing.TB, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

func ktObject(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// ktSame compares floats with a relative tolerance of 1e-9.
func ktSame(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func (c *ktChecker) int(label string, m map[string]any, key string, want int64) {
	c.t.Helper()
	n, ok := m[key].(json.Number)
	if !ok {
		c.errorf("%s.%s = %v, want the integer %d", label, key, m[key], want)
		return
	}
	got, err := n.Int64()
	if err != nil || got != want {
		c.errorf("%s.%s = %s, want %d", label, key, n, want)
	}
}

func (c *ktChecker) optFloat(label string, m map[string]any, key string, want *float64) {
	c.t.Helper()
	v, present := m[key]
	if !present {
		c.errorf("%s.%s is missing", label, key)
		return
	}
	if want == nil {
		if v != nil {
			c.errorf("%s.%s = %v, want null", label, key, v)
		}
		return
	}
	n, ok := v.(json.Number)
	if !ok {
		c.errorf("%s.%s = %v, want %v", label, key, v, *want)
		return
	}
	got, err := n.Float64()
	if err != nil || !ktSame(got, *want) {
		c.errorf("%s.%s = %s, want %v", label, key, n, *want)
	}
}

// block compares a SPEC §4 KPI block with the oracle's sums.
func (c *ktChecker) block(label string, v any, want ktSums) {
	c.t.Helper()
	m, ok := ktObject(v)
	if !ok {
		c.errorf("%s is %v, want a KPI block", label, v)
		return
	}
	for k, w := range want.amounts() {
		c.int(label, m, k, w)
	}
	ratios := want.ratios()
	for k, w := range ratios {
		c.optFloat(label, m, k, w)
	}
	c.saw("roas null", ratios["roas_pct"] == nil)
	c.saw("roas number", ratios["roas_pct"] != nil)
	c.saw("ctr null with clicks", ratios["ctr_pct"] == nil && want.Clicks > 0)
	c.saw("live ratios", ratios["live_conversion_pct"] != nil)
}

// byKind compares by_kind: exactly the kinds that have campaigns.
func (c *ktChecker) byKind(label string, v any, d *ktData, counted ktStatusSet, cs []ktCampaign) {
	c.t.Helper()
	want := map[string]bool{}
	for _, cp := range cs {
		want[cp.Kind] = true
	}
	m, ok := ktObject(v)
	if !ok && !(v == nil && len(want) == 0) {
		c.errorf("%s.by_kind = %v, want an object", label, v)
		return
	}
	for k := range m {
		if !want[k] {
			c.errorf("%s.by_kind has %q, a kind without campaigns there", label, k)
		}
	}
	ids := map[uint64]bool{}
	for _, cp := range cs {
		ids[cp.ID] = true
	}
	for k := range want {
		if _, ok := m[k]; !ok {
			c.errorf("%s.by_kind lacks %q", label, k)
			continue
		}
		sums := d.sums(counted, func(cp ktCampaign) bool { return ids[cp.ID] && cp.Kind == k })
		c.saw("kind present with zero sums", sums == ktSums{})
		c.block(label+".by_kind."+k, m[k], sums)
	}
}

// growth compares sales_growth_pct, the two amounts and the windows.
func (c *ktChecker) growth(label string, m map[string]any, want ktGrowth) {
	c.t.Helper()
	c.optFloat(label, m, "sales_growth_pct", want.pct)
	c.saw("no windows", want.windows == nil)
	c.saw("growth null with windows", want.windows != nil && want.pct == nil)
	c.saw("growth number", want.pct != nil)
	c.saw("record cut by a window border", want.partial)
	if want.windows == nil {
		if m["windows"] != nil {
			c.errorf("%s.windows = %v, want null (nothing to compare)", label, m["windows"])
		}
		// SPEC is silent on the amounts then: null or 0 both read as "none".
		for _, k := range []string{"sales_before_krw", "sales_after_krw"} {
			if v := m[k]; v != nil && v != json.Number("0") {
				c.errorf("%s.%s = %v, want null or 0 without windows", label, k, v)
			}
		}
		return
	}
	w, ok := ktObject(m["windows"])
	if !ok {
		c.errorf("%s.windows = %v, want %+v", label, m["windows"], *want.windows)
	} else {
		for k, day := range map[string]ktDay{"before_from": want.windows.BeforeFrom, "before_to": want.windows.BeforeTo,
			"after_from": want.windows.AfterFrom, "after_to": want.windows.AfterTo} {
			if w[k] != day.String() {
				c.errorf("%s.windows.%s = %v, want %s", label, k, w[k], day)
			}
		}
	}
	// The amounts are whole won: within half a won of the exact prorated sum.
	half := big.NewRat(1, 2)
	for k, exact := range map[string]*big.Rat{"sales_before_krw": want.before, "sales_after_krw": want.after} {
		n, ok := m[k].(json.Number)
		got, err := n.Int64()
		if !ok || err != nil {
			c.errorf("%s.%s = %v, want ≈%s", label, k, m[k], exact.FloatString(2))
			continue
		}
		diff := new(big.Rat).Sub(big.NewRat(got, 1), exact)
		if diff.Abs(diff).Cmp(half) > 0 {
			c.errorf("%s.%s = %d, want %s rounded", label, k, got, exact.FloatString(2))
		}
	}
}

func (c *ktChecker) counted(label string, m map[string]any, want []string) {
	c.t.Helper()
	raw, ok := m["counted_statuses"].([]any)
	if !ok {
		c.errorf("%s.counted_statuses = %v, want %v", label, m["counted_statuses"], want)
		return
	}
	var got []string
	for _, s := range raw {
		str, _ := s.(string)
		got = append(got, str)
	}
	g, w := append([]string(nil), got...), append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, ",") != strings.Join(w, ",") {
		c.errorf("%s.counted_statuses = %v, want %v (any order)", label, got, want)
	}
}

func (c *ktChecker) id(label string, m map[string]any, key string, want uint64) {
	c.t.Helper()
	c.int(label, m, key, int64(want))
}

// ktVariant is one way of asking: statuses= and windows.
type ktVariant struct {
	name     string
	query    url.Values
	statuses []string   // nil: the endpoint's default
	windows  *ktWindows // explicit (or derived from after_* alone); nil: defaults
}

func (v ktVariant) counted(def []string) []string {
	if v.statuses == nil {
		return def
	}
	return v.statuses
}

func (v ktVariant) path(base string) string {
	if len(v.query) == 0 {
		return base
	}
	return base + "?" + v.query.Encode()
}

// ktVariants are the status filters and windows each endpoint is asked with.
func ktVariants(rng *rand.Rand, lo, hi ktDay) []ktVariant {
	vs := []ktVariant{{name: "default"}, {name: "empty statuses= is the default", query: url.Values{"statuses": {""}}}}
	for _, s := range ktAllStatuses {
		vs = append(vs, ktVariant{name: s, query: url.Values{"statuses": {s}}, statuses: []string{s}})
	}
	for _, combo := range []string{"approved,submitted", " returned , draft", "draft,submitted,approved,returned"} {
		var list []string
		for _, p := range strings.Split(combo, ",") {
			list = append(list, strings.TrimSpace(p))
		}
		vs = append(vs, ktVariant{name: combo, query: url.Values{"statuses": {combo}}, statuses: list})
	}
	window := func() (ktDay, ktDay) {
		from := lo + ktDay(rng.IntN(int(hi-lo)+1))
		to := min(from+ktDay(rng.IntN(60)), hi)
		return from, to
	}
	explicit := func(name string, statuses []string) ktVariant {
		bf, bt := window()
		af, at := window()
		w := ktWindows{bf, bt, af, at}
		q := url.Values{"before_from": {bf.String()}, "before_to": {bt.String()}, "after_from": {af.String()}, "after_to": {at.String()}}
		if statuses != nil {
			q.Set("statuses", strings.Join(statuses, ","))
		}
		return ktVariant{name: name, query: q, statuses: statuses, windows: &w}
	}
	afterOnly := func(name string, statuses []string) ktVariant {
		af, at := window()
		w := ktEqualBefore(af, at)
		q := url.Values{"after_from": {af.String()}, "after_to": {at.String()}}
		if statuses != nil {
			q.Set("statuses", strings.Join(statuses, ","))
		}
		return ktVariant{name: name, query: q, statuses: statuses, windows: &w}
	}
	vs = append(vs,
		explicit("explicit windows", nil),
		explicit("explicit windows, approved", []string{"approved"}),
		explicit("explicit windows, draft+returned", []string{"draft", "returned"}),
		afterOnly("after window alone", nil),
		afterOnly("after window alone, submitted+approved", []string{"submitted", "approved"}),
	)
	return vs
}

// checkCampaign compares GET /campaigns/{id}/kpis with the oracle.
func (c *ktChecker) checkCampaign(env *testEnv, token string, d *ktData, cp ktCampaign, v ktVariant) {
	c.t.Helper()
	label := fmt.Sprintf("campaign %d [%s]", cp.ID, v.name)
	m := ktGet(c.t, env, token, v.path("/api/v1/campaigns/"+itoa(cp.ID)+"/kpis"))
	statuses := v.counted(ktAllStatuses)
	counted := ktStatusesOf(statuses)
	c.id(label, m, "campaign_id", cp.ID)
	c.counted(label, m, statuses)
	c.block(label+".total", m["total"], d.sums(counted, func(x ktCampaign) bool { return x.ID == cp.ID }))
	w := v.windows
	if w == nil {
		w = d.defaultWindows([]ktCampaign{cp})
	}
	c.growth(label, m, d.growth(cp.TeamID, counted, w))
	c.methods(label, m, d, cp.TeamID, counted, w)
}

// ktAdKind is SPEC §2's advertising kinds, written out here rather than
// taken from models so that the oracle stays independent.
func ktAdKind(kind string) bool { return kind == "search_ad" || kind == "shopping_ad" }

// adRoas compares ad_roas_pct with the advertising kinds' own sums: revenue
// ÷ spend × 100, null without their spend; and notes when it differs from the
// total's ROAS (revenue no ad bought), so that the worlds keep covering it.
func (c *ktChecker) adRoas(label string, m map[string]any, ads ktSums) {
	c.t.Helper()
	want := ktRatio(ads.Revenue, ads.Spend, 100)
	c.optFloat(label, m, "ad_roas_pct", want)
	c.saw("ad roas null", want == nil)
	total, _ := ktObject(m["total"])
	if total == nil {
		total, _ = ktObject(m["totals"])
	}
	if n, ok := total["roas_pct"].(json.Number); ok && want != nil {
		f, _ := n.Float64()
		c.saw("ad roas differs from total roas", !ktSame(f, *want))
	}
}

// checkTeamFields compares a team's KPI fields, in a team answer or a report row.
func (c *ktChecker) checkTeamFields(label string, m map[string]any, d *ktData, teamID uint64, counted ktStatusSet, v ktVariant) {
	c.t.Helper()
	cs := d.campaignsWhere(func(x ktCampaign) bool { return x.TeamID == teamID })
	c.block(label+".total", m["total"], d.sums(counted, func(x ktCampaign) bool { return x.TeamID == teamID }))
	c.byKind(label, m["by_kind"], d, counted, cs)
	c.adRoas(label, m, d.sums(counted, func(x ktCampaign) bool { return x.TeamID == teamID && ktAdKind(x.Kind) }))
	w := v.windows
	if w == nil {
		w = d.defaultWindows(cs)
	}
	c.growth(label, m, d.growth(teamID, counted, w))
	c.methods(label, m, d, teamID, counted, w)
}

// checkTeam compares GET /teams/{id}/kpis with the oracle.
func (c *ktChecker) checkTeam(env *testEnv, token string, d *ktData, team ktTeam, v ktVariant) {
	c.t.Helper()
	label := fmt.Sprintf("team %d [%s]", team.ID, v.name)
	m := ktGet(c.t, env, token, v.path("/api/v1/teams/"+itoa(team.ID)+"/kpis"))
	statuses := v.counted(ktAllStatuses)
	c.id(label, m, "team_id", team.ID)
	c.counted(label, m, statuses)
	c.checkTeamFields(label, m, d, team.ID, ktStatusesOf(statuses), v)
	c.targets(label, m, d, team.ID, nil)
}

// checkReport compares GET /programs/{id}/report with the oracle.
func (c *ktChecker) checkReport(env *testEnv, token string, d *ktData, v ktVariant) {
	c.t.Helper()
	label := fmt.Sprintf("report [%s]", v.name)
	m := ktGet(c.t, env, token, v.path("/api/v1/programs/"+itoa(d.programID)+"/report"))
	statuses := v.counted([]string{"approved"})
	counted := ktStatusesOf(statuses)
	all := func(ktCampaign) bool { return true }
	c.id(label, m, "program_id", d.programID)
	c.counted(label, m, statuses)
	c.block(label+".totals", m["totals"], d.sums(counted, all))
	c.byKind(label, m["by_kind"], d, counted, d.campaigns)
	c.adRoas(label, m, d.sums(counted, func(x ktCampaign) bool { return ktAdKind(x.Kind) }))

	rows, _ := m["teams"].([]any)
	if len(rows) != len(d.teams) {
		c.errorf("%s has %d team rows, want %d", label, len(rows), len(d.teams))
	}
	seen := map[uint64]bool{}
	summary := map[string]int{}
	for i, r := range rows {
		row, ok := ktObject(r)
		if !ok {
			c.errorf("%s.teams[%d] = %v", label, i, r)
			continue
		}
		n, _ := row["team_id"].(json.Number)
		id, _ := n.Int64()
		var team *ktTeam
		for j := range d.teams {
			if d.teams[j].ID == uint64(id) {
				team = &d.teams[j]
			}
		}
		if team == nil || seen[uint64(id)] {
			c.errorf("%s.teams[%d].team_id = %v, not a team of the program or repeated", label, i, row["team_id"])
			continue
		}
		seen[team.ID] = true
		rl := fmt.Sprintf("%s.teams[team %d]", label, team.ID)
		if row["team_name"] != team.Name || row["merchant_name"] != team.MerchantName {
			c.errorf("%s names = %v / %v, want %s / %s", rl, row["team_name"], row["merchant_name"], team.Name, team.MerchantName)
		}
		c.checkTeamFields(rl, row, d, team.ID, counted, v)
		c.targets(rl, row, d, team.ID, summary)
	}
	c.summary(label, m, summary)
	c.programMethods(label, m, d, counted, v)

	// series: one point per day with counted entries, by date; a day whose
	// counted entries sum to zero may be left out.
	type point struct{ spend, revenue int64 }
	want := map[ktDay]point{}
	for _, e := range d.entries {
		if counted[e.Status] {
			p := want[e.Date]
			p.spend += e.SpendKRW
			p.revenue += e.RevenueKRW
			want[e.Date] = p
		}
	}
	series, ok := m["series"].([]any)
	if !ok && !(m["series"] == nil && len(want) == 0) {
		c.errorf("%s.series = %v, want a list", label, m["series"])
	}
	got := map[ktDay]bool{}
	last := ""
	for i, s := range series {
		pt, _ := ktObject(s)
		date, _ := pt["date"].(string)
		if date <= last {
			c.errorf("%s.series[%d].date = %q after %q: not in ascending date order", label, i, date, last)
		}
		last = date
		day := ktParseDay(c.t, date)
		w, exists := want[day]
		if !exists {
			c.errorf("%s.series has %s, a day without counted entries", label, date)
			continue
		}
		got[day] = true
		c.int(label+".series["+date+"]", pt, "spend_krw", w.spend)
		c.int(label+".series["+date+"]", pt, "revenue_krw", w.revenue)
	}
	for day, w := range want {
		if !got[day] && (w.spend != 0 || w.revenue != 0) {
			c.errorf("%s.series lacks %s (spend %d, revenue %d)", label, day, w.spend, w.revenue)
		}
	}
}

// ---- random worlds built through the store ----

var ktKinds = []models.Kind{models.KindSearchAd, models.KindShoppingAd, models.KindLiveCommerce,
	models.KindSmartStore, models.KindShortClip, models.KindSNS}

// ktBuilder creates fixtures as an admin, failing the test on any error.
type ktBuilder struct {
	t     testing.TB
	env   *testEnv
	ctx   context.Context
	actor models.Actor
	admin *models.User
}

func ktNewBuilder(t testing.TB, env *testEnv, today ktDay) *ktBuilder {
	t.Helper()
	env.store.SetToday(func() civil.Date { return *today.civil() })
	b := &ktBuilder{t: t, env: env, ctx: context.Background()}
	email, name, role, pw := "kpi-admin@test.nalgae", "KPI 관리자", models.RoleAdmin, "correct-horse-battery"
	u, err := env.store.CreateUser(b.ctx, models.Actor{Role: models.RoleAdmin, IP: "test"}, models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw})
	b.must(err)
	b.admin, b.actor = u, models.Actor{UserID: u.ID, Role: models.RoleAdmin, IP: "test"}
	return b
}

func (b *ktBuilder) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("build fixture: %v", err)
	}
}

func (b *ktBuilder) program(name string, start, end ktDay) uint64 {
	b.t.Helper()
	city, status := "부산광역시", models.ProgramActive
	p, err := b.env.store.CreateProgram(b.ctx, b.actor, models.ProgramInput{Name: &name, City: &city, StartsOn: start.civil(), EndsOn: end.civil(), Status: &status})
	b.must(err)
	return p.ID
}

func (b *ktBuilder) team(programID uint64, name string) uint64 {
	b.t.Helper()
	mname := name + " 상점"
	m, err := b.env.store.CreateMerchant(b.ctx, b.actor, models.MerchantInput{Name: &mname})
	b.must(err)
	tm, err := b.env.store.CreateTeam(b.ctx, b.actor, programID, models.TeamInput{Name: &name, MerchantID: &m.ID})
	b.must(err)
	return tm.ID
}

// campaign creates a campaign; end nil leaves ends_on empty.
func (b *ktBuilder) campaign(teamID uint64, kind models.Kind, start ktDay, end *ktDay) uint64 {
	b.t.Helper()
	name := string(kind) + " " + start.String()
	in := models.CampaignInput{Kind: &kind, Name: &name, StartsOn: start.civil()}
	if end != nil {
		in.EndsOn = end.civil()
	}
	c, err := b.env.store.CreateCampaign(b.ctx, b.actor, teamID, in)
	b.must(err)
	return c.ID
}

// ktFields are one day's numbers; nil live fields are left out.
type ktFields struct {
	spend, revenue, impressions, clicks, conversions int64
	viewers, peak, likes, comments, duration         *int64
}

// entry records a day and moves it to status through the real workflow.
func (b *ktBuilder) entry(campaignID uint64, day ktDay, f ktFields, status string) {
	b.t.Helper()
	m, _, err := b.env.store.UpsertMetric(b.ctx, b.actor, campaignID, models.MetricInput{Date: day.civil(),
		SpendKRW: &f.spend, RevenueKRW: &f.revenue, Impressions: &f.impressions, Clicks: &f.clicks, Conversions: &f.conversions,
		Viewers: f.viewers, PeakViewers: f.peak, Likes: f.likes, Comments: f.comments, DurationMin: f.duration})
	b.must(err)
	for _, action := range ktWorkflow(status) {
		note := ""
		if action == models.ActionReturn {
			note = "숫자를 다시 확인해 주세요"
		}
		_, err := b.env.store.TransitionMetric(b.ctx, b.actor, m.ID, action, note, nil)
		b.must(err)
	}
}

// sales records a team's sales; ok is false when the store refuses it as
// overlapping an earlier record.
func (b *ktBuilder) sales(teamID uint64, start, end ktDay, channel string, amount int64, status string) (ok bool) {
	b.t.Helper()
	r, err := b.env.store.CreateSales(b.ctx, b.actor, teamID, models.SalesInput{PeriodStart: start.civil(), PeriodEnd: end.civil(), Channel: &channel, SalesKRW: &amount})
	var conflict *models.ConflictError
	if errors.As(err, &conflict) {
		return false
	}
	b.must(err)
	for _, action := range ktWorkflow(status) {
		note := ""
		if action == models.ActionReturn {
			note = "영수증을 첨부해 주세요"
		}
		_, err := b.env.store.TransitionSales(b.ctx, b.actor, r.ID, action, note, nil)
		b.must(err)
	}
	return true
}

// ktWorkflow is the actions that take a new draft to status.
func ktWorkflow(status string) []string {
	switch status {
	case "submitted":
		return []string{models.ActionSubmit}
	case "approved":
		return []string{models.ActionSubmit, models.ActionApprove}
	case "returned":
		return []string{models.ActionSubmit, models.ActionApprove, models.ActionReturn}
	}
	return nil
}

// ktRandomWorld builds a program of 3–5 random teams and one team without
// campaigns, plus a second program that the first's report must not count.
// It returns the program id and the number of entries and sales created.
func ktRandomWorld(t testing.TB, b *ktBuilder, rng *rand.Rand, today ktDay) (programID uint64, entries, sales int) {
	t.Helper()
	progStart := today - ktDay(40+rng.IntN(100))
	progEnd := progStart + ktDay(30+rng.IntN(150)) // before or after today
	programID = b.program("무작위 프로그램", progStart, progEnd)

	amount := func(limit int64) int64 {
		switch rng.IntN(40) {
		case 0:
			return models.MaxAmount - rng.Int64N(1000) // huge, to test precision of sums
		case 1, 2, 3, 4, 5, 6, 7, 8:
			return 0
		}
		return rng.Int64N(limit)
	}
	status := func() string { return ktAllStatuses[rng.IntN(len(ktAllStatuses))] }
	live := func(limit int64) *int64 { v := rng.Int64N(limit); return &v }

	nTeams := 3 + rng.IntN(3)
	var teamIDs []uint64
	for ti := range nTeams {
		teamID := b.team(programID, fmt.Sprintf("팀%d", ti+1))
		teamIDs = append(teamIDs, teamID)
		for range 1 + rng.IntN(4) {
			kind := ktKinds[rng.IntN(len(ktKinds))]
			start := progStart + ktDay(rng.IntN(int(progEnd-progStart)+1))
			var end *ktDay
			if rng.IntN(3) > 0 {
				e := start + ktDay(rng.IntN(70)) // sometimes after today or the program's end
				end = &e
			}
			campaignID := b.campaign(teamID, kind, start, end)
			// Whole campaigns without spend, impressions, clicks … make the
			// group's denominators zero, not just a day's.
			zero := map[string]bool{}
			for _, f := range []string{"spend", "impressions", "clicks", "conversions", "viewers"} {
				zero[f] = rng.IntN(6) == 0
			}
			last := progEnd
			if end != nil {
				last = *end
			}
			last = min(last, today)
			var days []ktDay
			for d := start; d <= last; d++ {
				days = append(days, d)
			}
			rng.Shuffle(len(days), func(i, j int) { days[i], days[j] = days[j], days[i] })
			n := min(rng.IntN(41), len(days))
			for _, day := range days[:n] {
				f := ktFields{spend: amount(800_000), revenue: amount(6_000_000), conversions: amount(60)}
				if !zero["impressions"] {
					f.impressions = amount(80_000)
				}
				if !zero["clicks"] {
					if f.impressions > 0 {
						f.clicks = rng.Int64N(min(f.impressions, 5000) + 1)
					} else if rng.IntN(3) == 0 {
						f.clicks = rng.Int64N(100) // clicks without impressions: CTR must stay null
					}
				}
				if zero["spend"] {
					f.spend = 0
				}
				if zero["conversions"] {
					f.conversions = 0
				}
				if kind == models.KindLiveCommerce && rng.IntN(5) > 0 {
					f.viewers = live(8000)
					if zero["viewers"] {
						f.viewers = new(int64)
					}
					f.peak = live(*f.viewers + 1)
					f.likes, f.comments, f.duration = live(3000), live(500), live(240)
				}
				b.entry(campaignID, day, f, status())
				entries++
			}
		}
		sales += ktRandomSales(b, rng, teamID, progStart-150, today, status)
	}
	sales += ktRandomPart2(b, rng, programID, teamIDs, progStart-150, today)
	// A team without campaigns: its windows are null, its sales still stored.
	empty := b.team(programID, "캠페인 없는 팀")
	sales += ktRandomSales(b, rng, empty, progStart-150, today, status)

	// Another program whose numbers must not leak into this one's report.
	other := b.program("다른 프로그램", progStart, progEnd)
	otherTeam := b.team(other, "다른 팀")
	oc := b.campaign(otherTeam, models.KindSearchAd, progStart, nil)
	b.entry(oc, progStart, ktFields{spend: 1000, revenue: 99999, impressions: 10, clicks: 1, conversions: 1}, "approved")
	b.sales(otherTeam, progStart-30, progStart, models.ChannelAll, 123456, "approved")
	return programID, entries, sales
}

// ktRandomSales tries random records in [lo,hi]; the store refuses those that
// would overlap (same channel, or "all" against any), which are skipped.
func ktRandomSales(b *ktBuilder, rng *rand.Rand, teamID uint64, lo, hi ktDay, status func() string) int {
	channels := []string{models.ChannelOnline, models.ChannelOffline, models.ChannelAll}
	created := 0
	for range rng.IntN(12) {
		start := lo + ktDay(rng.IntN(int(hi-lo)+1))
		end := min(start+ktDay(rng.IntN(60)), hi)
		amt := rng.Int64N(30_000_000)
		if rng.IntN(10) == 0 {
			amt = 0
		}
		if b.sales(teamID, start, end, channels[rng.IntN(len(channels))], amt, status()) {
			created++
		}
	}
	return created
}

// TestKPIMatchesIndependentComputation: on random programs, every number the
// campaign, team and report endpoints return equals the oracle's, for every
// statuses filter, the defaults, and explicit or derived windows.
func TestKPIMatchesIndependentComputation(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	t.Run("seeds", func(t *testing.T) {
		for _, seed := range ktSeeds {
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				t.Cleanup(func() {
					if t.Failed() {
						t.Logf("failing seed %d: go test ./api -run 'TestKPIMatchesIndependentComputation/seeds/seed=%d$' -v", seed, seed)
					}
				})
				rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
				env := newEnv(t)
				today := ktParseDay(t, "2025-12-01") + ktDay(rng.IntN(90))
				b := ktNewBuilder(t, env, today)
				programID, nEntries, nSales := ktRandomWorld(t, b, rng, today)
				token := env.token(b.admin)

				d := ktLoad(t, env, programID, today)
				if len(d.entries) != nEntries || len(d.sales) != nSales {
					t.Fatalf("read back %d entries and %d sales records, created %d and %d", len(d.entries), len(d.sales), nEntries, nSales)
				}
				t.Logf("seed %d: today %s, %d teams, %d campaigns, %d entries, %d sales records",
					seed, today, len(d.teams), len(d.campaigns), nEntries, nSales)

				c := &ktChecker{t: t}
				for _, v := range ktVariants(rng, today-250, today) {
					for _, cp := range d.campaigns {
						c.checkCampaign(env, token, d, cp, v)
					}
					for _, team := range d.teams {
						c.checkTeam(env, token, d, team, v)
					}
					c.checkReport(env, token, d, v)
				}
				mu.Lock()
				defer mu.Unlock()
				for k, n := range c.seen {
					seen[k] += n
				}
			})
		}
	})
	for _, s := range ktSituations {
		if seen[s] == 0 && !t.Failed() {
			t.Errorf("no compared answer covered %q; change the generator or the seeds", s)
		}
	}
	t.Logf("situations covered: %v", seen)
}

// TestKPIEdgeCases pins the cases SPEC §2 names, on a small fixed world
// with today fixed at 2025-12-15 and the program running to 2026-01-31.
func TestKPIEdgeCases(t *testing.T) {
	env := newEnv(t)
	day := func(s string) ktDay { return ktParseDay(t, s) }
	dp := func(s string) *ktDay { d := day(s); return &d }
	b := ktNewBuilder(t, env, day("2025-12-15"))
	token := env.token(b.admin)
	program := b.program("경계 사례", day("2025-09-01"), day("2026-01-31"))

	// A team without campaigns, with sales over October.
	emptyTeam := b.team(program, "빈 팀")
	b.sales(emptyTeam, day("2025-10-01"), day("2025-10-31"), models.ChannelAll, 3_100_000, "approved")

	// A team whose only campaign starts after today.
	futureTeam := b.team(program, "예정 팀")
	futureCampaign := b.campaign(futureTeam, models.KindSearchAd, day("2025-12-20"), dp("2025-12-31"))
	b.sales(futureTeam, day("2025-11-01"), day("2025-11-30"), models.ChannelAll, 1_000_000, "draft")

	// A team with a past live broadcast and an open campaign starting after
	// today: after runs 11-01 … today (45 days), before 09-17 … 10-31.
	mixedTeam := b.team(program, "혼합 팀")
	liveCampaign := b.campaign(mixedTeam, models.KindLiveCommerce, day("2025-11-01"), dp("2025-11-10"))
	b.campaign(mixedTeam, models.KindShortClip, day("2025-12-20"), nil)
	v100, v300 := int64(100), int64(300)
	b.entry(liveCampaign, day("2025-11-01"), ktFields{spend: 0, revenue: 50_000, conversions: 2, viewers: &v100}, "approved")
	b.entry(liveCampaign, day("2025-11-02"), ktFields{spend: 20_000, revenue: 70_000, conversions: 4, viewers: &v300}, "submitted")
	b.sales(mixedTeam, day("2025-09-17"), day("2025-10-31"), models.ChannelAll, 4_500_000, "approved")
	b.sales(mixedTeam, day("2025-11-01"), day("2025-12-15"), models.ChannelOnline, 9_000_000, "approved")

	// A team with zero spend: ROAS must be null, not 0.
	zeroTeam := b.team(program, "무지출 팀")
	zeroCampaign := b.campaign(zeroTeam, models.KindShoppingAd, day("2025-10-01"), dp("2025-10-31"))
	b.entry(zeroCampaign, day("2025-10-05"), ktFields{revenue: 10_000, impressions: 100}, "approved")
	b.entry(zeroCampaign, day("2025-10-06"), ktFields{revenue: 5_000, impressions: 50}, "draft")

	// Open campaign (program end after today) and one ending after today: both capped.
	openTeam := b.team(program, "열린 팀")
	openCampaign := b.campaign(openTeam, models.KindSNS, day("2025-12-01"), nil)
	cappedCampaign := b.campaign(openTeam, models.KindSmartStore, day("2025-12-10"), dp("2026-02-28"))
	todayCampaign := b.campaign(openTeam, models.KindSmartStore, day("2025-12-15"), dp("2025-12-15"))

	type want struct {
		windows  *[4]string // nil: null
		growth   *float64   // nil: null
		before   *int64
		after    *int64
		counted  []string
		nullKeys []string // keys of total that must be null
		ints     map[string]int64
		noKinds  bool
	}
	f := func(v float64) *float64 { return &v }
	i := func(v int64) *int64 { return &v }
	w4 := func(a, b, c, d string) *[4]string { return &[4]string{a, b, c, d} }
	cpath := func(id uint64) string { return "/api/v1/campaigns/" + itoa(id) + "/kpis" }
	tpath := func(id uint64) string { return "/api/v1/teams/" + itoa(id) + "/kpis" }

	tests := []struct {
		name string
		path string
		want want
	}{
		{"team without campaigns: windows and growth null", tpath(emptyTeam),
			want{noKinds: true, counted: ktAllStatuses, nullKeys: []string{"roas_pct", "ctr_pct", "cpc_krw", "cvr_pct", "cpa_krw", "aov_krw", "live_conversion_pct", "revenue_per_viewer_krw"}}},
		{"team without campaigns, explicit windows: they are used and echoed", tpath(emptyTeam) + "?before_from=2025-10-01&before_to=2025-10-15&after_from=2025-10-16&after_to=2025-10-31",
			// 15/31 and 16/31 of 3.1M: 1.5M and 1.6M, growth 1/15.
			want{noKinds: true, counted: ktAllStatuses, windows: w4("2025-10-01", "2025-10-15", "2025-10-16", "2025-10-31"), before: i(1_500_000), after: i(1_600_000), growth: f(100.0 / 15)}},
		{"team without campaigns, after window alone derives the equal before window", tpath(emptyTeam) + "?after_from=2025-10-21&after_to=2025-10-30",
			want{noKinds: true, counted: ktAllStatuses, windows: w4("2025-10-11", "2025-10-20", "2025-10-21", "2025-10-30"), before: i(1_000_000), after: i(1_000_000), growth: f(0)}},
		{"campaign starting after today has no window", cpath(futureCampaign),
			want{counted: ktAllStatuses}},
		{"team whose only campaign starts after today has no window", tpath(futureTeam),
			want{counted: ktAllStatuses}},
		{"team window runs from the first start to today when a later campaign is open", tpath(mixedTeam),
			want{counted: ktAllStatuses, windows: w4("2025-09-17", "2025-10-31", "2025-11-01", "2025-12-15"), before: i(4_500_000), after: i(9_000_000), growth: f(100),
				ints: map[string]int64{"spend_krw": 20_000, "revenue_krw": 120_000, "conversions": 6, "viewers": 400}}},
		{"campaign uses its own dates", cpath(liveCampaign),
			// before 10-22 … 10-31: 10 of the 45 days of 4.5M; after: 10 of 45 days of 9M.
			want{counted: ktAllStatuses, windows: w4("2025-10-22", "2025-10-31", "2025-11-01", "2025-11-10"), before: i(1_000_000), after: i(2_000_000), growth: f(100)}},
		{"approved only counts the approved day", cpath(liveCampaign) + "?statuses=approved",
			want{counted: []string{"approved"}, windows: w4("2025-10-22", "2025-10-31", "2025-11-01", "2025-11-10"), before: i(1_000_000), after: i(2_000_000), growth: f(100),
				nullKeys: []string{"roas_pct", "cpc_krw", "ctr_pct", "cvr_pct"},
				ints:     map[string]int64{"spend_krw": 0, "revenue_krw": 50_000, "conversions": 2, "viewers": 100}}},
		{"statuses filter counts sales records too", cpath(liveCampaign) + "?statuses=submitted",
			want{counted: []string{"submitted"}, windows: w4("2025-10-22", "2025-10-31", "2025-11-01", "2025-11-10"), before: i(0), after: i(0),
				ints: map[string]int64{"spend_krw": 20_000, "revenue_krw": 70_000}}},
		{"zero spend gives a null ROAS, not 0", cpath(zeroCampaign),
			want{counted: ktAllStatuses, windows: w4("2025-08-31", "2025-09-30", "2025-10-01", "2025-10-31"), before: i(0), after: i(0),
				nullKeys: []string{"roas_pct", "cpc_krw", "cvr_pct", "cpa_krw", "aov_krw", "live_conversion_pct", "revenue_per_viewer_krw"},
				ints:     map[string]int64{"spend_krw": 0, "revenue_krw": 15_000, "impressions": 150, "clicks": 0}}},
		{"campaign without ends_on runs to the program's end, capped at today", cpath(openCampaign),
			want{counted: ktAllStatuses, windows: w4("2025-11-16", "2025-11-30", "2025-12-01", "2025-12-15"), before: i(0), after: i(0)}},
		{"campaign ending after today is capped at today", cpath(cappedCampaign),
			want{counted: ktAllStatuses, windows: w4("2025-12-04", "2025-12-09", "2025-12-10", "2025-12-15"), before: i(0), after: i(0)}},
		{"campaign starting today has a one-day window", cpath(todayCampaign),
			want{counted: ktAllStatuses, windows: w4("2025-12-14", "2025-12-14", "2025-12-15", "2025-12-15"), before: i(0), after: i(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := env.do("GET", tt.path, nil, token)
			expectStatus(t, rec, http.StatusOK)
			m := ktDecode(t, rec.Body.Bytes())
			c := &ktChecker{t: t}
			c.counted("answer", m, tt.want.counted)
			c.optFloat("answer", m, "sales_growth_pct", tt.want.growth)
			if tt.want.windows == nil {
				if m["windows"] != nil {
					t.Errorf("windows = %v, want null", m["windows"])
				}
			} else {
				w, _ := ktObject(m["windows"])
				got := [4]any{w["before_from"], w["before_to"], w["after_from"], w["after_to"]}
				if fmt.Sprint(got) != fmt.Sprint(*tt.want.windows) {
					t.Errorf("windows = %v, want %v", got, *tt.want.windows)
				}
			}
			for key, wantAmount := range map[string]*int64{"sales_before_krw": tt.want.before, "sales_after_krw": tt.want.after} {
				if wantAmount == nil {
					if v := m[key]; v != nil && v != json.Number("0") {
						t.Errorf("%s = %v, want null", key, v)
					}
					continue
				}
				c.int("answer", m, key, *wantAmount)
			}
			total, _ := ktObject(m["total"])
			for _, k := range tt.want.nullKeys {
				if v, ok := total[k]; !ok || v != nil {
					t.Errorf("total.%s = %v, want null", k, v)
				}
			}
			for k, v := range tt.want.ints {
				c.int("total", total, k, v)
			}
			if tt.want.noKinds {
				if bk, ok := ktObject(m["by_kind"]); (!ok && m["by_kind"] != nil) || len(bk) > 0 {
					t.Errorf("by_kind = %v, want no kinds", m["by_kind"])
				}
			}
			if strings.Contains(rec.Body.String(), "Inf") || strings.Contains(rec.Body.String(), "NaN") {
				t.Errorf("body has a non-finite number: %s", rec.Body.String())
			}
		})
	}

	t.Run("zero spend in the report is a null ROAS", func(t *testing.T) {
		m := ktGet(t, env, token, "/api/v1/programs/"+itoa(program)+"/report")
		bk, _ := ktObject(m["by_kind"])
		shopping, _ := ktObject(bk["shopping_ad"])
		if v, ok := shopping["roas_pct"]; !ok || v != nil {
			t.Errorf("by_kind.shopping_ad.roas_pct = %v, want null", v)
		}
		rows, _ := m["teams"].([]any)
		found := 0
		for _, r := range rows {
			row, _ := ktObject(r)
			switch row["team_id"] {
			case json.Number(itoa(emptyTeam)), json.Number(itoa(futureTeam)):
				found++
				if row["windows"] != nil || row["sales_growth_pct"] != nil {
					t.Errorf("report row of team %v: windows %v, growth %v, want both null", row["team_id"], row["windows"], row["sales_growth_pct"])
				}
			case json.Number(itoa(zeroTeam)):
				found++
				total, _ := ktObject(row["total"])
				if v, ok := total["roas_pct"]; !ok || v != nil {
					t.Errorf("zero-spend team's roas_pct = %v, want null", v)
				}
			}
		}
		if found != 3 {
			t.Errorf("found %d of the 3 expected team rows in %v", found, rows)
		}
	})

	t.Run("unknown campaign is 404", func(t *testing.T) {
		expectStatus(t, env.do("GET", cpath(999_999)+"?statuses=approved", nil, token), http.StatusNotFound)
	})

	bases := map[string]string{
		"campaign": cpath(liveCampaign),
		"team":     tpath(mixedTeam),
		"report":   "/api/v1/programs/" + itoa(program) + "/report",
	}
	invalid := []struct {
		name  string
		query string
		field string // the fields key that must be named; "" = any
	}{
		{"unknown status", "statuses=bogus", "statuses"},
		{"one unknown status among good ones", "statuses=approved,bogus", "statuses"},
		{"statuses separated by semicolons", "statuses=approved%3Bdraft", "statuses"},
		{"after_from alone", "after_from=2025-11-01", ""},
		{"after_to alone", "after_to=2025-11-30", ""},
		{"before window alone", "before_from=2025-10-01&before_to=2025-10-31", ""},
		{"three of four dates", "before_from=2025-10-01&after_from=2025-11-01&after_to=2025-11-30", ""},
		{"after_to missing beside a before window", "before_from=2025-10-01&before_to=2025-10-31&after_from=2025-11-01", ""},
		{"reversed after window alone", "after_from=2025-11-30&after_to=2025-11-01", ""},
		{"reversed before window", "before_from=2025-10-31&before_to=2025-10-01&after_from=2025-11-01&after_to=2025-11-30", ""},
		{"not a real date", "before_from=2025-02-30&before_to=2025-03-31&after_from=2025-04-01&after_to=2025-04-30", "before_from"},
	}
	for _, tt := range invalid {
		for _, name := range []string{"campaign", "team", "report"} {
			t.Run("422 "+name+": "+tt.name, func(t *testing.T) {
				rec := env.do("GET", bases[name]+"?"+tt.query, nil, token)
				expectStatus(t, rec, http.StatusUnprocessableEntity)
				var body struct {
					Error struct {
						Code   string            `json:"code"`
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatalf("decode %s: %v", rec.Body.String(), err)
				}
				if body.Error.Code != "validation_failed" || len(body.Error.Fields) == 0 {
					t.Errorf("error = %s, want validation_failed with fields", rec.Body.String())
				}
				if tt.field != "" && body.Error.Fields[tt.field] == "" {
					t.Errorf("fields = %v, want fields.%s", body.Error.Fields, tt.field)
				}
			})
		}
	}
}
