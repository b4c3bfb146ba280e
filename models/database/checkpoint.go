package database

import (
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// SQLite copies committed pages from the WAL back into the database file at
// a checkpoint, which by default the committing connection runs itself,
// fsync included, every thousand pages: with one writer connection, every
// writer then waits for it. Here a background connection checkpoints
// (PASSIVE: never waiting for, nor blocking, readers or the writer) a few
// times a second, and the writer's own automatic checkpoint stays only as a
// backstop should the WAL outgrow walBackstopPages.
const (
	sqliteWriterDriver = "nalgae-sqlite3-writer"
	walBackstopPages   = 20000 // about 80 MB of WAL
	checkpointEvery    = 200 * time.Millisecond
)

func init() {
	sql.Register(sqliteWriterDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walBackstopPages), nil)
		return err
	}})
}

// checkpointer is the background checkpoint of one open SQLite database,
// kept among the gorm plugins so that Close can stop it.
type checkpointer struct {
	stop, done chan struct{}
	stopOnce   sync.Once
}

func (*checkpointer) Name() string              { return "nalgae:checkpointer" }
func (*checkpointer) Initialize(*gorm.DB) error { return nil }

// startCheckpointer checkpoints the database dsn opens in the background
// until Close.
func startCheckpointer(db *gorm.DB, dsn string) error {
	conn, err := sql.Open(sqlite.DriverName, dsn)
	if err != nil {
		return fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	cp := &checkpointer{stop: make(chan struct{}), done: make(chan struct{})}
	if err := db.Use(cp); err != nil {
		_ = conn.Close()
		return fmt.Errorf("sqlite checkpointer: %w", err)
	}
	go func() {
		defer close(cp.done)
		defer conn.Close()
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-cp.stop:
				return
			case <-tick.C:
				if _, err := conn.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
					slog.Warn("sqlite checkpoint", "err", err)
				}
			}
		}
	}()
	return nil
}

// stopCheckpointer ends db's background checkpoints, if it has any.
func stopCheckpointer(db *gorm.DB) {
	if cp, ok := db.Config.Plugins[(&checkpointer{}).Name()].(*checkpointer); ok {
		cp.stopOnce.Do(func() { close(cp.stop) })
		<-cp.done
	}
}
