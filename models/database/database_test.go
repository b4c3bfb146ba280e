package database_test

import (
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		dialect database.Dialect
		dsn     string
	}{
		{"", database.SQLite, "./data/nalgae.db"},
		{"./x.db", database.SQLite, "./x.db"},
		{"sqlite:///var/lib/nalgae.db", database.SQLite, "/var/lib/nalgae.db"},
		{"sqlite://rel.db", database.SQLite, "rel.db"},
		{"file:/tmp/a.db?mode=ro", database.SQLite, "/tmp/a.db"},
		{"postgres://u:p@localhost/db", database.Postgres, "postgres://u:p@localhost/db"},
		{"postgresql://u@h/db?sslmode=disable", database.Postgres, "postgresql://u@h/db?sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			d, dsn := database.ParseDatabaseURL(tt.raw)
			if d != tt.dialect || dsn != tt.dsn {
				t.Fatalf("got %s %q, want %s %q", d, dsn, tt.dialect, tt.dsn)
			}
		})
	}
}

func TestSQLitePragmas(t *testing.T) {
	modelstest.Only(t, database.SQLite)
	db, err := database.Open("sqlite://" + filepath.Join(t.TempDir(), "sub", "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	// The read-only connections have the writer's settings but a smaller
	// page cache (a driver ignoring a DSN option would leave SQLite's
	// defaults: 2 MB, no foreign keys, no busy timeout).
	for _, conn := range []struct {
		name string
		db   *gorm.DB
		want map[string]string
	}{
		{"writer", db, map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "cache_size": "-16384"}},
		{"reader", db.Clauses(dbresolver.Read), map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "cache_size": "-8192"}},
	} {
		for pragma, want := range conn.want {
			var got string
			if err := conn.db.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", conn.name, pragma, got, want)
			}
		}
	}
	sqlDB, _ := db.DB()
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("max open connections %d, want 1 (one writer)", n)
	}
}

func TestOpenRefusesMemory(t *testing.T) {
	if _, err := database.Open(":memory:"); err == nil {
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
	fresh := modelstest.NewEmptyDB(t)
	if pending, err := migrations.Pending(fresh); err != nil || !pending {
		t.Fatalf("fresh database: pending=%v err=%v, want pending", pending, err)
	}
}

// Instances that start together each migrate; the migrations run once and
// every instance finds the schema complete.
func TestMigrateConcurrently(t *testing.T) {
	url := modelstest.NewDatabaseURL(t)
	const instances = 4
	dbs := make([]*gorm.DB, instances)
	for i := range dbs {
		db, err := database.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { database.Close(db) })
		dbs[i] = db
	}
	errs := make(chan error, instances)
	for _, db := range dbs {
		go func() { errs <- migrations.Migrate(db) }()
	}
	for range instances {
		if err := <-errs; err != nil {
			t.Errorf("migrate: %v", err)
		}
	}
	var rows []struct {
		ID string
		N  int64
	}
	if err := dbs[0].Table("schema_migrations").Select("id, COUNT(*) AS n").Group("id").Order("id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	latest := false
	for _, r := range rows {
		latest = latest || r.ID == migrations.Latest()
		if r.N != 1 {
			t.Fatalf("schema_migrations holds %+v, want each migration once", rows)
		}
	}
	if !latest {
		t.Fatalf("schema_migrations holds %+v, want %s among them", rows, migrations.Latest())
	}
	for _, db := range dbs {
		if pending, err := migrations.Pending(db); err != nil || pending {
			t.Fatalf("pending=%v err=%v after concurrent migrations", pending, err)
		}
	}
}

// A PostgreSQL pool of one connection still migrates: the advisory lock and
// the migrations share one connection.
func TestPostgresPool(t *testing.T) {
	modelstest.Only(t, database.Postgres)
	url := modelstest.NewDatabaseURL(t)
	db, err := database.OpenWithPool(url, database.Pool{MaxOpenConns: 1, MaxIdleConns: 1, ConnMaxLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	sqlDB, _ := db.DB()
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("max open connections %d, want 1", n)
	}
	done := make(chan error, 1)
	go func() { done <- migrations.Migrate(db) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("migrating over a pool of one connection hangs")
	}
}
