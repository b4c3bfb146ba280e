package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// kpiSums adds the indexes and the monthly sums sales growth reads, and two
// summary tables of the entries that the KPI endpoints and the program
// report read instead of adding up every metric entry on each request:
//
//   - campaign_sums: per campaign and status, the count and the sums of the
//     figures KPIs are computed from (kpi.Sums);
//   - program_daily_sums: per program, status, campaign kind and day, the
//     count of entries and their spend and revenue (the report's daily series).
//
// Triggers keep them in step with metric_entries inside the writing
// transaction, whatever path writes (API, import, seed, a hand-run SQL
// statement), so they can never disagree with the entries they sum. Moving
// a campaign to another kind or team, or a team to another program, rebuilds
// the affected programs' daily rows (rare, administrative changes).
var kpiSums = &gormigrate.Migration{
	ID: "20261126_kpi_sums",
	Migrate: func(tx *gorm.DB) error {
		stmts := append(teamStampsSQLite, kpiSumsSQLite...)
		if tx.Dialector.Name() == "postgres" {
			stmts = append(teamStampsPostgres, kpiSumsPostgres...)
		}
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	},
}

// Sales growth reads one-day sales records (the usual daily figures) through
// sales_month_sums, a month's total per team and status, plus the days at a
// window's ragged ends from this covering index (which replaces the index on
// team_id alone, its prefix); the few records that span several days come
// from a partial index of their own and are prorated exactly in Go.
const (
	salesWindowIndex = `CREATE INDEX idx_sales_records_window
		ON sales_records (team_id, status, period_start, period_end, sales_krw)`
	dropSalesTeamIndex = `DROP INDEX idx_sales_records_team_id`
	salesSpanIndex     = `CREATE INDEX idx_sales_records_spans ON sales_records (team_id, status, period_start, period_end, sales_krw)
		WHERE period_start < period_end`
	createSalesMonthSums = `CREATE TABLE "sales_month_sums" (
		team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
		status TEXT NOT NULL,
		month TEXT NOT NULL,
		records BIGINT NOT NULL DEFAULT 0,
		sales_krw BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (team_id, status, month))`
)

// salesMonthSQL is the month key ('2026-03') of a date expression.
func salesMonthSQL(postgres bool, date string) string {
	if postgres {
		return "to_char(" + date + ", 'YYYY-MM')"
	}
	return "substr(" + date + ", 1, 7)"
}

// salesMonthBackfill sums the existing one-day records by month.
func salesMonthBackfill(postgres bool) string {
	month := salesMonthSQL(postgres, "period_start")
	return `INSERT INTO sales_month_sums (team_id, status, month, records, sales_krw)
		SELECT team_id, status, ` + month + `, COUNT(*), SUM(sales_krw) FROM sales_records
		WHERE period_start = period_end GROUP BY team_id, status, ` + month
}

// The tables and their backfill are the same SQL on both databases; SQLite
// stores them clustered by their key (WITHOUT ROWID), which is how they are read.
const (
	createCampaignSums = `CREATE TABLE "campaign_sums" (
		campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
		status TEXT NOT NULL,
		entries BIGINT NOT NULL DEFAULT 0,
		spend_krw BIGINT NOT NULL DEFAULT 0,
		revenue_krw BIGINT NOT NULL DEFAULT 0,
		impressions BIGINT NOT NULL DEFAULT 0,
		clicks BIGINT NOT NULL DEFAULT 0,
		conversions BIGINT NOT NULL DEFAULT 0,
		viewers BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (campaign_id, status))`
	createProgramDailySums = `CREATE TABLE "program_daily_sums" (
		program_id BIGINT NOT NULL,
		status TEXT NOT NULL,
		kind TEXT NOT NULL,
		date DATE NOT NULL,
		entries BIGINT NOT NULL DEFAULT 0,
		spend_krw BIGINT NOT NULL DEFAULT 0,
		revenue_krw BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (program_id, status, kind, date))`
	backfillCampaignSums = `INSERT INTO campaign_sums
		(campaign_id, status, entries, spend_krw, revenue_krw, impressions, clicks, conversions, viewers)
		SELECT campaign_id, status, COUNT(*), SUM(spend_krw), SUM(revenue_krw), SUM(impressions),
			SUM(clicks), SUM(conversions), SUM(COALESCE(viewers, 0))
		FROM metric_entries GROUP BY campaign_id, status`
	// The daily sums of entries, shared by the backfill and the rebuilds,
	// which narrow it to some programs with a WHERE between its parts.
	dailySumsSelect = `SELECT t.program_id, m.status, c.kind, m.date, COUNT(*), SUM(m.spend_krw), SUM(m.revenue_krw)
		FROM metric_entries m JOIN campaigns c ON c.id = m.campaign_id JOIN teams t ON t.id = c.team_id`
	dailySumsInsert  = `INSERT INTO program_daily_sums (program_id, status, kind, date, entries, spend_krw, revenue_krw) `
	dailySumsGroupBy = ` GROUP BY t.program_id, m.status, c.kind, m.date`
	backfillDaily    = dailySumsInsert + dailySumsSelect + ` WHERE true` + dailySumsGroupBy
)

var kpiSumsSQLite = []string{
	salesWindowIndex,
	dropSalesTeamIndex,
	salesSpanIndex,
	createSalesMonthSums + ` WITHOUT ROWID`,
	salesMonthBackfill(false),
	`CREATE TRIGGER sales_records_months_insert AFTER INSERT ON sales_records
	 WHEN NEW.period_start = NEW.period_end BEGIN ` + sqliteAddSales("NEW") + ` END`,
	`CREATE TRIGGER sales_records_months_delete AFTER DELETE ON sales_records
	 WHEN OLD.period_start = OLD.period_end BEGIN ` + sqliteSubtractSales("OLD") + ` END`,
	`CREATE TRIGGER sales_records_months_update AFTER UPDATE ON sales_records
	 WHEN OLD.team_id IS NOT NEW.team_id OR OLD.status IS NOT NEW.status OR OLD.sales_krw IS NOT NEW.sales_krw
		OR OLD.period_start IS NOT NEW.period_start OR OLD.period_end IS NOT NEW.period_end BEGIN
		` + sqliteSubtractSales("OLD") + sqliteAddSales("NEW") + ` END`,
	createCampaignSums + ` WITHOUT ROWID`,
	createProgramDailySums + ` WITHOUT ROWID`,
	backfillCampaignSums,
	backfillDaily,
	`CREATE TRIGGER metric_entries_sums_insert AFTER INSERT ON metric_entries BEGIN ` +
		sqliteAddEntry("NEW") + ` END`,
	`CREATE TRIGGER metric_entries_sums_delete AFTER DELETE ON metric_entries BEGIN ` +
		sqliteSubtractEntry("OLD") + ` END`,
	// Only a change of a summed column, the status, the day or the campaign
	// moves sums; a review note or a version bump does not.
	`CREATE TRIGGER metric_entries_sums_update AFTER UPDATE ON metric_entries
	 WHEN OLD.status IS NOT NEW.status OR OLD.date IS NOT NEW.date OR OLD.campaign_id IS NOT NEW.campaign_id
		OR OLD.spend_krw IS NOT NEW.spend_krw OR OLD.revenue_krw IS NOT NEW.revenue_krw
		OR OLD.impressions IS NOT NEW.impressions OR OLD.clicks IS NOT NEW.clicks
		OR OLD.conversions IS NOT NEW.conversions OR OLD.viewers IS NOT NEW.viewers
	 BEGIN ` + sqliteSubtractEntry("OLD") + sqliteAddEntry("NEW") + ` END`,
	`CREATE TRIGGER campaigns_daily_sums_move AFTER UPDATE OF kind, team_id ON campaigns
	 WHEN OLD.kind IS NOT NEW.kind OR OLD.team_id IS NOT NEW.team_id BEGIN
		DELETE FROM program_daily_sums WHERE program_id IN
			(SELECT program_id FROM teams WHERE id IN (OLD.team_id, NEW.team_id));
		` + dailySumsInsert + dailySumsSelect + ` WHERE t.program_id IN
			(SELECT program_id FROM teams WHERE id IN (OLD.team_id, NEW.team_id))` + dailySumsGroupBy + `;
	 END`,
	`CREATE TRIGGER teams_daily_sums_move AFTER UPDATE OF program_id ON teams
	 WHEN OLD.program_id IS NOT NEW.program_id BEGIN
		DELETE FROM program_daily_sums WHERE program_id IN (OLD.program_id, NEW.program_id);
		` + dailySumsInsert + dailySumsSelect + ` WHERE t.program_id IN (OLD.program_id, NEW.program_id)` + dailySumsGroupBy + `;
	 END`,
}

// sqliteAddEntry adds row r (NEW) of metric_entries to both sums.
func sqliteAddEntry(r string) string {
	return `INSERT INTO campaign_sums (campaign_id, status, entries, spend_krw, revenue_krw, impressions, clicks, conversions, viewers)
		VALUES (` + r + `.campaign_id, ` + r + `.status, 1, ` + r + `.spend_krw, ` + r + `.revenue_krw, ` + r + `.impressions, ` +
		r + `.clicks, ` + r + `.conversions, COALESCE(` + r + `.viewers, 0))
		ON CONFLICT (campaign_id, status) DO UPDATE SET entries = entries + 1,
			spend_krw = spend_krw + excluded.spend_krw, revenue_krw = revenue_krw + excluded.revenue_krw,
			impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks,
			conversions = conversions + excluded.conversions, viewers = viewers + excluded.viewers;
	` + dailySumsInsert + `SELECT t.program_id, ` + r + `.status, c.kind, ` + r + `.date, 1, ` + r + `.spend_krw, ` + r + `.revenue_krw
		FROM campaigns c JOIN teams t ON t.id = c.team_id WHERE c.id = ` + r + `.campaign_id
		ON CONFLICT (program_id, status, kind, date) DO UPDATE SET entries = entries + 1,
			spend_krw = spend_krw + excluded.spend_krw, revenue_krw = revenue_krw + excluded.revenue_krw;
	` + sqliteBumpTeam("(SELECT team_id FROM campaigns WHERE id = "+r+".campaign_id)")
}

// sqliteSubtractEntry takes row r (OLD) of metric_entries out of both sums.
func sqliteSubtractEntry(r string) string {
	return `UPDATE campaign_sums SET entries = entries - 1,
			spend_krw = spend_krw - ` + r + `.spend_krw, revenue_krw = revenue_krw - ` + r + `.revenue_krw,
			impressions = impressions - ` + r + `.impressions, clicks = clicks - ` + r + `.clicks,
			conversions = conversions - ` + r + `.conversions, viewers = viewers - COALESCE(` + r + `.viewers, 0)
		WHERE campaign_id = ` + r + `.campaign_id AND status = ` + r + `.status;
	UPDATE program_daily_sums SET entries = entries - 1, spend_krw = spend_krw - ` + r + `.spend_krw, revenue_krw = revenue_krw - ` + r + `.revenue_krw
		WHERE (program_id, kind) = (SELECT t.program_id, c.kind FROM campaigns c JOIN teams t ON t.id = c.team_id
				WHERE c.id = ` + r + `.campaign_id)
			AND status = ` + r + `.status AND date = ` + r + `.date;
	` + sqliteBumpTeam("(SELECT team_id FROM campaigns WHERE id = "+r+".campaign_id)")
}

var kpiSumsPostgres = []string{
	salesWindowIndex,
	dropSalesTeamIndex,
	salesSpanIndex,
	createSalesMonthSums,
	salesMonthBackfill(true),
	`CREATE OR REPLACE FUNCTION sales_records_months() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY(SELECT program_id FROM teams WHERE id IN (OLD.team_id, NEW.team_id)));
		IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.period_start = OLD.period_end THEN
			UPDATE sales_month_sums SET records = records - 1, sales_krw = sales_krw - OLD.sales_krw
			WHERE team_id = OLD.team_id AND status = OLD.status AND month = to_char(OLD.period_start, 'YYYY-MM');
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.period_start = NEW.period_end THEN
			INSERT INTO sales_month_sums (team_id, status, month, records, sales_krw)
			VALUES (NEW.team_id, NEW.status, to_char(NEW.period_start, 'YYYY-MM'), 1, NEW.sales_krw)
			ON CONFLICT (team_id, status, month) DO UPDATE SET records = sales_month_sums.records + 1,
				sales_krw = sales_month_sums.sales_krw + EXCLUDED.sales_krw;
		END IF;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER sales_records_months_insert_delete AFTER INSERT OR DELETE ON sales_records
	 FOR EACH ROW EXECUTE FUNCTION sales_records_months()`,
	`CREATE TRIGGER sales_records_months_update AFTER UPDATE ON sales_records FOR EACH ROW
	 WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.status IS DISTINCT FROM NEW.status
		OR OLD.sales_krw IS DISTINCT FROM NEW.sales_krw OR OLD.period_start IS DISTINCT FROM NEW.period_start
		OR OLD.period_end IS DISTINCT FROM NEW.period_end)
	 EXECUTE FUNCTION sales_records_months()`,
	createCampaignSums,
	createProgramDailySums,
	backfillCampaignSums,
	backfillDaily,
	`CREATE OR REPLACE FUNCTION metric_entries_sums() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY(SELECT t.program_id FROM campaigns c JOIN teams t ON t.id = c.team_id
			WHERE c.id IN (OLD.campaign_id, NEW.campaign_id)));
		IF TG_OP IN ('UPDATE', 'DELETE') THEN
			UPDATE campaign_sums SET entries = entries - 1,
				spend_krw = spend_krw - OLD.spend_krw, revenue_krw = revenue_krw - OLD.revenue_krw,
				impressions = impressions - OLD.impressions, clicks = clicks - OLD.clicks,
				conversions = conversions - OLD.conversions, viewers = viewers - COALESCE(OLD.viewers, 0)
			WHERE campaign_id = OLD.campaign_id AND status = OLD.status;
			UPDATE program_daily_sums p SET entries = p.entries - 1, spend_krw = p.spend_krw - OLD.spend_krw, revenue_krw = p.revenue_krw - OLD.revenue_krw
			FROM campaigns c JOIN teams t ON t.id = c.team_id
			WHERE c.id = OLD.campaign_id AND p.program_id = t.program_id AND p.kind = c.kind
				AND p.status = OLD.status AND p.date = OLD.date;
			PERFORM team_stamp_bump((SELECT team_id FROM campaigns WHERE id = OLD.campaign_id));
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			INSERT INTO campaign_sums (campaign_id, status, entries, spend_krw, revenue_krw, impressions, clicks, conversions, viewers)
			VALUES (NEW.campaign_id, NEW.status, 1, NEW.spend_krw, NEW.revenue_krw, NEW.impressions, NEW.clicks,
				NEW.conversions, COALESCE(NEW.viewers, 0))
			ON CONFLICT (campaign_id, status) DO UPDATE SET entries = campaign_sums.entries + 1,
				spend_krw = campaign_sums.spend_krw + EXCLUDED.spend_krw,
				revenue_krw = campaign_sums.revenue_krw + EXCLUDED.revenue_krw,
				impressions = campaign_sums.impressions + EXCLUDED.impressions,
				clicks = campaign_sums.clicks + EXCLUDED.clicks,
				conversions = campaign_sums.conversions + EXCLUDED.conversions,
				viewers = campaign_sums.viewers + EXCLUDED.viewers;
			INSERT INTO program_daily_sums (program_id, status, kind, date, entries, spend_krw, revenue_krw)
			SELECT t.program_id, NEW.status, c.kind, NEW.date, 1, NEW.spend_krw, NEW.revenue_krw
			FROM campaigns c JOIN teams t ON t.id = c.team_id WHERE c.id = NEW.campaign_id
			ON CONFLICT (program_id, status, kind, date) DO UPDATE SET
				entries = program_daily_sums.entries + 1,
				spend_krw = program_daily_sums.spend_krw + EXCLUDED.spend_krw,
				revenue_krw = program_daily_sums.revenue_krw + EXCLUDED.revenue_krw;
			PERFORM team_stamp_bump((SELECT team_id FROM campaigns WHERE id = NEW.campaign_id));
		END IF;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER metric_entries_sums_insert_delete AFTER INSERT OR DELETE ON metric_entries
	 FOR EACH ROW EXECUTE FUNCTION metric_entries_sums()`,
	`CREATE TRIGGER metric_entries_sums_update AFTER UPDATE ON metric_entries FOR EACH ROW
	 WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.date IS DISTINCT FROM NEW.date
		OR OLD.campaign_id IS DISTINCT FROM NEW.campaign_id
		OR OLD.spend_krw IS DISTINCT FROM NEW.spend_krw OR OLD.revenue_krw IS DISTINCT FROM NEW.revenue_krw
		OR OLD.impressions IS DISTINCT FROM NEW.impressions OR OLD.clicks IS DISTINCT FROM NEW.clicks
		OR OLD.conversions IS DISTINCT FROM NEW.conversions OR OLD.viewers IS DISTINCT FROM NEW.viewers)
	 EXECUTE FUNCTION metric_entries_sums()`,
	`CREATE OR REPLACE FUNCTION program_daily_sums_rebuild(programs BIGINT[]) RETURNS void AS $$
	BEGIN
		PERFORM summaries_lock_programs(programs);
		DELETE FROM program_daily_sums WHERE program_id = ANY(programs);
		` + dailySumsInsert + dailySumsSelect + ` WHERE t.program_id = ANY(programs)` + dailySumsGroupBy + `;
	END $$ LANGUAGE plpgsql`,
	`CREATE OR REPLACE FUNCTION campaigns_daily_sums_move() RETURNS trigger AS $$
	BEGIN
		PERFORM program_daily_sums_rebuild(ARRAY(SELECT program_id FROM teams WHERE id IN (OLD.team_id, NEW.team_id)));
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER campaigns_daily_sums_move AFTER UPDATE OF kind, team_id ON campaigns FOR EACH ROW
	 WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.team_id IS DISTINCT FROM NEW.team_id)
	 EXECUTE FUNCTION campaigns_daily_sums_move()`,
	`CREATE OR REPLACE FUNCTION teams_daily_sums_move() RETURNS trigger AS $$
	BEGIN
		PERFORM program_daily_sums_rebuild(ARRAY[OLD.program_id, NEW.program_id]);
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER teams_daily_sums_move AFTER UPDATE OF program_id ON teams FOR EACH ROW
	 WHEN (OLD.program_id IS DISTINCT FROM NEW.program_id)
	 EXECUTE FUNCTION teams_daily_sums_move()`,
}

// sqliteAddSales adds row r (NEW) of sales_records to its month when it is a
// one-day record.
func sqliteAddSales(r string) string {
	return `INSERT INTO sales_month_sums (team_id, status, month, records, sales_krw)
		SELECT ` + r + `.team_id, ` + r + `.status, ` + salesMonthSQL(false, r+".period_start") + `, 1, ` + r + `.sales_krw
		WHERE ` + r + `.period_start = ` + r + `.period_end
		ON CONFLICT (team_id, status, month) DO UPDATE SET records = records + 1, sales_krw = sales_krw + excluded.sales_krw;
	`
}

// sqliteSubtractSales takes row r (OLD) of sales_records out of its month
// when it is a one-day record.
func sqliteSubtractSales(r string) string {
	return `UPDATE sales_month_sums SET records = records - 1, sales_krw = sales_krw - ` + r + `.sales_krw
		WHERE ` + r + `.period_start = ` + r + `.period_end AND team_id = ` + r + `.team_id AND status = ` + r + `.status
			AND month = ` + salesMonthSQL(false, r+".period_start") + `;
	`
}

// Team stamps: a counter per team that every change a team's KPIs depend on
// moves forward, in the writing transaction: its entries' figures or
// statuses, its sales records, its campaigns, the team's program, that
// program's end. The KPI cache (models/kpicache.go) keeps an answer only as
// long as its team's stamp has not moved, on every instance.
const createTeamStamps = `CREATE TABLE "team_stamps" (
	team_id BIGINT NOT NULL PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
	stamp BIGINT NOT NULL DEFAULT 0)`

// sqliteBumpTeam moves the stamp of the team that expr (a scalar subquery or
// a column) names; NULL names none.
func sqliteBumpTeam(expr string) string {
	return `INSERT INTO team_stamps (team_id, stamp) SELECT ` + expr + `, 1 WHERE ` + expr + ` IS NOT NULL
		ON CONFLICT (team_id) DO UPDATE SET stamp = stamp + 1;
	`
}

var teamStampsSQLite = []string{
	createTeamStamps,
	`CREATE TRIGGER sales_records_stamp_insert AFTER INSERT ON sales_records BEGIN ` + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER sales_records_stamp_delete AFTER DELETE ON sales_records BEGIN ` + sqliteBumpTeam("OLD.team_id") + ` END`,
	`CREATE TRIGGER sales_records_stamp_update AFTER UPDATE ON sales_records BEGIN ` +
		sqliteBumpTeam("OLD.team_id") + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER campaigns_stamp_insert AFTER INSERT ON campaigns BEGIN ` + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER campaigns_stamp_delete AFTER DELETE ON campaigns BEGIN ` + sqliteBumpTeam("OLD.team_id") + ` END`,
	`CREATE TRIGGER campaigns_stamp_update AFTER UPDATE ON campaigns BEGIN ` +
		sqliteBumpTeam("OLD.team_id") + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER teams_stamp_update AFTER UPDATE OF program_id ON teams BEGIN ` + sqliteBumpTeam("NEW.id") + ` END`,
	`CREATE TRIGGER programs_stamp_update AFTER UPDATE OF ends_on ON programs BEGIN
		INSERT INTO team_stamps (team_id, stamp) SELECT id, 1 FROM teams WHERE program_id = NEW.id
		ON CONFLICT (team_id) DO UPDATE SET stamp = stamp + 1;
	 END`,
}

var teamStampsPostgres = []string{
	createTeamStamps,
	// PostgreSQL lets writers of one program run at once, and a write
	// touches several summary rows (a campaign's, a day's, a team's): two
	// transactions could take them in opposite orders and deadlock. Every
	// trigger that touches summary rows first takes this transaction lock on
	// the program (in this schema), so that a program's summary writes queue
	// instead. SQLite has one writer and needs none of it. (Callers name
	// both OLD's and NEW's rows: the one an operation lacks is NULL, and
	// matches nothing.)
	`CREATE OR REPLACE FUNCTION summaries_lock_programs(programs BIGINT[]) RETURNS void AS $$
	DECLARE p BIGINT;
	BEGIN
		FOR p IN SELECT DISTINCT x FROM unnest(programs) AS x WHERE x IS NOT NULL ORDER BY x LOOP
			PERFORM pg_advisory_xact_lock(hashtext(current_schema()), (p % 2147483647)::int);
		END LOOP;
	END $$ LANGUAGE plpgsql`,
	`CREATE OR REPLACE FUNCTION team_stamp_bump(team BIGINT) RETURNS void AS $$
	BEGIN
		IF team IS NOT NULL THEN
			INSERT INTO team_stamps (team_id, stamp) VALUES (team, 1)
			ON CONFLICT (team_id) DO UPDATE SET stamp = team_stamps.stamp + 1;
		END IF;
	END $$ LANGUAGE plpgsql`,
	// sales_records and campaigns both name their team in team_id.
	`CREATE OR REPLACE FUNCTION team_stamps_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY(SELECT program_id FROM teams WHERE id IN (OLD.team_id, NEW.team_id)));
		IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM team_stamp_bump(OLD.team_id); END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM team_stamp_bump(NEW.team_id); END IF;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER sales_records_stamp AFTER INSERT OR UPDATE OR DELETE ON sales_records
	 FOR EACH ROW EXECUTE FUNCTION team_stamps_touch()`,
	`CREATE TRIGGER campaigns_stamp AFTER INSERT OR UPDATE OR DELETE ON campaigns
	 FOR EACH ROW EXECUTE FUNCTION team_stamps_touch()`,
	`CREATE OR REPLACE FUNCTION teams_stamp_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY[OLD.program_id, NEW.program_id]);
		PERFORM team_stamp_bump(NEW.id);
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER teams_stamp AFTER UPDATE OF program_id ON teams FOR EACH ROW EXECUTE FUNCTION teams_stamp_touch()`,
	`CREATE OR REPLACE FUNCTION programs_stamp_touch() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY[NEW.id]);
		INSERT INTO team_stamps (team_id, stamp) SELECT id, 1 FROM teams WHERE program_id = NEW.id
		ON CONFLICT (team_id) DO UPDATE SET stamp = team_stamps.stamp + 1;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER programs_stamp AFTER UPDATE OF ends_on ON programs FOR EACH ROW EXECUTE FUNCTION programs_stamp_touch()`,
}
