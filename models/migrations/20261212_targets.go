package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for targets (SPEC §10.1) and comparison teams (§10.2).
type (
	targetsTarget struct {
		ID        uint64  `gorm:"primaryKey"`
		TeamID    uint64  `gorm:"not null;index"`
		KPI       string  `gorm:"column:kpi;not null"`
		Kind      *string `gorm:"column:kind"`
		Baseline  *float64
		Target    float64 `gorm:"not null"`
		Direction string  `gorm:"not null;default:increase"`
		Note      string  `gorm:"not null;default:''"`
		Version   int64   `gorm:"not null;default:1"`
		CreatedAt time.Time
		UpdatedAt time.Time
		Team      *targetsTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
	}
	targetsTeam struct {
		ID         uint64 `gorm:"primaryKey"`
		Comparison bool   `gorm:"not null;default:false"`
	}
)

func (targetsTarget) TableName() string { return "targets" }
func (targetsTeam) TableName() string   { return "teams" }

// targets adds the targets table and teams.comparison, and keeps the KPI
// cache honest about both: a team's KPI answer carries its targets, so a
// target's write moves its team's stamp; and a comparison team's sales are
// part of every other team's difference-in-differences growth, so a write
// to them moves the stamp of every team of its program.
var targets = &gormigrate.Migration{
	ID: "20261212_targets",
	Migrate: func(tx *gorm.DB) error {
		m := tx.Migrator()
		if err := m.CreateTable(&targetsTarget{}); err != nil {
			return fmt.Errorf("create targets: %w", err)
		}
		if err := m.AddColumn(&targetsTeam{}, "Comparison"); err != nil {
			return fmt.Errorf("add teams.comparison: %w", err)
		}
		stmts := targetStampsSQLite
		if tx.Dialector.Name() == "postgres" {
			stmts = targetStampsPostgres
		}
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	},
}

// sqliteBumpProgramOfComparison moves the stamp of every team of the program
// of team expr when that team is a comparison team.
func sqliteBumpProgramOfComparison(expr string) string {
	return `INSERT INTO team_stamps (team_id, stamp)
		SELECT t.id, 1 FROM teams t JOIN teams c ON c.program_id = t.program_id
		WHERE c.id = ` + expr + ` AND c.comparison
		ON CONFLICT (team_id) DO UPDATE SET stamp = stamp + 1;
	`
}

var targetStampsSQLite = []string{
	`CREATE TRIGGER targets_stamp_insert AFTER INSERT ON targets BEGIN ` + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER targets_stamp_delete AFTER DELETE ON targets BEGIN ` + sqliteBumpTeam("OLD.team_id") + ` END`,
	`CREATE TRIGGER targets_stamp_update AFTER UPDATE ON targets BEGIN ` +
		sqliteBumpTeam("OLD.team_id") + sqliteBumpTeam("NEW.team_id") + ` END`,
	`CREATE TRIGGER sales_records_comparison_insert AFTER INSERT ON sales_records BEGIN ` +
		sqliteBumpProgramOfComparison("NEW.team_id") + ` END`,
	`CREATE TRIGGER sales_records_comparison_delete AFTER DELETE ON sales_records BEGIN ` +
		sqliteBumpProgramOfComparison("OLD.team_id") + ` END`,
	`CREATE TRIGGER sales_records_comparison_update AFTER UPDATE ON sales_records BEGIN ` +
		sqliteBumpProgramOfComparison("OLD.team_id") + sqliteBumpProgramOfComparison("NEW.team_id") + ` END`,
	// A comparison team leaving (deleted) changes its program's pool too.
	`CREATE TRIGGER teams_comparison_delete AFTER DELETE ON teams WHEN OLD.comparison BEGIN
		INSERT INTO team_stamps (team_id, stamp) SELECT id, 1 FROM teams WHERE program_id = OLD.program_id
		ON CONFLICT (team_id) DO UPDATE SET stamp = stamp + 1;
	 END`,
}

var targetStampsPostgres = []string{
	// targets names its team in team_id, as sales_records and campaigns do.
	`CREATE TRIGGER targets_stamp AFTER INSERT OR UPDATE OR DELETE ON targets
	 FOR EACH ROW EXECUTE FUNCTION team_stamps_touch()`,
	`CREATE OR REPLACE FUNCTION comparison_sales_touch() RETURNS trigger AS $$
	BEGIN
		INSERT INTO team_stamps (team_id, stamp)
		SELECT t.id, 1 FROM teams t JOIN teams c ON c.program_id = t.program_id
		WHERE c.id IN (OLD.team_id, NEW.team_id) AND c.comparison
		ON CONFLICT (team_id) DO UPDATE SET stamp = team_stamps.stamp + 1;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	// Runs after sales_records_stamp (names sort), which has already taken
	// the program's summary lock.
	`CREATE TRIGGER sales_records_t_comparison AFTER INSERT OR UPDATE OR DELETE ON sales_records
	 FOR EACH ROW EXECUTE FUNCTION comparison_sales_touch()`,
	`CREATE OR REPLACE FUNCTION teams_comparison_delete() RETURNS trigger AS $$
	BEGIN
		PERFORM summaries_lock_programs(ARRAY[OLD.program_id]);
		INSERT INTO team_stamps (team_id, stamp) SELECT id, 1 FROM teams WHERE program_id = OLD.program_id
		ON CONFLICT (team_id) DO UPDATE SET stamp = team_stamps.stamp + 1;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER teams_comparison_delete AFTER DELETE ON teams FOR EACH ROW WHEN (OLD.comparison)
	 EXECUTE FUNCTION teams_comparison_delete()`,
}
