package database

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
	"gorm.io/gorm"
)

// stmtCacheSize bounds the prepared statements kept per pool: the queries of
// every code path, several times over for IN lists of different lengths.
const stmtCacheSize = 1024

// preparedPool is a gorm connection pool over a SQLite *sql.DB that prepares
// each distinct query once and runs it from then on as a prepared statement,
// in and out of transactions. Preparing costs SQLite about as much as running
// a small statement (more for a table with triggers, whose programs are
// compiled in), and a write transaction runs a dozen statements while it
// holds the one writer connection.
//
// gorm's own PrepareStmt prepares a statement first met in a transaction on
// that transaction, which database/sql must then prepare again in every
// later one. Here statements are prepared on the pool: database/sql keeps
// them per connection and lends them to a transaction on that connection.
// A statement first met in a transaction runs unprepared once and is
// prepared on the pool when the transaction has let its connection go (with
// a single writer connection, preparing on the pool meanwhile would wait for
// the transaction itself).
type preparedPool struct {
	db *sql.DB

	mu    sync.Mutex // one prepare of a query at a time
	stmts *lru.Cache[string, *sql.Stmt]
}

func newPreparedPool(db *sql.DB) *preparedPool {
	stmts, err := lru.NewWithEvict(stmtCacheSize, func(_ string, s *sql.Stmt) { _ = s.Close() })
	if err != nil {
		panic(fmt.Sprintf("statement cache: %v", err)) // only for a size below 1
	}
	return &preparedPool{db: db, stmts: stmts}
}

// prepared is query's statement, prepared on the pool if it is not yet.
func (p *preparedPool) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := p.stmts.Get(query); ok {
		return s, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts.Get(query); ok {
		return s, nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts.Add(query, s)
	return s, nil
}

// prepareLater prepares queries met in a transaction once it has ended.
func (p *preparedPool) prepareLater(queries []string) {
	if len(queries) == 0 {
		return
	}
	go func() {
		for _, q := range queries {
			// A query that does not prepare (a pool closed meanwhile) is
			// only left unprepared; its next run reports any real error.
			_, _ = p.prepared(context.Background(), q)
		}
	}()
}

func (p *preparedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *preparedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := p.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (p *preparedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := p.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (p *preparedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := p.prepared(ctx, query)
	if err != nil {
		// *sql.Row carries its error only from database/sql itself: let the
		// pool run the query unprepared and report whatever it reports.
		return p.db.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

func (p *preparedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &preparedTx{tx: tx, pool: p}, nil
}

// GetDBConn lets gorm (db.DB()) reach the *sql.DB for pool settings, pings
// and closing.
func (p *preparedPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// preparedTx is a transaction of a preparedPool.
type preparedTx struct {
	tx     *sql.Tx
	pool   *preparedPool
	missed []string // queries run unprepared, to prepare after the end
}

// stmt is query's pool statement lent to the transaction, or nil when the
// query has not been prepared yet.
func (t *preparedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := t.pool.stmts.Get(query); ok {
		return t.tx.StmtContext(ctx, s)
	}
	t.missed = append(t.missed, query)
	return nil
}

func (t *preparedTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

func (t *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t *preparedTx) Commit() error {
	err := t.tx.Commit()
	t.pool.prepareLater(t.missed)
	return err
}

func (t *preparedTx) Rollback() error {
	err := t.tx.Rollback()
	t.pool.prepareLater(t.missed)
	return err
}
