package modelstest

import (
	"fmt"
	"testing"

	"github.com/nalgae/nalgae/models/database"
	"gorm.io/gorm"
)

// TamperAudit changes the audit log behind the application's back, as
// someone with direct access to the database could: in one transaction it
// lifts the append-only trigger, runs fn and puts the trigger back (the
// PostgreSQL test schemas are reused, so a schema must end as it began).
func TamperAudit(t testing.TB, db *gorm.DB, fn func(tx *gorm.DB) error) {
	t.Helper()
	lift := []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`}
	restore := []string{
		`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
		 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
		`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
		 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
	}
	if database.DialectOf(db) == database.Postgres {
		lift = []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`}
		restore = []string{`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`}
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		for _, s := range lift {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		if err := fn(tx); err != nil {
			return err
		}
		for _, s := range restore {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tamper with the audit log: %v", err)
	}
}
