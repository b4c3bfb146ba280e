// Package database opens Nalgae's database: SQLite (WAL, one writer
// connection, read-only readers, prepared statements, background checkpoints,
// settings read back at start) or PostgreSQL (a sized pool), chosen by
// DATABASE_URL. It knows the connections, not the domain.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"
)

// Dialect names the database behind a *gorm.DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDatabaseURL is used when DATABASE_URL is empty.
const DefaultDatabaseURL = "./data/nalgae.db"

// sqliteBusyTimeout is how long a writer waits for the lock before failing.
const sqliteBusyTimeout = 5 * time.Second

// sqliteCacheKiB is the writer's page cache: enough for the summary tables
// and the recent pages of the entries and sales indexes it updates to stay
// in memory.
const sqliteCacheKiB = 16 << 10

// sqliteReaderCacheKiB is each read-only connection's page cache: the
// summary tables that answer KPIs and reports (under 3 MB at a thousand
// teams) fit; what does not comes from the operating system's page cache,
// which every connection shares and which does not count against the
// server's memory. Four readers at the writer's size would keep up to 64 MB
// of the same pages four times over, a third of the server's budget.
const sqliteReaderCacheKiB = 8 << 10

// ParseDatabaseURL tells which dialect a DATABASE_URL means and returns the
// DSN its driver takes: postgres:// and postgresql:// are PostgreSQL; anything
// else is a SQLite file path, optionally prefixed with sqlite:// or file:.
func ParseDatabaseURL(raw string) (Dialect, string) {
	if raw == "" {
		raw = DefaultDatabaseURL
	}
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		return Postgres, raw
	}
	path := raw
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		if strings.HasPrefix(path, prefix) {
			path = strings.TrimPrefix(path, prefix)
			break
		}
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i] // our pragmas are not negotiable; ignore any given
	}
	return SQLite, path
}

// Pool sizes the PostgreSQL connection pool of one instance. SQLite ignores
// it: one connection is all a single writer can use.
type Pool struct {
	MaxOpenConns    int           // 0 means no limit
	MaxIdleConns    int           // idle connections kept for reuse
	ConnMaxLifetime time.Duration // 0 means connections are reused forever
}

// DefaultPool suits one API instance; several instances share the server's
// max_connections (100 by default), so keep instances × MaxOpenConns below it.
// Every open connection is kept when idle: with fewer, a burst of requests
// closes connections and the next opens new ones, each a server process
// started, authenticated and its statements planned afresh (under the
// benchmark's 32 readers that halved the team-KPI rate). Ten, not more:
// requests waiting a moment for a connection in Go cost less than more
// server processes contending for the database's cores (on two cores, 50
// writers over two instances did 670 writes/s with 20 each, 790 with 8-10).
var DefaultPool = Pool{MaxOpenConns: 10, MaxIdleConns: 10, ConnMaxLifetime: 30 * time.Minute}

// Open connects to the database a DATABASE_URL names with DefaultPool and
// checks that it is set up as Nalgae needs. It does not migrate.
func Open(databaseURL string) (*gorm.DB, error) {
	return OpenWithPool(databaseURL, DefaultPool)
}

// OpenWithPool is Open with the PostgreSQL pool sized by pool. This switch is
// the one place where the two databases are opened differently.
func OpenWithPool(databaseURL string, pool Pool) (*gorm.DB, error) {
	dialect, dsn := ParseDatabaseURL(databaseURL)
	cfg := &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
	switch dialect {
	case Postgres:
		return openPostgres(dsn, pool, cfg)
	default:
		return openSQLite(dsn, cfg)
	}
}

func openPostgres(dsn string, pool Pool, cfg *gorm.Config) (*gorm.DB, error) {
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return nil, fmt.Errorf("postgres DATABASE_URL: %w", err)
	}
	db, err := gorm.Open(postgres.New(postgres.Config{
		DSN:          dsn,
		OptionOpenDB: []stdlib.OptionOpenDB{stdlib.OptionAfterConnect(scanTimesInUTC)},
	}), cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("postgres handle: %w", err)
	}
	sqlDB.SetMaxOpenConns(pool.MaxOpenConns)
	sqlDB.SetMaxIdleConns(pool.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(pool.ConnMaxLifetime)
	return db, nil
}

// scanTimesInUTC makes timestamptz values come back in UTC, as they do from
// SQLite, whatever the server's or the process's time zone; JSON answers are
// then the same text on both databases.
func scanTimesInUTC(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{
		Name:  "timestamptz",
		OID:   pgtype.TimestamptzOID,
		Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
	})
	return nil
}

func openSQLite(path string, cfg *gorm.Config) (*gorm.DB, error) {
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlite needs a file path (WAL does not work in memory)")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// mattn/go-sqlite3 applies these to every connection it opens;
	// _txlock=immediate takes the write lock at BEGIN, so two writers queue on
	// the busy timeout instead of failing with SQLITE_BUSY mid-transaction.
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	q.Set("_cache_size", fmt.Sprint(-sqliteCacheKiB))
	dsn := "file:" + path + "?" + q.Encode()
	// Statements are prepared once per pool (stmtcache.go).
	sqlDB, err := sql.Open(sqliteWriterDriver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db, err := gorm.Open(&sqlite.Dialector{DriverName: sqliteWriterDriver, DSN: dsn, Conn: newPreparedPool(sqlDB)}, cfg)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One connection writes: SQLite has one writer anyway, and a single
	// connection means no two goroutines ever race for the write lock.
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	if err := checkSQLitePragmas(db); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := addSQLiteReaders(db, path, q); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := startCheckpointer(db, dsn); err != nil {
		Close(db)
		return nil, err
	}
	return db, nil
}

// sqliteReaders is how many read-only connections serve queries outside
// transactions: at least four, one per core on larger machines. In WAL mode
// readers never wait for the writer nor each other, so reads (KPIs, lists,
// the report) use every core while the one writer connection goes on
// writing. (Two on two cores queued requests for a connection; eight did no
// better than four.)
var sqliteReaders = max(4, runtime.NumCPU())

// addSQLiteReaders routes the statements that only read, outside a
// transaction, to a pool of read-only connections (gorm's dbresolver: a
// query, or raw SQL starting with SELECT; models mark other reads with
// dbresolver.Read). Writes and everything in a transaction stay on the
// writer, which also makes a request read its own writes.
func addSQLiteReaders(db *gorm.DB, path string, writer url.Values) error {
	q := url.Values{}
	q.Set("mode", "ro")
	// database/sql lends a connection to one goroutine at a time, so
	// SQLite's per-connection mutex only costs time.
	q.Set("_mutex", "no")
	q.Set("_foreign_keys", writer.Get("_foreign_keys"))
	q.Set("_busy_timeout", writer.Get("_busy_timeout"))
	q.Set("_cache_size", fmt.Sprint(-sqliteReaderCacheKiB))
	dsn := "file:" + path + "?" + q.Encode()
	pool, err := sql.Open(sqlite.DriverName, dsn)
	if err != nil {
		return fmt.Errorf("open sqlite readers %s: %w", path, err)
	}
	pool.SetMaxOpenConns(sqliteReaders)
	pool.SetMaxIdleConns(sqliteReaders)
	pool.SetConnMaxLifetime(0)
	readers := &sqlite.Dialector{DriverName: sqlite.DriverName, DSN: dsn, Conn: newPreparedPool(pool)}
	if err := db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{readers}})); err != nil {
		_ = pool.Close()
		return fmt.Errorf("sqlite readers: %w", err)
	}
	return nil
}

// checkSQLitePragmas reads the settings back: a driver that silently ignored
// a DSN option would otherwise leave us without foreign keys or WAL.
func checkSQLitePragmas(db *gorm.DB) error {
	want := []struct {
		pragma string
		ok     func(string) bool
		need   string
	}{
		{"journal_mode", func(v string) bool { return strings.EqualFold(v, "wal") }, "wal"},
		{"foreign_keys", func(v string) bool { return v == "1" }, "1"},
		{"busy_timeout", func(v string) bool {
			var ms int64
			_, err := fmt.Sscan(v, &ms)
			return err == nil && ms >= sqliteBusyTimeout.Milliseconds()
		}, fmt.Sprintf(">= %d", sqliteBusyTimeout.Milliseconds())},
	}
	for _, w := range want {
		var got string
		if err := db.Raw("PRAGMA " + w.pragma).Scan(&got).Error; err != nil {
			return fmt.Errorf("read pragma %s: %w", w.pragma, err)
		}
		if !w.ok(got) {
			return fmt.Errorf("sqlite pragma %s is %q, want %s", w.pragma, got, w.need)
		}
	}
	return nil
}

// DialectOf tells which database db talks to.
func DialectOf(db *gorm.DB) Dialect {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

// Ping checks that the database answers.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connections, the SQLite readers' too.
func Close(db *gorm.DB) {
	sqlDB, err := db.DB()
	if err != nil {
		return
	}
	stopCheckpointer(db)
	if resolver, ok := db.Config.Plugins[(&dbresolver.DBResolver{}).Name()].(*dbresolver.DBResolver); ok {
		_ = resolver.Call(func(pool gorm.ConnPool) error {
			if p, ok := pool.(gorm.GetDBConnector); ok {
				if readers, err := p.GetDBConn(); err == nil && readers != sqlDB {
					if err := readers.Close(); err != nil {
						slog.Warn("close database readers", "err", err)
					}
				}
			}
			return nil
		})
	}
	if err := sqlDB.Close(); err != nil {
		slog.Warn("close database", "err", err)
	}
}
