package modelstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the admin connection
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/migrations"
)

// The dialect under test is chosen by the environment, so that the same suite
// runs on both databases (`make test` runs it twice):
//
//	NALGAE_TEST_DIALECT=sqlite (or unset)  SQLite files in temp dirs
//	NALGAE_TEST_DIALECT=postgres           a database per test on the server
//	                                       TEST_DATABASE_URL names
//
// TEST_DATABASE_URL (postgres://user@host:port/db) must let its user create
// schemas in that database; each test gets a schema of its own there.
// Setting it alone changes nothing: the SQLite run never needs PostgreSQL.
const (
	DialectEnv     = "NALGAE_TEST_DIALECT"
	DatabaseURLEnv = "TEST_DATABASE_URL"
)

// Dialect is the database the tests run on.
func Dialect() models.Dialect {
	if strings.EqualFold(os.Getenv(DialectEnv), string(models.Postgres)) {
		return models.Postgres
	}
	return models.SQLite
}

// Only skips t unless the suite runs on d: for the few tests about one
// database's own machinery (SQLite's pragmas and files, PostgreSQL's locks).
func Only(t testing.TB, d models.Dialect) {
	t.Helper()
	if Dialect() != d {
		t.Skipf("%s only; this run is on %s (%s=%s)", d, Dialect(), DialectEnv, d)
	}
}

// NewDatabaseURL creates an empty database (no migrations) that lives as long
// as t and returns the DATABASE_URL that opens it: for tests that open the
// database themselves, or run the nalgae binary on it.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	if Dialect() == models.Postgres {
		return pgNewDatabase(t)
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "nalgae.db")
}

// pgServer is the admin connection to TEST_DATABASE_URL's database, shared by
// every test of the package.
var pgServer struct {
	once sync.Once
	url  *url.URL
	db   *sql.DB
	err  error
}

func pgAdmin(t testing.TB) (*sql.DB, *url.URL) {
	t.Helper()
	pgServer.once.Do(func() {
		raw := os.Getenv(DatabaseURLEnv)
		if raw == "" {
			pgServer.err = fmt.Errorf("%s=postgres needs %s=postgres://user@host:port/db", DialectEnv, DatabaseURLEnv)
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			pgServer.err = fmt.Errorf("%s must be a postgres:// URL", DatabaseURLEnv)
			return
		}
		pgServer.url = u
		pgServer.db, err = sql.Open("pgx", raw)
		if err == nil {
			err = pgServer.db.Ping()
		}
		pgServer.err = err
	})
	if pgServer.err != nil {
		t.Fatalf("test PostgreSQL server: %v", pgServer.err)
	}
	return pgServer.db, pgServer.url
}

// Each PostgreSQL test gets a schema of its own in TEST_DATABASE_URL's
// database, named nalgae_test_<random> and dropped when the test ends; its
// URL sets search_path to that schema alone, so that the application, which
// never names a schema, sees only that test's tables. (A database per test
// would do as well, but CREATE and DROP DATABASE cost most of a second each,
// and the suite clones a database for hundreds of tests.)

// createPgSchema creates an empty schema that lives as long as t and returns
// its name and the URL whose connections use it.
func createPgSchema(t testing.TB) (name, databaseURL string) {
	t.Helper()
	admin, server := pgAdmin(t)
	name = randomName("nalgae_test_")
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", name, err)
		}
	})
	u := *server
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return name, u.String()
}

// pgNewDatabase is NewDatabaseURL on PostgreSQL.
func pgNewDatabase(t testing.TB) string {
	t.Helper()
	_, u := createPgSchema(t)
	return u
}

// pgMigrated is a fresh, migrated schema. Migrating takes a few dozen round
// trips of catalog queries; replaying the statements a real migration
// issued (recorded once per test process) takes a few milliseconds.
func pgMigrated(t testing.TB) string {
	t.Helper()
	rec := recordedMigration(t)
	name, u := createPgSchema(t)
	replay(t, name, rec.statements)
	return u
}

// pgTemplate builds a template schema once with real migrations; each clone
// is a new schema with the same tables, made by the recorded migration, and
// a copy of the template's rows and sequence positions.
func pgTemplate(t testing.TB, build func(*gorm.DB)) func(testing.TB) *gorm.DB {
	t.Helper()
	rec := recordedMigration(t)
	src, srcURL := createPgSchema(t)
	db := open(t, srcURL, true)
	build(db)
	models.Close(db)
	return func(t testing.TB) *gorm.DB {
		t.Helper()
		name, u := createPgSchema(t)
		replay(t, name, rec.ddl)
		copyRows(t, src, name, rec.tables)
		return open(t, u, false)
	}
}

// migrationRecording is what migrations.Migrate sends to an empty schema.
type migrationRecording struct {
	statements []string // every statement but queries, in order
	ddl        []string // the statements that define the schema
	tables     []string // in creation order, which foreign keys allow
}

var pgRecording struct {
	once sync.Once
	rec  migrationRecording
	err  error
}

var createTable = regexp.MustCompile(`^CREATE TABLE "([a-z_]+)"`)

// recordedMigration migrates a scratch schema once per test process and
// keeps the statements it took.
func recordedMigration(t testing.TB) migrationRecording {
	t.Helper()
	pgRecording.once.Do(func() {
		admin, server := pgAdmin(t)
		name := randomName("nalgae_test_")
		if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
			pgRecording.err = err
			return
		}
		defer admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE")
		u := *server
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		db, err := models.OpenWithPool(u.String(), testPool)
		if err != nil {
			pgRecording.err = err
			return
		}
		defer models.Close(db)
		var log statementLog
		if err := migrations.Migrate(db.Session(&gorm.Session{Logger: &log})); err != nil {
			pgRecording.err = err
			return
		}
		rec := &pgRecording.rec
		for _, stmt := range log.statements {
			first := strings.ToUpper(strings.Fields(stmt)[0])
			if first == "SELECT" {
				continue
			}
			rec.statements = append(rec.statements, stmt)
			if first == "INSERT" || first == "UPDATE" || first == "DELETE" {
				continue
			}
			rec.ddl = append(rec.ddl, stmt)
			if m := createTable.FindStringSubmatch(stmt); m != nil {
				rec.tables = append(rec.tables, m[1])
			}
		}
		if len(rec.tables) == 0 {
			pgRecording.err = fmt.Errorf("recorded no CREATE TABLE in %d statements", len(log.statements))
		}
	})
	if pgRecording.err != nil {
		t.Fatalf("record the migrations: %v", pgRecording.err)
	}
	return pgRecording.rec
}

// replay runs statements in schema, in one transaction.
func replay(t testing.TB, schema string, statements []string) {
	t.Helper()
	admin, _ := pgAdmin(t)
	tx, err := admin.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("SET LOCAL search_path TO " + schema); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range statements {
		if _, err := tx.Exec(stmt); err != nil {
			t.Fatalf("replay %q: %v", stmt, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// copyRows copies every row of tables, and the position of every sequence,
// from schema src to schema dst.
func copyRows(t testing.TB, src, dst string, tables []string) {
	t.Helper()
	admin, _ := pgAdmin(t)
	tx, err := admin.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, table := range tables {
		if _, err := tx.Exec(fmt.Sprintf(`INSERT INTO %s.%q SELECT * FROM %s.%q`, dst, table, src, table)); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
	rows, err := tx.Query(`SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = $1 AND last_value IS NOT NULL`, src)
	if err != nil {
		t.Fatal(err)
	}
	positions := map[string]int64{}
	for rows.Next() {
		var seq string
		var last int64
		if err := rows.Scan(&seq, &last); err != nil {
			t.Fatal(err)
		}
		positions[seq] = last
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for seq, last := range positions {
		if _, err := tx.Exec(`SELECT setval($1, $2)`, fmt.Sprintf("%s.%q", dst, seq), last); err != nil {
			t.Fatalf("set sequence %s: %v", seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// statementLog is a gorm logger that keeps every statement it is shown.
type statementLog struct {
	mu         sync.Mutex
	statements []string
}

func (l *statementLog) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *statementLog) Info(context.Context, string, ...any)     {}
func (l *statementLog) Warn(context.Context, string, ...any)     {}
func (l *statementLog) Error(context.Context, string, ...any)    {}
func (l *statementLog) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	if err != nil {
		return
	}
	stmt, _ := fc()
	if strings.TrimSpace(stmt) == "" {
		return
	}
	l.mu.Lock()
	l.statements = append(l.statements, stmt)
	l.mu.Unlock()
}

// randomName is a schema name no other test (or test process) uses.
func randomName(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
