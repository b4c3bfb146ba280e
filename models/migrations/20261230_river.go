package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/database"
)

// River, the job queue that runs the nightly SearchAd pull (SPEC §14.1),
// keeps its jobs, its leader and its own migration record in tables of its
// own (river_job, river_leader, river_queue, river_client,
// river_client_queue, river_migration). River's own migrations
// (rivermigrate) make them, for the dialect in use, inside our migrations'
// transactions: a failure leaves neither River's tables nor our migration
// recorded. The table of the home-made nightly claim they replace,
// job_claims, is dropped.
//
// Each of our River migrations is pinned to a River schema version, so that
// it makes the same tables whatever River a later build links. River's
// versions 1–5 and 6–8 take two of ours: PostgreSQL refuses to use an enum
// value ("pending", River's version 4) in the transaction that added it
// (version 6 does). A River upgrade that brings migrations of its own is a
// new migration of ours running rivermigrate up to that version.
var river = &gormigrate.Migration{
	ID: "20261230_river",
	Migrate: func(tx *gorm.DB) error {
		if err := riverMigrateGorm(tx, 5); err != nil {
			return err
		}
		return tx.Migrator().DropTable("job_claims")
	},
}

// riverMigrateGorm runs River's migrations up to version target in tx, our
// migration's transaction.
func riverMigrateGorm(tx *gorm.DB, target int) error {
	sqlTx, err := database.SQLTx(tx)
	if err != nil {
		return fmt.Errorf("river migration: %w", err)
	}
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return riverMigrate(ctx, database.DialectOf(tx), sqlTx, target)
}

// riverMigrate runs River's migrations up to version target in tx.
func riverMigrate(ctx context.Context, dialect database.Dialect, tx *sql.Tx, target int) error {
	var driver riverdriver.Driver[*sql.Tx]
	if dialect == database.Postgres {
		driver = riverdatabasesql.New(nil)
	} else {
		driver = riversqlite.New(nil)
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("river migration: %w", err)
	}
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: target}); err != nil {
		return fmt.Errorf("river migration: %w", err)
	}
	return nil
}
