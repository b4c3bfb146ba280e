package models_test

import (
	"path/filepath"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		dialect models.Dialect
		dsn     string
	}{
		{"", models.SQLite, "./data/nalgae.db"},
		{"./x.db", models.SQLite, "./x.db"},
		{"sqlite:///var/lib/nalgae.db", models.SQLite, "/var/lib/nalgae.db"},
		{"sqlite://rel.db", models.SQLite, "rel.db"},
		{"file:/tmp/a.db?mode=ro", models.SQLite, "/tmp/a.db"},
		{"postgres://u:p@localhost/db", models.Postgres, "postgres://u:p@localhost/db"},
		{"postgresql://u@h/db?sslmode=disable", models.Postgres, "postgresql://u@h/db?sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			d, dsn := models.ParseDatabaseURL(tt.raw)
			if d != tt.dialect || dsn != tt.dsn {
				t.Fatalf("got %s %q, want %s %q", d, dsn, tt.dialect, tt.dsn)
			}
		})
	}
}

func TestSQLitePragmas(t *testing.T) {
	db, err := models.Open("sqlite://" + filepath.Join(t.TempDir(), "sub", "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000"} {
		var got string
		if err := db.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	sqlDB, _ := db.DB()
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("max open connections %d, want 1 (one writer)", n)
	}
}

func TestOpenRefusesMemory(t *testing.T) {
	if _, err := models.Open(":memory:"); err == nil {
		t.Fatal("in-memory SQLite accepted; WAL needs a file")
	}
}

func TestMigrateTwiceAndPending(t *testing.T) {
	db := modelstest.NewDB(t)
	pending, err := migrations.Pending(db)
	if err != nil || pending {
		t.Fatalf("after migrate: pending=%v err=%v", pending, err)
	}
	if err := migrations.Migrate(db); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	fresh, err := models.Open(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(fresh)
	if pending, err := migrations.Pending(fresh); err != nil || !pending {
		t.Fatalf("fresh database: pending=%v err=%v, want pending", pending, err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := modelstest.NewDB(t)
	s := models.NewStore(db)
	name, city := "P", "부산광역시"
	if _, err := s.CreateProgram(t.Context(), modelstest.System, models.ProgramInput{Name: &name, City: &city,
		StartsOn: ptrDate("2025-09-01"), EndsOn: ptrDate("2025-12-01")}); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.AuditEvent{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d audit events, want 1", n)
	}
	if err := db.Exec("UPDATE audit_events SET action = 'x'").Error; err == nil {
		t.Error("UPDATE of audit_events succeeded")
	}
	if err := db.Exec("DELETE FROM audit_events").Error; err == nil {
		t.Error("DELETE of audit_events succeeded")
	}
}
