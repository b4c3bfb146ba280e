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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the admin connection
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
)

// The dialect under test is chosen by the environment, so that the same suite
// runs on both databases (`make test` runs it twice):
//
//	NALGAE_TEST_DIALECT=sqlite (or unset)  SQLite files in temp dirs
//	NALGAE_TEST_DIALECT=postgres           a schema per test in the database
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
func Dialect() database.Dialect {
	if strings.EqualFold(os.Getenv(DialectEnv), string(database.Postgres)) {
		return database.Postgres
	}
	return database.SQLite
}

// Only skips t unless the suite runs on d: for the few tests about one
// database's own machinery (SQLite's pragmas and files, PostgreSQL's locks).
func Only(t testing.TB, d database.Dialect) {
	t.Helper()
	if Dialect() != d {
		t.Skipf("%s only; this run is on %s (%s=%s)", d, Dialect(), DialectEnv, d)
	}
}

// NewDatabaseURL creates an empty database (no migrations; on PostgreSQL a
// schema) that lives as long as t and returns the DATABASE_URL that opens it:
// for tests that open the database themselves, or run the nalgae binary on it.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	if Dialect() == database.Postgres {
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

// pgTemplate builds a template schema once with real migrations. A clone is
// a schema of the same tables (made by the recorded migration) holding a copy
// of the template's rows and sequence positions. Making the tables is most
// of that cost, so a clone's schema is not dropped when its test ends but
// kept for the next clone, which empties it and copies the rows afresh; the
// template's test drops them all at its end.
func pgTemplate(t testing.TB, build func(*gorm.DB)) func(testing.TB) *gorm.DB {
	t.Helper()
	rec := recordedMigration(t)
	admin, server := pgAdmin(t)
	src, srcURL := createPgSchema(t)
	db := open(t, srcURL, true)
	build(db)
	database.Close(db)
	c := &pgClones{src: src, rec: rec, sequences: sequencePositions(t, src)}
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, name := range c.all {
			if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE"); err != nil {
				t.Errorf("drop test schema %s: %v", name, err)
			}
		}
	})
	return func(t testing.TB) *gorm.DB {
		t.Helper()
		name := c.checkout(t)
		// Registered before open's Close, so it runs after it: the schema
		// goes back once no connection uses it.
		t.Cleanup(func() { c.checkin(name) })
		u := *server
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		return open(t, u.String(), false)
	}
}

// pgClones are the schemas cloned from one template.
type pgClones struct {
	src       string
	rec       migrationRecording
	sequences map[string]sequencePosition // of the template
	mu        sync.Mutex
	free      []string // used copies, to be refilled before reuse
	all       []string
}

type sequencePosition struct {
	last   int64
	called bool
}

// checkout gives a schema holding exactly the template's rows.
func (c *pgClones) checkout(t testing.TB) string {
	t.Helper()
	admin, _ := pgAdmin(t)
	c.mu.Lock()
	var name string
	if n := len(c.free); n > 0 {
		name, c.free = c.free[n-1], c.free[:n-1]
	}
	c.mu.Unlock()
	if name == "" {
		name = randomName("nalgae_test_")
		if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
			t.Fatalf("create test schema: %v", err)
		}
		c.mu.Lock()
		c.all = append(c.all, name)
		c.mu.Unlock()
		replay(t, name, c.rec.ddl)
	}
	c.fill(t, name)
	return name
}

func (c *pgClones) checkin(name string) {
	c.mu.Lock()
	c.free = append(c.free, name)
	c.mu.Unlock()
}

// fill empties schema dst and copies the template's rows and sequence
// positions into it, in one transaction. Rows go in table-creation order
// (parents first) and out in the reverse; audit_events refuses DELETE, and
// has no foreign keys, so it is truncated.
func (c *pgClones) fill(t testing.TB, dst string) {
	t.Helper()
	admin, _ := pgAdmin(t)
	tx, err := admin.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(stmt string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(stmt, args...); err != nil {
			t.Fatalf("fill test schema: %s: %v", stmt, err)
		}
	}
	// The rows are copied as they are: triggers (which keep summary tables in
	// step) must not fire again on a copy that already holds their result.
	exec("SET LOCAL session_replication_role = replica")
	tables := c.rec.tables
	for i := len(tables) - 1; i >= 0; i-- {
		if tables[i] == "audit_events" {
			exec(fmt.Sprintf("TRUNCATE %s.%q", dst, tables[i]))
		} else {
			exec(fmt.Sprintf("DELETE FROM %s.%q", dst, tables[i]))
		}
	}
	for _, table := range tables {
		exec(fmt.Sprintf("INSERT INTO %s.%q SELECT * FROM %s.%q", dst, table, c.src, table))
	}
	for seq, pos := range c.sequences {
		exec("SELECT setval($1, $2, $3)", fmt.Sprintf("%s.%q", dst, seq), pos.last, pos.called)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// sequencePositions reads where each sequence of schema stands.
func sequencePositions(t testing.TB, schema string) map[string]sequencePosition {
	t.Helper()
	admin, _ := pgAdmin(t)
	rows, err := admin.Query(`SELECT sequencename, COALESCE(last_value, start_value), last_value IS NOT NULL
		FROM pg_sequences WHERE schemaname = $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]sequencePosition{}
	for rows.Next() {
		var seq string
		var pos sequencePosition
		if err := rows.Scan(&seq, &pos.last, &pos.called); err != nil {
			t.Fatal(err)
		}
		out[seq] = pos
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
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

var (
	createTable = regexp.MustCompile(`^CREATE TABLE "([a-z_]+)"`)
	dropTable   = regexp.MustCompile(`^DROP TABLE (?:IF EXISTS )?"([a-z_]+)"`)
)

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
		db, err := database.OpenWithPool(u.String(), testPool)
		if err != nil {
			pgRecording.err = err
			return
		}
		defer database.Close(db)
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
			if m := dropTable.FindStringSubmatch(stmt); m != nil {
				rec.tables = slices.DeleteFunc(rec.tables, func(t string) bool { return t == m[1] })
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

// replay runs statements in schema, in one transaction, and River's
// migrations (which run their own statements, past gorm's log) after them.
// River's tables hold no rows of a template, so clones leave them alone.
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
	for _, version := range migrations.RiverVersions {
		riverTx, err := admin.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer riverTx.Rollback()
		if _, err := riverTx.Exec("SET LOCAL search_path TO " + schema); err != nil {
			t.Fatal(err)
		}
		if err := migrations.RiverMigrateTx(context.Background(), database.Postgres, riverTx, version); err != nil {
			t.Fatalf("replay River's migrations: %v", err)
		}
		if err := riverTx.Commit(); err != nil {
			t.Fatal(err)
		}
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
