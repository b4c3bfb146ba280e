package database

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"gorm.io/gorm"
)

// SQLTx is the database/sql transaction under tx, a *gorm.DB inside a
// transaction: for code (River's migrations) that runs its own statements in
// our transaction.
func SQLTx(tx *gorm.DB) (*sql.Tx, error) {
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, nil
	case *preparedTx:
		return p.tx, nil
	}
	return nil, errors.New("not inside a transaction")
}

// OpenSQLiteJobs opens the SQLite file a DATABASE_URL names for the job
// queue (River): a pool of its own with one connection, the writer's
// settings (WAL, foreign keys, the busy timeout, BEGIN IMMEDIATE), so that
// River's writes queue on SQLite's lock with the application's writer instead
// of sharing, and racing on, the writer connection itself.
func OpenSQLiteJobs(databaseURL string) (*sql.DB, error) {
	dialect, path := ParseDatabaseURL(databaseURL)
	if dialect != SQLite {
		return nil, fmt.Errorf("not a SQLite DATABASE_URL")
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	pool, err := sql.Open(sqliteWriterDriver, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite jobs %s: %w", path, err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	pool.SetConnMaxLifetime(0)
	return pool, nil
}
