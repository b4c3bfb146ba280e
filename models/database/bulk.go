package database

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// TimeLayout is how mattn/go-sqlite3 writes a time.Time (its
// SQLiteTimestampFormats[0]); timestamps given as this text are stored as
// if gorm had written them, and PostgreSQL reads the same text into a
// timestamptz.
const TimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// BulkConstant is a column whose value is the same in every row: Literal
// is it as SQL text (BulkInsert writes it into its INSERT), Value as a
// value (CopyInsert sends it with each row).
type BulkConstant struct {
	Column, Literal string
	Value           any
}

// BulkInsert writes rows with multi-row INSERTs through one prepared
// statement, which is what makes a million rows take seconds rather than
// minutes. Rows per statement stay under both databases' bind-parameter
// limits (SQLite 32766, PostgreSQL 65535). Binding a value costs a cgo call
// on SQLite, the seed's main cost, so values shared by every row are
// literals in the statement instead (constants: our own text, never input).
type BulkInsert struct {
	ctx       context.Context
	pool      gorm.ConnPool
	dialect   Dialect
	table     string
	columns   []string
	constants []BulkConstant
	perStmt   int
	stmt      *sql.Stmt // the full-batch INSERT, prepared once
	pending   []any
}

const bulkMaxParams = 30_000

// NewBulkInsert prepares the INSERT of columns (then constants) into table
// on tx's connection; rows are added with Add and the rest written by Flush.
func NewBulkInsert(ctx context.Context, tx *gorm.DB, table string, columns []string, constants []BulkConstant) (*BulkInsert, error) {
	b := &BulkInsert{ctx: ctx, pool: tx.Statement.ConnPool, dialect: DialectOf(tx), table: table, columns: columns,
		constants: constants, perStmt: bulkMaxParams / len(columns)}
	stmt, err := b.pool.PrepareContext(ctx, b.sql(b.perStmt))
	if err != nil {
		return nil, fmt.Errorf("prepare insert into %s: %w", table, err)
	}
	b.stmt = stmt
	b.pending = make([]any, 0, b.perStmt*len(columns))
	return b, nil
}

// sql is the INSERT of rows rows, with the dialect's placeholders.
func (b *BulkInsert) sql(rows int) string {
	var sb strings.Builder
	names := slices.Clone(b.columns)
	for _, c := range b.constants {
		names = append(names, c.Column)
	}
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(names, ", ") + ") VALUES ")
	n := 0
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range b.columns {
			if c > 0 {
				sb.WriteByte(',')
			}
			n++
			if b.dialect == Postgres {
				fmt.Fprintf(&sb, "$%d", n)
			} else {
				sb.WriteByte('?')
			}
		}
		for _, c := range b.constants {
			sb.WriteString("," + c.Literal)
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// Add queues one row (values in column order) and writes a full batch.
func (b *BulkInsert) Add(values ...any) error {
	if len(values) != len(b.columns) {
		return fmt.Errorf("insert into %s: %d values for %d columns", b.table, len(values), len(b.columns))
	}
	for _, v := range values {
		b.pending = append(b.pending, derefNull(v))
	}
	if len(b.pending) == cap(b.pending) {
		if _, err := b.stmt.ExecContext(b.ctx, b.pending...); err != nil {
			return err
		}
		b.pending = b.pending[:0]
	}
	return nil
}

// Flush writes the last, partial batch with a statement of its own size.
func (b *BulkInsert) Flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	_, err := b.pool.ExecContext(b.ctx, b.sql(len(b.pending)/len(b.columns)), b.pending...)
	b.pending = b.pending[:0]
	return err
}

// Close releases the prepared statement.
func (b *BulkInsert) Close() { _ = b.stmt.Close() }

// derefNull turns a nil *int64 into an untyped NULL and a set one into its
// value here, once, rather than leaving each driver's converter to reflect
// on a million pointers.
func derefNull(v any) any {
	if p, ok := v.(*int64); ok {
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}
