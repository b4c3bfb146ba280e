package api

// The oracle of SPEC §10, written like that of §2 in kpis_test.go: sales
// growth by method and target attainment recomputed from the raw rows,
// without models/kpi.

import (
	"database/sql"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
)

// ktTarget is a stored target, read back with plain SQL.
type ktTarget struct {
	ID, TeamID uint64
	KPI        string
	Kind       sql.NullString
	Baseline   sql.NullFloat64
	Target     float64
	Direction  string
}

// ktLoadPart2 reads what SPEC §10 adds: the comparison teams and the targets.
func ktLoadPart2(t testing.TB, env *testEnv, d *ktData) {
	t.Helper()
	ktRows(t, env, func(r *sql.Rows) error {
		var id uint64
		if err := r.Scan(&id); err != nil {
			return err
		}
		d.comparisons = append(d.comparisons, id)
		return nil
	}, "SELECT id FROM teams WHERE program_id = ? AND comparison ORDER BY id", d.programID)
	ktRows(t, env, func(r *sql.Rows) error {
		var tg ktTarget
		if err := r.Scan(&tg.ID, &tg.TeamID, &tg.KPI, &tg.Kind, &tg.Baseline, &tg.Target, &tg.Direction); err != nil {
			return err
		}
		d.targets = append(d.targets, tg)
		return nil
	}, `SELECT g.id, g.team_id, g.kpi, g.kind, g.baseline, g.target, g.direction FROM targets g
		JOIN teams t ON t.id = g.team_id WHERE t.program_id = ? ORDER BY g.team_id, g.id`, d.programID)
	comparison := map[uint64]bool{}
	for _, id := range d.comparisons {
		comparison[id] = true
	}
	kept := d.teams[:0]
	for _, tm := range d.teams {
		if !comparison[tm.ID] {
			kept = append(kept, tm)
		}
	}
	d.teams = kept
}

// ktYearEarlier moves a day back one year; 29 February becomes 28 February.
func ktYearEarlier(d ktDay) ktDay {
	tm := time.Unix(int64(d)*86400, 0).UTC()
	y, m, day := tm.Date()
	if m == time.February && day == 29 {
		day = 28
	}
	return ktDay(time.Date(y-1, m, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ktMethodSums are the sums one team's methods compare.
type ktMethodSums struct {
	a, b, a1, b1, ac, bc *big.Rat
	comparisons          int
	lastYear             ktWindows
}

func (d *ktData) methodSums(teamID uint64, counted ktStatusSet, w ktWindows) ktMethodSums {
	ly := ktWindows{ktYearEarlier(w.BeforeFrom), ktYearEarlier(w.BeforeTo), ktYearEarlier(w.AfterFrom), ktYearEarlier(w.AfterTo)}
	s := ktMethodSums{
		a: d.prorated(teamID, counted, w.AfterFrom, w.AfterTo), b: d.prorated(teamID, counted, w.BeforeFrom, w.BeforeTo),
		a1: d.prorated(teamID, counted, ly.AfterFrom, ly.AfterTo), b1: d.prorated(teamID, counted, ly.BeforeFrom, ly.BeforeTo),
		lastYear: ly,
	}
	for _, c := range d.comparisons {
		if c == teamID {
			continue
		}
		if s.ac == nil {
			s.ac, s.bc = new(big.Rat), new(big.Rat)
		}
		s.comparisons++
		s.ac.Add(s.ac, d.prorated(c, counted, w.AfterFrom, w.AfterTo))
		s.bc.Add(s.bc, d.prorated(c, counted, w.BeforeFrom, w.BeforeTo))
	}
	return s
}

// ktPct is (after − before) / before × 100, exact; nil for a zero before.
func ktPct(after, before *big.Rat) *big.Rat {
	if before == nil || before.Sign() == 0 {
		return nil
	}
	r := new(big.Rat).Sub(after, before)
	return r.Mul(r.Quo(r, before), big.NewRat(100, 1))
}

func ktFloat(r *big.Rat) *float64 {
	if r == nil {
		return nil
	}
	f, _ := r.Float64()
	return &f
}

// values are the four methods' expected percentages.
func (s ktMethodSums) values() map[string]*float64 {
	out := map[string]*float64{
		"before_after":          ktFloat(ktPct(s.a, s.b)),
		"same_period_last_year": ktFloat(ktPct(s.a, s.a1)),
	}
	if s.a1.Sign() != 0 && s.b.Sign() != 0 && s.b1.Sign() != 0 {
		r := new(big.Rat).Quo(new(big.Rat).Quo(s.a, s.a1), new(big.Rat).Quo(s.b, s.b1))
		out["seasonally_adjusted"] = ktFloat(r.Mul(r.Sub(r, big.NewRat(1, 1)), big.NewRat(100, 1)))
	} else {
		out["seasonally_adjusted"] = nil
	}
	team, comp := ktPct(s.a, s.b), ktPct(s.ac, s.bc)
	if team != nil && comp != nil {
		out["difference_in_differences"] = ktFloat(new(big.Rat).Sub(team, comp))
	} else {
		out["difference_in_differences"] = nil
	}
	return out
}

// ktRound rounds a non-negative sum half up to whole won.
func ktRound(r *big.Rat) int64 {
	q := new(big.Rat).Add(r, big.NewRat(1, 2))
	return new(big.Int).Quo(q.Num(), q.Denom()).Int64()
}

var ktMethodNames = []string{"before_after", "same_period_last_year", "seasonally_adjusted", "difference_in_differences"}

// methods compares sales_growth_methods of a campaign, team or report row.
func (c *ktChecker) methods(label string, m map[string]any, d *ktData, teamID uint64, counted ktStatusSet, w *ktWindows) {
	c.t.Helper()
	if w == nil {
		if m["sales_growth_methods"] != nil {
			c.errorf("%s.sales_growth_methods = %v, want null without windows", label, m["sales_growth_methods"])
		}
		return
	}
	s := d.methodSums(teamID, counted, *w)
	got, ok := ktObject(m["sales_growth_methods"])
	if !ok {
		c.errorf("%s.sales_growth_methods = %v, want the four methods", label, m["sales_growth_methods"])
		return
	}
	want := s.values()
	c.saw("last year's growth number", want["same_period_last_year"] != nil)
	c.saw("seasonally adjusted number", want["seasonally_adjusted"] != nil)
	c.saw("comparison number", want["difference_in_differences"] != nil)
	c.saw("comparison null with windows", want["difference_in_differences"] == nil)
	for _, name := range ktMethodNames {
		method, ok := ktObject(got[name])
		if !ok {
			c.errorf("%s.sales_growth_methods.%s = %v", label, name, got[name])
			continue
		}
		c.optFloat(label+"."+name, method, "value_pct", want[name])
		if a, _ := method["assumption"].(string); a == "" {
			c.errorf("%s.%s.assumption is empty", label, name)
		}
		basis, ok := ktObject(method["basis"])
		if !ok {
			c.errorf("%s.%s.basis = %v", label, name, method["basis"])
			continue
		}
		dates := map[string]ktDay{}
		sums := map[string]*big.Rat{}
		switch name {
		case "before_after", "difference_in_differences", "seasonally_adjusted":
			dates["before_from"], dates["before_to"], dates["after_from"], dates["after_to"] = w.BeforeFrom, w.BeforeTo, w.AfterFrom, w.AfterTo
			sums["before_krw"], sums["after_krw"] = s.b, s.a
		case "same_period_last_year":
			dates["after_from"], dates["after_to"] = w.AfterFrom, w.AfterTo
			dates["last_year_after_from"], dates["last_year_after_to"] = s.lastYear.AfterFrom, s.lastYear.AfterTo
			sums["after_krw"], sums["last_year_after_krw"] = s.a, s.a1
		}
		if name == "seasonally_adjusted" {
			dates["last_year_before_from"], dates["last_year_before_to"] = s.lastYear.BeforeFrom, s.lastYear.BeforeTo
			dates["last_year_after_from"], dates["last_year_after_to"] = s.lastYear.AfterFrom, s.lastYear.AfterTo
			sums["last_year_before_krw"], sums["last_year_after_krw"] = s.b1, s.a1
		}
		if name == "difference_in_differences" && s.ac != nil {
			sums["comparison_before_krw"], sums["comparison_after_krw"] = s.bc, s.ac
		}
		for k, day := range dates {
			if basis[k] != day.String() {
				c.errorf("%s.%s.basis.%s = %v, want %s", label, name, k, basis[k], day)
			}
		}
		for k, exact := range sums {
			c.int(label+"."+name+".basis", basis, k, ktRound(exact))
		}
	}
}

// programMethods compares the report's top-level sales_growth_methods: the
// participating teams' rounded sums added up.
func (c *ktChecker) programMethods(label string, m map[string]any, d *ktData, counted ktStatusSet, v ktVariant) {
	c.t.Helper()
	total := ktMethodSums{a: new(big.Rat), b: new(big.Rat), a1: new(big.Rat), b1: new(big.Rat)}
	if len(d.comparisons) > 0 {
		total.ac, total.bc = new(big.Rat), new(big.Rat)
	}
	add := func(to, r *big.Rat) {
		if to != nil && r != nil {
			to.Add(to, big.NewRat(ktRound(r), 1))
		}
	}
	for _, team := range d.teams {
		w := v.windows
		if w == nil {
			w = d.defaultWindows(d.campaignsWhere(func(x ktCampaign) bool { return x.TeamID == team.ID }))
		}
		if w == nil {
			continue
		}
		s := d.methodSums(team.ID, counted, *w)
		add(total.a, s.a)
		add(total.b, s.b)
		add(total.a1, s.a1)
		add(total.b1, s.b1)
		add(total.ac, s.ac)
		add(total.bc, s.bc)
	}
	got, ok := ktObject(m["sales_growth_methods"])
	if !ok {
		c.errorf("%s.sales_growth_methods = %v", label, m["sales_growth_methods"])
		return
	}
	for name, want := range total.values() {
		method, _ := ktObject(got[name])
		c.optFloat(label+".program."+name, method, "value_pct", want)
	}
}

// targets compares a team's targets (measured on approved results and
// default windows, whatever the answer's own counting).
func (c *ktChecker) targets(label string, m map[string]any, d *ktData, teamID uint64, summary map[string]int) {
	c.t.Helper()
	list, ok := m["targets"].([]any)
	if !ok {
		c.errorf("%s.targets = %v, want a list", label, m["targets"])
		return
	}
	var want []ktTarget
	for _, tg := range d.targets {
		if tg.TeamID == teamID {
			want = append(want, tg)
		}
	}
	if len(list) != len(want) {
		c.errorf("%s has %d targets, want %d", label, len(list), len(want))
		return
	}
	approved := ktStatusesOf([]string{"approved"})
	cs := d.campaignsWhere(func(x ktCampaign) bool { return x.TeamID == teamID })
	for i, tg := range want {
		got, _ := ktObject(list[i])
		tl := fmt.Sprintf("%s.targets[%d]", label, tg.ID)
		c.id(tl, got, "id", tg.ID)
		actual := d.targetActual(tg, teamID, cs, approved)
		c.optFloat(tl, got, "actual", actual)
		var att *float64
		if actual != nil {
			num, den := *actual, tg.Target
			switch {
			case tg.Baseline.Valid:
				num, den = *actual-tg.Baseline.Float64, tg.Target-tg.Baseline.Float64
			case tg.Direction == "decrease":
				num, den = tg.Target, *actual
			}
			if den != 0 {
				v := num / den * 100
				att = &v
			}
		}
		c.optFloat(tl, got, "attainment_pct", att)
		status := "no_data"
		switch {
		case att == nil:
		case *att >= 100:
			status = "met"
		case *att >= 85:
			status = "on_track"
		default:
			status = "behind"
		}
		c.saw("target "+status, true)
		if got["status"] != status {
			c.errorf("%s.status = %v, want %s", tl, got["status"], status)
		}
		if summary != nil {
			summary[status]++
		}
	}
}

// targetActual is a target's KPI over approved results, from the raw rows.
func (d *ktData) targetActual(tg ktTarget, teamID uint64, cs []ktCampaign, approved ktStatusSet) *float64 {
	switch tg.KPI {
	case "sales_growth_pct", "sales_after_krw":
		g := d.growth(teamID, approved, d.defaultWindows(cs))
		if tg.KPI == "sales_growth_pct" {
			return g.pct
		}
		if g.windows == nil {
			return nil
		}
		v := float64(ktRound(g.after))
		return &v
	}
	keep := func(x ktCampaign) bool { return x.TeamID == teamID }
	if tg.Kind.Valid {
		has := false
		for _, x := range cs {
			has = has || x.Kind == tg.Kind.String
		}
		if !has {
			return nil
		}
		keep = func(x ktCampaign) bool { return x.TeamID == teamID && x.Kind == tg.Kind.String }
	} else if tg.KPI == "roas_pct" {
		keep = func(x ktCampaign) bool {
			return x.TeamID == teamID && (x.Kind == "search_ad" || x.Kind == "shopping_ad")
		}
	}
	s := d.sums(approved, keep)
	switch tg.KPI {
	case "roas_pct":
		return ktRatio(s.Revenue, s.Spend, 100)
	case "revenue_krw":
		v := float64(s.Revenue)
		return &v
	case "conversions":
		v := float64(s.Conversions)
		return &v
	case "ctr_pct":
		return ktRatio(s.Clicks, s.Impressions, 100)
	case "cvr_pct":
		return ktRatio(s.Conversions, s.Clicks, 100)
	case "cpa_krw":
		return ktRatio(s.Spend, s.Conversions, 1)
	}
	return nil
}

// ktRandomPart2 adds SPEC §10's parts to a random program: last year's
// sales for its teams, 0–2 comparison teams with sales, and random targets.
func ktRandomPart2(b *ktBuilder, rng *rand.Rand, programID uint64, teams []uint64, lo, today ktDay) (sales int) {
	status := func() string { return ktAllStatuses[rng.IntN(len(ktAllStatuses))] }
	for _, id := range teams {
		if rng.IntN(4) > 0 {
			sales += ktRandomSales(b, rng, id, lo-400, lo-100, status)
		}
	}
	for i := range rng.IntN(3) {
		name := fmt.Sprintf("비교군%d", i+1)
		mname := name + " 상점"
		m, err := b.env.store.CreateMerchant(b.ctx, b.actor, models.MerchantInput{Name: &mname})
		b.must(err)
		yes := true
		tm, err := b.env.store.CreateTeam(b.ctx, b.actor, programID, models.TeamInput{Name: &name, MerchantID: &m.ID, Comparison: &yes})
		b.must(err)
		sales += ktRandomSales(b, rng, tm.ID, lo-400, today, status)
		sales += ktRandomSales(b, rng, tm.ID, lo, today, status)
	}
	kpis := []string{"sales_growth_pct", "sales_after_krw", "roas_pct", "revenue_krw", "conversions", "ctr_pct", "cvr_pct", "cpa_krw"}
	for _, id := range teams {
		for range rng.IntN(4) {
			k := kpis[rng.IntN(len(kpis))]
			in := models.TargetInput{KPI: &k}
			goal := float64(rng.IntN(400)) + float64(rng.IntN(10))/10
			if k == "sales_after_krw" || k == "revenue_krw" {
				goal = float64(rng.Int64N(60_000_000))
			}
			in.Target = &goal
			if k != "sales_growth_pct" && k != "sales_after_krw" && rng.IntN(2) == 0 {
				kind := string(ktKinds[rng.IntN(len(ktKinds))])
				kp := &kind
				in.Kind = &kp
			}
			if rng.IntN(3) == 0 {
				base := goal * rng.Float64()
				bp := &base
				in.Baseline = &bp
			}
			if k == "cpa_krw" || rng.IntN(6) == 0 {
				dir := models.DirectionDecrease
				in.Direction = &dir
			}
			_, err := b.env.store.CreateTarget(b.ctx, b.actor, id, in)
			b.must(err)
		}
	}
	return sales
}

// summary compares the report's target_summary.
func (c *ktChecker) summary(label string, m map[string]any, want map[string]int) {
	c.t.Helper()
	got, ok := ktObject(m["target_summary"])
	if !ok {
		c.errorf("%s.target_summary = %v", label, m["target_summary"])
		return
	}
	for _, k := range []string{"met", "on_track", "behind", "no_data"} {
		c.int(label+".target_summary", got, k, int64(want[k]))
	}
}
