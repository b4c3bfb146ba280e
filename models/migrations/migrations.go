// Package migrations holds the versioned schema changes, applied in order by
// `nalgae migrate` and at start-up. Each migration keeps its own frozen copy
// of the structs it touches, so later model changes never rewrite history.
package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/database"
)

// all lists every migration in the order it must run, which is also the
// order of their IDs. Append only.
var all = []*gormigrate.Migration{
	initSchema,
	kpiSums,
	loginSecurity,
	auditChain,
	targets,
	publications,
	grades,
	searchadAndEvidence,
	selfReliance,
	river,
	riverUnique,
	pgSummaries,
	auditChains,
	pgSummaryPlans,
}

func newMigrator(db *gorm.DB) *gormigrate.Gormigrate {
	return gormigrate.New(db, &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, all)
}

// Migrate applies every pending migration. Several instances may start at
// once: on PostgreSQL they queue on an advisory lock, so the migrations run
// exactly once and the others find nothing left to do. SQLite needs nothing
// of the kind: its write lock already lets one migrating process in at a time.
func Migrate(db *gorm.DB) error {
	if db.Dialector.Name() != "postgres" {
		return migrate(db)
	}
	return withMigrationLock(context.Background(), db, migrate)
}

// commitAfter lists the migrations after which the chain commits before it
// goes on; the rest share one transaction. PostgreSQL refuses to use an enum
// value in the transaction that added it: River's version 6
// (20261231_river_unique) uses the value its version 4 (20261230_river)
// adds.
var commitAfter = []string{"20261230_river"}

func migrate(db *gorm.DB) error {
	for _, id := range commitAfter {
		if err := newMigrator(db).MigrateTo(id); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if err := newMigrator(db).Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrationLockKey names the PostgreSQL advisory lock every Nalgae instance
// takes around its migrations ("nalg" in ASCII). The lock's second half is
// the schema, so that the lock serialises exactly the instances that migrate
// the same tables (tests migrate many schemas of one database at once).
const migrationLockKey int32 = 0x6e616c67

// withMigrationLock holds the advisory lock on one dedicated connection and
// runs fn over that same connection, so that it needs no second connection
// from the pool (a pool of one would otherwise wait for itself forever). The
// lock is a session lock: it is released by the unlock, or by PostgreSQL when
// the connection dies with a crashed instance.
func withMigrationLock(ctx context.Context, db *gorm.DB, fn func(*gorm.DB) error) error {
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close()
	const lock = "SELECT pg_advisory_lock($1, hashtext(coalesce(current_schema(), '')))"
	const unlock = "SELECT pg_advisory_unlock($1, hashtext(coalesce(current_schema(), '')))"
	if _, err := conn.ExecContext(ctx, lock, migrationLockKey); err != nil {
		return fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.Background(), unlock, migrationLockKey)
	}()
	locked := db.Session(&gorm.Session{NewDB: true, Context: ctx})
	locked.Statement.ConnPool = conn
	return fn(locked)
}

// MigrateTo applies the migrations up to and including id, and no later
// ones: for tests of a migration over rows written before it.
func MigrateTo(db *gorm.DB, id string) error {
	for _, point := range commitAfter {
		if point >= id {
			break
		}
		if err := newMigrator(db).MigrateTo(point); err != nil {
			return fmt.Errorf("migrate to %s: %w", point, err)
		}
	}
	if err := newMigrator(db).MigrateTo(id); err != nil {
		return fmt.Errorf("migrate to %s: %w", id, err)
	}
	return nil
}

// RiverVersions are the River schema versions our migrations reach, in
// order, each in a transaction of its own.
var RiverVersions = []int{5, 8}

// RiverMigrateTx runs River's migrations up to version target in tx, a
// plain database/sql transaction: for tests that build a schema from
// recorded statements, among which River's own (run past gorm) are not.
func RiverMigrateTx(ctx context.Context, dialect database.Dialect, tx *sql.Tx, target int) error {
	return riverMigrate(ctx, dialect, tx, target)
}

// Latest is the id of the newest migration this binary knows.
func Latest() string { return all[len(all)-1].ID }

// Pending reports whether some migration has not been applied yet; a database
// migrated by a newer binary is an error.
func Pending(db *gorm.DB) (bool, error) {
	if !db.Migrator().HasTable("schema_migrations") {
		return true, nil
	}
	var applied []string
	if err := db.Table("schema_migrations").Pluck("id", &applied).Error; err != nil {
		return false, fmt.Errorf("read schema_migrations: %w", err)
	}
	known := map[string]bool{}
	for _, m := range all {
		known[m.ID] = true
	}
	done := map[string]bool{}
	for _, id := range applied {
		if !known[id] {
			return false, fmt.Errorf("database has migration %q that this binary does not know; upgrade nalgae", id)
		}
		done[id] = true
	}
	for _, m := range all {
		if !done[m.ID] {
			return true, nil
		}
	}
	return false, nil
}
