package migrations

import (
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// pgSummaries redesigns how PostgreSQL keeps the summary tables of
// 20261126_kpi_sums in step (SQLite, one writer at a time, keeps its
// row triggers and is not touched):
//
//   - Writers of one program no longer queue behind a program-wide lock.
//     Every summary row a write touches belongs to the writing team:
//     campaign_sums (per campaign), sales_month_sums (per team), team_stamps
//     and program_daily_sums, which gains team_id in its key (the report's
//     daily series sums it over the program's teams, as it already summed
//     over kinds). Before touching any of them a statement moves the stamps
//     of its teams forward, in team order: that row lock is the team's lock,
//     so two writers of one team queue and writers of two teams never meet.
//   - The triggers on metric_entries and sales_records fire once per
//     statement with the statement's rows as transition tables, and add
//     them up set-wise (INSERT … ON CONFLICT … DO UPDATE of the grouped
//     deltas): a COPY or a multi-row INSERT of a million rows costs three
//     grouped statements rather than a million PL/pgSQL calls.
var pgSummaries = &gormigrate.Migration{
	ID: "20261232_pg_summaries",
	Migrate: func(tx *gorm.DB) error {
		if tx.Dialector.Name() != "postgres" {
			return nil
		}
		for _, s := range pgSummariesSQL {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	},
}

// entryChanged is true when an entry's update moves sums (as the row
// trigger's WHEN said): a review note or a version bump does not.
const entryChanged = `(o.status, o.date, o.campaign_id, o.spend_krw, o.revenue_krw, o.impressions, o.clicks, o.conversions, o.viewers)
	IS DISTINCT FROM (n.status, n.date, n.campaign_id, n.spend_krw, n.revenue_krw, n.impressions, n.clicks, n.conversions, n.viewers)`

// entryDeltas are the signed rows of a statement's entries: +1 and the
// figures for each new row, -1 and minus them for each old one.
func entryDeltas(r, sign string) string {
	return `SELECT ` + r + `.campaign_id, ` + r + `.status, ` + r + `.date, ` + sign + `1 AS n, ` +
		sign + r + `.spend_krw AS spend_krw, ` + sign + r + `.revenue_krw AS revenue_krw, ` +
		sign + r + `.impressions AS impressions, ` + sign + r + `.clicks AS clicks, ` +
		sign + r + `.conversions AS conversions, ` + sign + `COALESCE(` + r + `.viewers, 0) AS viewers`
}

var (
	entriesInserted = entryDeltas("n", "+") + ` FROM new_rows n`
	entriesDeleted  = entryDeltas("o", "-") + ` FROM old_rows o`
	entriesUpdated  = entryDeltas("o", "-") + ` FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ` + entryChanged +
		` UNION ALL ` + entryDeltas("n", "+") + ` FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ` + entryChanged
)

// entrySumsFunction is the statement trigger function that adds deltas (a
// query of entryDeltas' columns) to the sums. Rows of campaigns that are
// gone (a campaign deleted with its entries) have no sums left to move.
func entrySumsFunction(name, deltas string) string {
	const body = `CREATE OR REPLACE FUNCTION NAME() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY(SELECT c.team_id FROM (DELTAS) d JOIN campaigns c ON c.id = d.campaign_id));
		INSERT INTO campaign_sums (campaign_id, status, entries, spend_krw, revenue_krw, impressions, clicks, conversions, viewers)
		SELECT d.campaign_id, d.status, SUM(d.n), SUM(d.spend_krw), SUM(d.revenue_krw), SUM(d.impressions), SUM(d.clicks),
			SUM(d.conversions), SUM(d.viewers)
		FROM (DELTAS) d JOIN campaigns c ON c.id = d.campaign_id
		GROUP BY d.campaign_id, d.status ORDER BY d.campaign_id, d.status
		ON CONFLICT (campaign_id, status) DO UPDATE SET entries = campaign_sums.entries + EXCLUDED.entries,
			spend_krw = campaign_sums.spend_krw + EXCLUDED.spend_krw,
			revenue_krw = campaign_sums.revenue_krw + EXCLUDED.revenue_krw,
			impressions = campaign_sums.impressions + EXCLUDED.impressions,
			clicks = campaign_sums.clicks + EXCLUDED.clicks,
			conversions = campaign_sums.conversions + EXCLUDED.conversions,
			viewers = campaign_sums.viewers + EXCLUDED.viewers;
		INSERT INTO program_daily_sums (program_id, team_id, status, kind, date, entries, spend_krw, revenue_krw)
		SELECT t.program_id, t.id, d.status, c.kind, d.date, SUM(d.n), SUM(d.spend_krw), SUM(d.revenue_krw)
		FROM (DELTAS) d JOIN campaigns c ON c.id = d.campaign_id JOIN teams t ON t.id = c.team_id
		GROUP BY t.program_id, t.id, d.status, c.kind, d.date ORDER BY t.program_id, t.id, d.status, c.kind, d.date
		ON CONFLICT (program_id, team_id, status, kind, date) DO UPDATE SET
			entries = program_daily_sums.entries + EXCLUDED.entries,
			spend_krw = program_daily_sums.spend_krw + EXCLUDED.spend_krw,
			revenue_krw = program_daily_sums.revenue_krw + EXCLUDED.revenue_krw;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`
	return strings.NewReplacer("NAME", name, "DELTAS", deltas).Replace(body)
}

// salesDeltas are the signed rows of a statement's sales records.
func salesDeltas(r, sign string) string {
	return `SELECT ` + r + `.team_id, ` + r + `.status, ` + r + `.period_start, ` + r + `.period_end, ` + sign + `1 AS n, ` +
		sign + r + `.sales_krw AS sales_krw`
}

// salesChanged is true when a sales record's update moves its month's sums.
const salesChanged = `(o.team_id, o.status, o.sales_krw, o.period_start, o.period_end)
	IS DISTINCT FROM (n.team_id, n.status, n.sales_krw, n.period_start, n.period_end)`

var (
	salesInserted = salesDeltas("n", "+") + ` FROM new_rows n`
	salesDeleted  = salesDeltas("o", "-") + ` FROM old_rows o`
	salesUpdated  = salesDeltas("o", "-") + ` FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ` + salesChanged +
		` UNION ALL ` + salesDeltas("n", "+") + ` FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ` + salesChanged
)

// salesTeams is the query of the teams a sales statement moves: the teams
// of its records (teams), and every team of the program of a comparison
// team among them, whose sales are part of the program's growth by
// difference in differences (20261212_targets).
func salesTeams(teams string) string {
	return teams + ` UNION SELECT t.id FROM teams t JOIN teams c ON c.program_id = t.program_id
		WHERE c.comparison AND c.id IN (` + teams + `)`
}

// salesSumsFunction adds a statement's sales deltas to the months of its
// one-day records; teams is the query of the teams whose stamps move (every
// touched team, as before: any change to sales moves a team's KPIs).
func salesSumsFunction(name, deltas, teams string) string {
	const body = `CREATE OR REPLACE FUNCTION NAME() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY(TEAMS));
		INSERT INTO sales_month_sums (team_id, status, month, records, sales_krw)
		SELECT d.team_id, d.status, to_char(d.period_start, 'YYYY-MM'), SUM(d.n), SUM(d.sales_krw)
		FROM (DELTAS) d JOIN teams t ON t.id = d.team_id WHERE d.period_start = d.period_end
		GROUP BY d.team_id, d.status, to_char(d.period_start, 'YYYY-MM') ORDER BY 1, 2, 3
		ON CONFLICT (team_id, status, month) DO UPDATE SET records = sales_month_sums.records + EXCLUDED.records,
			sales_krw = sales_month_sums.sales_krw + EXCLUDED.sales_krw;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`
	return strings.NewReplacer("NAME", name, "DELTAS", deltas, "TEAMS", teams).Replace(body)
}

// pgDailySumsSelect groups entries into program_daily_sums' rows; the
// rebuilds narrow it with a WHERE between its parts.
const (
	pgDailySumsInsert = `INSERT INTO program_daily_sums (program_id, team_id, status, kind, date, entries, spend_krw, revenue_krw)
		SELECT t.program_id, t.id, m.status, c.kind, m.date, COUNT(*), SUM(m.spend_krw), SUM(m.revenue_krw)
		FROM metric_entries m JOIN campaigns c ON c.id = m.campaign_id JOIN teams t ON t.id = c.team_id`
	pgDailySumsGroupBy = ` GROUP BY t.program_id, t.id, m.status, c.kind, m.date`
)

var pgSummariesSQL = []string{
	// The old row triggers and their program lock go first.
	`DROP TRIGGER metric_entries_sums_insert_delete ON metric_entries`,
	`DROP TRIGGER metric_entries_sums_update ON metric_entries`,
	`DROP TRIGGER sales_records_months_insert_delete ON sales_records`,
	`DROP TRIGGER sales_records_months_update ON sales_records`,
	`DROP TRIGGER sales_records_stamp ON sales_records`,
	`DROP FUNCTION metric_entries_sums()`,
	`DROP FUNCTION sales_records_months()`,

	// program_daily_sums, keyed by team too, rebuilt from the entries.
	`DROP TABLE program_daily_sums`,
	`CREATE TABLE program_daily_sums (
		program_id BIGINT NOT NULL,
		team_id BIGINT NOT NULL,
		status TEXT NOT NULL,
		kind TEXT NOT NULL,
		date DATE NOT NULL,
		entries BIGINT NOT NULL DEFAULT 0,
		spend_krw BIGINT NOT NULL DEFAULT 0,
		revenue_krw BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (program_id, team_id, status, kind, date))`,
	pgDailySumsInsert + pgDailySumsGroupBy,

	// A team's lock is its stamp row: moving the stamps of a statement's
	// teams forward, in team order, before any other summary row, makes
	// every writer take its teams' rows in one order. Teams already
	// deleted (a cascade) have nothing left to lock. Stamps come from one
	// sequence, so that no two teams ever share a stamp (the KPI cache
	// also keeps the team beside the stamp, which SQLite's per-team
	// stamps need).
	`CREATE SEQUENCE team_stamps_seq`,
	`SELECT setval('team_stamps_seq', COALESCE((SELECT MAX(stamp) FROM team_stamps), 0) + 1)`,
	`CREATE OR REPLACE FUNCTION summaries_lock_teams(teams BIGINT[]) RETURNS void AS $$
		INSERT INTO team_stamps (team_id, stamp)
		SELECT t.id, nextval('team_stamps_seq') FROM teams t WHERE t.id IN (SELECT unnest(teams)) ORDER BY t.id
		ON CONFLICT (team_id) DO UPDATE SET stamp = nextval('team_stamps_seq')
	$$ LANGUAGE sql`,

	entrySumsFunction("metric_entries_sums_inserted", entriesInserted),
	entrySumsFunction("metric_entries_sums_deleted", entriesDeleted),
	entrySumsFunction("metric_entries_sums_updated", entriesUpdated),
	`CREATE TRIGGER metric_entries_sums_insert AFTER INSERT ON metric_entries REFERENCING NEW TABLE AS new_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION metric_entries_sums_inserted()`,
	`CREATE TRIGGER metric_entries_sums_delete AFTER DELETE ON metric_entries REFERENCING OLD TABLE AS old_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION metric_entries_sums_deleted()`,
	`CREATE TRIGGER metric_entries_sums_update AFTER UPDATE ON metric_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION metric_entries_sums_updated()`,

	salesSumsFunction("sales_records_sums_inserted", salesInserted, salesTeams(`SELECT team_id FROM new_rows`)),
	salesSumsFunction("sales_records_sums_deleted", salesDeleted, salesTeams(`SELECT team_id FROM old_rows`)),
	salesSumsFunction("sales_records_sums_updated", salesUpdated,
		salesTeams(`SELECT team_id FROM old_rows UNION SELECT team_id FROM new_rows`)),
	// 20261212_targets' row trigger moved every team of a comparison team's
	// program (stamp + 1, outside the team locks): the statement triggers
	// above now take those teams with the others, in one ordered statement.
	`DROP TRIGGER sales_records_t_comparison ON sales_records`,
	`DROP FUNCTION comparison_sales_touch()`,
	// A comparison team deleted changes its program's pool: every team of
	// the program moves, through the team locks.
	`CREATE OR REPLACE FUNCTION teams_comparison_delete() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY(SELECT id FROM teams WHERE program_id = OLD.program_id));
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER sales_records_sums_insert AFTER INSERT ON sales_records REFERENCING NEW TABLE AS new_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION sales_records_sums_inserted()`,
	`CREATE TRIGGER sales_records_sums_delete AFTER DELETE ON sales_records REFERENCING OLD TABLE AS old_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION sales_records_sums_deleted()`,
	`CREATE TRIGGER sales_records_sums_update AFTER UPDATE ON sales_records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	 FOR EACH STATEMENT EXECUTE FUNCTION sales_records_sums_updated()`,

	// Campaigns, teams and programs keep their row triggers (rare,
	// administrative writes), now on team locks.
	`CREATE OR REPLACE FUNCTION team_stamps_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY[OLD.team_id, NEW.team_id]);
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE OR REPLACE FUNCTION teams_stamp_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY[NEW.id]);
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE OR REPLACE FUNCTION programs_stamp_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY(SELECT id FROM teams WHERE program_id = NEW.id));
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	// A campaign that changes kind or team: its teams' daily rows are
	// rebuilt; a team that changes program: its rows move with it.
	`CREATE OR REPLACE FUNCTION campaigns_daily_sums_move() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY[OLD.team_id, NEW.team_id]);
		DELETE FROM program_daily_sums WHERE team_id IN (OLD.team_id, NEW.team_id);
		` + pgDailySumsInsert + ` WHERE t.id IN (OLD.team_id, NEW.team_id)` + pgDailySumsGroupBy + `;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE OR REPLACE FUNCTION teams_daily_sums_move() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_teams(ARRAY[NEW.id]);
		UPDATE program_daily_sums SET program_id = NEW.program_id WHERE team_id = NEW.id;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`DROP FUNCTION program_daily_sums_rebuild(BIGINT[])`,
	`DROP FUNCTION summaries_lock_programs(BIGINT[])`,
	`DROP FUNCTION team_stamp_bump(BIGINT)`,
}
