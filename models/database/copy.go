package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// RowWriter writes rows valid by construction into one table: Add queues a
// row (values in column order), Flush writes what is queued, Close releases
// what the writer holds. BulkInsert is SQLite's; CopyInsert PostgreSQL's.
type RowWriter interface {
	Add(values ...any) error
	Flush() error
	Close()
}

// PinConn runs fn with a session of db bound to one connection of its
// pool, which fn's transaction then runs on: a COPY (CopyInsert) must go
// over the very connection that holds the transaction, and database/sql
// only hands a driver connection out through a *sql.Conn.
func PinConn(ctx context.Context, db *gorm.DB, fn func(pinned *gorm.DB, conn *sql.Conn) error) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	pinned := db.Session(&gorm.Session{NewDB: true, Context: ctx})
	pinned.Statement.ConnPool = conn
	return fn(pinned, conn)
}

// copyChunk is how many rows one COPY carries. Each COPY is one statement,
// so the summary triggers (statement triggers, 20261232_pg_summaries) add
// up this many rows at a time; the queue's memory stays in tens of MB.
const copyChunk = 50_000

// CopyInsert writes rows into a PostgreSQL table with COPY FROM STDIN in
// pgx's binary format: no SQL to parse and no bind parameters, which is
// what makes a million rows take seconds. Constants (columns with the same
// value in every row) are appended to each row by their Value.
type CopyInsert struct {
	ctx       context.Context
	conn      *sql.Conn
	table     string
	columns   []string
	constants []any
	rows      [][]any
}

// NewCopyInsert prepares the COPY of columns (then constants) into table
// over conn, the connection the caller's transaction runs on (PinConn).
func NewCopyInsert(ctx context.Context, conn *sql.Conn, table string, columns []string, constants []BulkConstant) *CopyInsert {
	c := &CopyInsert{ctx: ctx, conn: conn, table: table, columns: slices.Clone(columns)}
	for _, k := range constants {
		c.columns = append(c.columns, k.Column)
		c.constants = append(c.constants, copyValue(k.Value))
	}
	return c
}

// Add queues one row and writes a full chunk.
func (c *CopyInsert) Add(values ...any) error {
	if len(values)+len(c.constants) != len(c.columns) {
		return fmt.Errorf("copy into %s: %d values for %d columns", c.table, len(values), len(c.columns)-len(c.constants))
	}
	row := make([]any, 0, len(c.columns))
	for _, v := range values {
		row = append(row, copyValue(v))
	}
	c.rows = append(c.rows, append(row, c.constants...))
	if len(c.rows) >= copyChunk {
		return c.Flush()
	}
	return nil
}

// Flush copies the queued rows.
func (c *CopyInsert) Flush() error {
	if len(c.rows) == 0 {
		return nil
	}
	err := c.conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: the connection is a %T, not pgx's", c.table, dc)
		}
		n, err := pc.Conn().CopyFrom(c.ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows))
		if err == nil && n != int64(len(c.rows)) {
			err = fmt.Errorf("%d of %d rows copied", n, len(c.rows))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", c.table, err)
	}
	c.rows = c.rows[:0]
	return nil
}

// Close drops what is queued and not flushed.
func (c *CopyInsert) Close() { c.rows = nil }

// copyValue is v as pgx's binary COPY encodes it directly: a civil date
// as a time.Time, a nil *int64 as NULL. Other driver.Valuers are replaced
// by their value (text, which pgx parses for the column's type).
func copyValue(v any) any {
	switch x := v.(type) {
	case civil.Date:
		return time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, time.UTC)
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case driver.Valuer:
		if val, err := x.Value(); err == nil {
			return val
		}
	}
	return v
}
