package models_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
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
		if models.DialectOf(db) == models.Postgres {
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
		load(`SELECT `+key("program_id", "status", "kind", "CAST(date AS TEXT)")+` AS key, entries, spend_krw, revenue_krw FROM program_daily_sums`),
		load(`SELECT `+key("t.program_id", "m.status", "c.kind", "CAST(m.date AS TEXT)")+` AS key, COUNT(*) AS entries,
			SUM(m.spend_krw) AS spend_krw, SUM(m.revenue_krw) AS revenue_krw
			FROM metric_entries m JOIN campaigns c ON c.id = m.campaign_id JOIN teams t ON t.id = c.team_id
			GROUP BY t.program_id, m.status, c.kind, m.date`))
	return bad
}

// The summary tables equal the entries' sums after every kind of change the
// database can see: inserts, edits of figures, status changes, moves to
// another day, deletes, a campaign changing kind or team, and a team moving
// to another program — each done by plain SQL, as any writer might.
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
			func() []any { return []any{models.Kinds[rng.IntN(len(models.Kinds))], campaigns[rng.IntN(len(campaigns))].ID} }},
		{"campaign moves to another team", "UPDATE campaigns SET team_id = ? WHERE id = ?",
			func() []any { return []any{teams[rng.IntN(len(teams))].ID, campaigns[rng.IntN(len(campaigns))].ID} }},
		{"team moves to another program", "UPDATE teams SET program_id = ? WHERE id = ?",
			func() []any { return []any{programs[rng.IntN(2)].ID, teams[rng.IntN(len(teams))].ID} }},
	}
	if bad := summaryMismatches(t, db); len(bad) > 0 {
		t.Fatalf("after inserts: %v", bad)
	}
	for round := range 6 {
		for _, st := range steps {
			must(db.Exec(st.sql, st.args()...).Error)
			if bad := summaryMismatches(t, db); len(bad) > 0 {
				t.Fatalf("round %d, after %q: %v", round, st.name, bad)
			}
		}
	}
}
