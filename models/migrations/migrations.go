// Package migrations holds the versioned schema changes, applied in order by
// `nalgae migrate` and at start-up. Each migration keeps its own frozen copy
// of the structs it touches, so later model changes never rewrite history.
package migrations

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// all lists every migration in the order it must run. Append only.
var all = []*gormigrate.Migration{
	initSchema,
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

// Migrate applies every pending migration.
func Migrate(db *gorm.DB) error {
	if err := newMigrator(db).Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
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
