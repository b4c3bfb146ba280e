package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/kpi"
	"github.com/nalgae/nalgae/models/modelstest"
)

// sumsRow is one row of a summary table or of the aggregate it must equal.
type sumsRow struct {
	Key                                                             string
	Entries, SpendKRW, RevenueKRW, Impressions, Clicks, Conversions int64
	Viewers                                                         int64
}

// summaryMismatches compares campaign_sums and program_daily_sums with the
// same sums computed from metric_entries now; rows whose entries are all
// gone may linger in a summary table at zero, which readers ignore.
func summaryMismatches(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	load := func(sql string) map[string]sumsRow {
		var rows []sumsRow
		if err := db.Raw(sql).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out := map[string]sumsRow{}
		for _, r := range rows {
			if r != (sumsRow{Key: r.Key}) {
				out[r.Key] = r
			}
		}
		return out
	}
	key := func(cols ...string) string {
		if database.DialectOf(db) == database.Postgres {
			out := "CONCAT_WS('/'"
			for _, c := range cols {
				out += ", " + c
			}
			return out + ")"
		}
		out := ""
		for i, c := range cols {
			if i > 0 {
				out += " || '/' || "
			}
			out += c
		}
		return out
	}
	var bad []string
	compare := func(what string, stored, fresh map[string]sumsRow) {
		for k, want := range fresh {
			if got := stored[k]; got != want {
				bad = append(bad, fmt.Sprintf("%s %s: stored %+v, entries say %+v", what, k, got, want))
			}
		}
		for k, got := range stored {
			if _, ok := fresh[k]; !ok {
				bad = append(bad, fmt.Sprintf("%s %s: stored %+v for no entries", what, k, got))
			}
		}
	}
	compare("campaign_sums",
		load(`SELECT `+key("campaign_id", "status")+` AS key, entries, spend_krw, revenue_krw, impressions, clicks, conversions, viewers FROM campaign_sums`),
		load(`SELECT `+key("campaign_id", "status")+` AS key, COUNT(*) AS entries, SUM(spend_krw) AS spend_krw, SUM(revenue_krw) AS revenue_krw,
			SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(conversions) AS conversions, SUM(COALESCE(viewers, 0)) AS viewers
			FROM metric_entries GROUP BY campaign_id, status`))
	compare("program_daily_sums",
		// PostgreSQL keeps a row per team (20261232_pg_summaries), SQLite
		// one per program; readers sum them, and so does this.
		load(`SELECT `+key("program_id", "status", "kind", "CAST(date AS TEXT)")+` AS key, SUM(entries) AS entries,
			SUM(spend_krw) AS spend_krw, SUM(revenue_krw) AS revenue_krw FROM program_daily_sums GROUP BY program_id, status, kind, date`),
		load(`SELECT `+key("t.program_id", "m.status", "c.kind", "CAST(m.date AS TEXT)")+` AS key, COUNT(*) AS entries,
			SUM(m.spend_krw) AS spend_krw, SUM(m.revenue_krw) AS revenue_krw
			FROM metric_entries m JOIN campaigns c ON c.id = m.campaign_id JOIN teams t ON t.id = c.team_id
			GROUP BY t.program_id, m.status, c.kind, m.date`))
	month := "substr(period_start, 1, 7)"
	if database.DialectOf(db) == database.Postgres {
		month = "to_char(period_start, 'YYYY-MM')"
	}
	compare("sales_month_sums",
		load(`SELECT `+key("team_id", "status", "month")+` AS key, records AS entries, sales_krw AS spend_krw FROM sales_month_sums`),
		load(`SELECT `+key("team_id", "status", month)+` AS key, COUNT(*) AS entries, SUM(sales_krw) AS spend_krw
			FROM sales_records WHERE period_start = period_end GROUP BY team_id, status, `+month))
	return bad
}

// The summary tables equal the entries' sums, and kept KPI answers equal
// fresh ones, after every kind of change the
// database can see: inserts, edits of figures, status changes, moves to
// another day, deletes, a campaign changing kind or team, a team moving to
// another program, and sales records changing amount, status, period or team
// — each done by plain SQL, as any writer might.
func TestSummaryTablesFollowEveryWrite(t *testing.T) {
	db := modelstest.NewDB(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	start := civil.MustParse("2026-03-02")
	var programs []models.Program
	for i := range 2 {
		p := models.Program{Name: fmt.Sprint("P", i), City: "c", University: "u", Partner: "n", Course: "m",
			StartsOn: start, EndsOn: start.AddDays(90), Status: models.ProgramActive, Version: 1}
		must(db.Create(&p).Error)
		programs = append(programs, p)
	}
	var teams []models.Team
	var campaigns []models.Campaign
	for i := range 4 {
		m := models.Merchant{Name: fmt.Sprint("M", i), Category: "c", Region: "r", Version: 1}
		must(db.Create(&m).Error)
		team := models.Team{ProgramID: programs[i%2].ID, Name: fmt.Sprint("T", i), MerchantID: m.ID, Version: 1}
		must(db.Create(&team).Error)
		teams = append(teams, team)
		for j := range 2 {
			c := models.Campaign{TeamID: team.ID, Kind: models.Kinds[(i+j)%3], Name: "c", StartsOn: start, Version: 1}
			must(db.Create(&c).Error)
			campaigns = append(campaigns, c)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	var ids []uint64
	for _, c := range campaigns {
		for d := range 12 {
			e := models.MetricEntry{CampaignID: c.ID, Date: start.AddDays(d), SpendKRW: rng.Int64N(1e6), RevenueKRW: rng.Int64N(3e6),
				Impressions: rng.Int64N(1e4), Clicks: rng.Int64N(500), Conversions: rng.Int64N(20), Status: models.Statuses[rng.IntN(4)], Version: 1}
			if c.Kind == models.KindLiveCommerce && d%3 != 0 {
				v := rng.Int64N(900)
				e.Viewers = &v
			}
			must(db.Create(&e).Error)
			ids = append(ids, e.ID)
		}
	}
	var salesIDs []uint64
	for i, team := range teams {
		for d := range 40 {
			end := start.AddDays(d * 3)
			if d%5 == 0 {
				end = end.AddDays(d) // some records span days
			}
			r := models.SalesRecord{TeamID: team.ID, PeriodStart: start.AddDays(d * 3), PeriodEnd: end, Channel: models.ChannelAll,
				SalesKRW: rng.Int64N(5e6) + int64(i), Status: models.Statuses[rng.IntN(4)], Version: 1}
			must(db.Create(&r).Error)
			salesIDs = append(salesIDs, r.ID)
		}
	}
	salesID := func() uint64 { return salesIDs[rng.IntN(len(salesIDs))] }
	steps := []struct {
		name string
		sql  string
		args func() []any
	}{
		{"edit figures", "UPDATE metric_entries SET spend_krw = spend_krw + ?, viewers = ? WHERE id = ?",
			func() []any { return []any{rng.Int64N(1000), rng.Int64N(50), ids[rng.IntN(len(ids))]} }},
		{"change status", "UPDATE metric_entries SET status = ? WHERE id = ?",
			func() []any { return []any{models.Statuses[rng.IntN(4)], ids[rng.IntN(len(ids))]} }},
		{"review note only", "UPDATE metric_entries SET review_note = 'ok', version = version + 1 WHERE id = ?",
			func() []any { return []any{ids[rng.IntN(len(ids))]} }},
		{"move to another day", "UPDATE metric_entries SET date = ? WHERE id = ?",
			func() []any { return []any{start.AddDays(100 + rng.IntN(1000)), ids[rng.IntN(len(ids))]} }},
		{"delete", "DELETE FROM metric_entries WHERE id = ?",
			func() []any { return []any{ids[rng.IntN(len(ids))]} }},
		{"campaign changes kind", "UPDATE campaigns SET kind = ? WHERE id = ?",
			func() []any {
				return []any{models.Kinds[rng.IntN(len(models.Kinds))], campaigns[rng.IntN(len(campaigns))].ID}
			}},
		{"campaign moves to another team", "UPDATE campaigns SET team_id = ? WHERE id = ?",
			func() []any { return []any{teams[rng.IntN(len(teams))].ID, campaigns[rng.IntN(len(campaigns))].ID} }},
		{"sales amount", "UPDATE sales_records SET sales_krw = ? WHERE id = ?",
			func() []any { return []any{rng.Int64N(9e6), salesID()} }},
		{"sales status", "UPDATE sales_records SET status = ? WHERE id = ?",
			func() []any { return []any{models.Statuses[rng.IntN(4)], salesID()} }},
		{"sales becomes one day or several", "UPDATE sales_records SET period_end = CASE WHEN period_end = period_start THEN ? ELSE period_start END WHERE id = ?",
			func() []any { return []any{start.AddDays(400), salesID()} }},
		{"sales moves a month", "UPDATE sales_records SET period_start = ?, period_end = ? WHERE id = ?",
			func() []any { d := start.AddDays(200 + rng.IntN(60)); return []any{d, d, salesID()} }},
		{"sales to another team", "UPDATE sales_records SET team_id = ? WHERE id = ?",
			func() []any { return []any{teams[rng.IntN(len(teams))].ID, salesID()} }},
		{"sales deleted", "DELETE FROM sales_records WHERE id = ?",
			func() []any { return []any{salesID()} }},
		{"team moves to another program", "UPDATE teams SET program_id = ? WHERE id = ?",
			func() []any { return []any{programs[rng.IntN(2)].ID, teams[rng.IntN(len(teams))].ID} }},
	}
	steps = append(steps, struct {
		name string
		sql  string
		args func() []any
	}{"program ends on another day", "UPDATE programs SET ends_on = ? WHERE id = ?",
		func() []any { return []any{start.AddDays(30 + rng.IntN(400)), programs[rng.IntN(2)].ID} }})
	// A store that keeps its KPI answers must give, after every write, what
	// a store computing afresh gives.
	cached := models.NewStore(db)
	admin := models.Actor{UserID: 1, Role: models.RoleAdmin}
	compareCached := func(when string) {
		t.Helper()
		fresh := models.NewStore(db)
		ctx := context.Background()
		for _, team := range teams {
			got, err := cached.TeamKPIs(ctx, admin, team.ID, models.KPIQuery{})
			must(err)
			want, err := fresh.TeamKPIs(ctx, admin, team.ID, models.KPIQuery{})
			must(err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: team %d KPIs kept %+v, computed afresh %+v", when, team.ID, got, want)
			}
			// The default answer comes from a pass over the whole program;
			// naming the statuses computes this team alone.
			alone, err := models.NewStore(db).TeamKPIs(ctx, admin, team.ID, models.KPIQuery{Statuses: models.Statuses})
			must(err)
			if !reflect.DeepEqual(got, alone) {
				t.Fatalf("%s: team %d KPIs from the program's pass %+v, computed alone %+v", when, team.ID, got, alone)
			}
		}
		for _, c := range campaigns {
			got, err := cached.CampaignKPIs(ctx, admin, c.ID, models.KPIQuery{})
			must(err)
			want, err := fresh.CampaignKPIs(ctx, admin, c.ID, models.KPIQuery{})
			must(err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: campaign %d KPIs kept %+v, computed afresh %+v", when, c.ID, got, want)
			}
		}
	}
	if bad := summaryMismatches(t, db); len(bad) > 0 {
		t.Fatalf("after inserts: %v", bad)
	}
	compareCached("after inserts")
	for round := range 6 {
		for _, st := range steps {
			must(db.Exec(st.sql, st.args()...).Error)
			if bad := summaryMismatches(t, db); len(bad) > 0 {
				t.Fatalf("round %d, after %q: %v", round, st.name, bad)
			}
			compareCached(fmt.Sprintf("round %d, after %q", round, st.name))
		}
	}
}

// Sales growth read through the monthly sums and the ragged window ends
// equals kpi.SalesGrowth over every record, to the won and to the last bit
// of the percentage: for daily records and records of many days, windows
// cut anywhere in a month or on its edges, and every statuses filter.
func TestSalesGrowthEqualsEveryRecordProrated(t *testing.T) {
	db := modelstest.NewDB(t)
	store := models.NewStore(db)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	start := civil.MustParse("2025-01-01")
	p := models.Program{Name: "P", City: "c", University: "u", Partner: "n", Course: "m",
		StartsOn: start, EndsOn: start.AddDays(700), Status: models.ProgramActive, Version: 1}
	must(db.Create(&p).Error)
	m := models.Merchant{Name: "M", Category: "c", Region: "r", Version: 1}
	must(db.Create(&m).Error)
	team := models.Team{ProgramID: p.ID, Name: "T", MerchantID: m.ID, Version: 1}
	must(db.Create(&team).Error)
	rng := rand.New(rand.NewPCG(3, 5))
	var records []models.SalesRecord
	for d := range 600 {
		for _, ch := range []string{models.ChannelOnline, models.ChannelOffline} {
			status := models.Statuses[rng.IntN(len(models.Statuses))]
			records = append(records, models.SalesRecord{TeamID: team.ID, PeriodStart: start.AddDays(d), PeriodEnd: start.AddDays(d),
				Channel: ch, SalesKRW: rng.Int64N(3_000_000), Status: status, Version: 1})
		}
	}
	for range 40 {
		from := start.AddDays(rng.IntN(650))
		records = append(records, models.SalesRecord{TeamID: team.ID, PeriodStart: from, PeriodEnd: from.AddDays(1 + rng.IntN(90)),
			Channel: models.ChannelAll, SalesKRW: rng.Int64N(90_000_000), Status: models.Statuses[rng.IntN(len(models.Statuses))], Version: 1})
	}
	must(db.CreateInBatches(&records, 200).Error)
	admin := models.Actor{UserID: 1, Role: models.RoleAdmin}
	// Window ends on and around month edges, and anywhere.
	day := func() civil.Date {
		if rng.IntN(2) == 0 {
			first := civil.Date{Year: 2025 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12)), Day: 1}
			return first.AddDays(rng.IntN(3) - 1)
		}
		return start.AddDays(rng.IntN(700) - 30)
	}
	for i := range 60 {
		a, b, c, d := day(), day(), day(), day()
		dates := []civil.Date{a, b, c, d}
		slices.SortFunc(dates, func(x, y civil.Date) int { return x.DaysSince(y) })
		w := kpi.Windows{BeforeFrom: dates[0], BeforeTo: dates[1], AfterFrom: dates[2], AfterTo: dates[3]}
		statuses := models.Statuses[:1+rng.IntN(len(models.Statuses))]
		got, err := store.TeamKPIs(context.Background(), admin, team.ID, models.KPIQuery{Windows: &w, Statuses: statuses})
		must(err)
		var counted []kpi.SalesRecord
		for _, r := range records {
			if slices.Contains(statuses, r.Status) {
				counted = append(counted, kpi.SalesRecord{Start: r.PeriodStart, End: r.PeriodEnd, SalesKRW: r.SalesKRW})
			}
		}
		want := kpi.SalesGrowth(counted, w)
		if *got.SalesBeforeKRW != want.BeforeKRW || *got.SalesAfterKRW != want.AfterKRW ||
			(got.SalesGrowthPct == nil) != (want.Pct == nil) || (want.Pct != nil && *got.SalesGrowthPct != *want.Pct) {
			t.Fatalf("case %d, windows %+v, statuses %v: got before %d after %d pct %v; every record prorated gives %d, %d, %v",
				i, w, statuses, *got.SalesBeforeKRW, *got.SalesAfterKRW, got.SalesGrowthPct, want.BeforeKRW, want.AfterKRW, want.Pct)
		}
	}
}
