package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
)

// Loader is the one write path of bulk loads (the seeds of models/seed): a
// transaction in which the Store's own methods work as in a request (Store
// is bound to it; each of its writes opens a savepoint), and in which rows
// known to be valid may go in by the thousand. Everything a Loader writes,
// and every audit event it records, commits together or not at all.
type Loader struct {
	// Store is the Store bound to the load's transaction.
	Store *Store
	ctx   context.Context
	tx    *gorm.DB
	conn  *sql.Conn // the transaction's connection on PostgreSQL, for COPY
}

// Load runs fn in one transaction. What fn writes outside the Store's
// methods it records with Loader.Audit, so that the audit log tells every
// write whichever path it took.
func (s *Store) Load(ctx context.Context, fn func(l *Loader) error) error {
	load := func(db *gorm.DB, conn *sql.Conn) error {
		return db.Transaction(func(tx *gorm.DB) error {
			l := &Loader{Store: &Store{db: tx, today: s.today, loginLimits: s.loginLimits, kpis: s.kpis, sources: s.sources}, ctx: ctx, tx: tx, conn: conn}
			return fn(l)
		})
	}
	if database.DialectOf(s.db) != database.Postgres {
		return load(s.db.WithContext(ctx), nil)
	}
	// PostgreSQL loads in bulk with COPY, over the transaction's own connection.
	return database.PinConn(ctx, s.db, load)
}

// Context is the load's context.
func (l *Loader) Context() context.Context { return l.ctx }

// Today is the Store's today.
func (l *Loader) Today() civil.Date { return l.Store.today() }

// Audit appends the audit event of what actor's load wrote in bulk.
func (l *Loader) Audit(actor Actor, action, entity string, entityID, programID uint64, after any) error {
	return appendAudit(l.tx, actor, audit{action: action, entity: entity, entityID: entityID, programID: programID, after: after})
}

// Exists reports whether a row of model matches the condition.
func (l *Loader) Exists(model any, query string, args ...any) (bool, error) {
	var n int64
	if err := l.tx.Model(model).Where(query, args...).Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("look up %T: %w", model, err)
	}
	return n > 0, nil
}

// Count counts the rows of model.
func (l *Loader) Count(model any) (int64, error) {
	var n int64
	if err := l.tx.Model(model).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count %T: %w", model, err)
	}
	return n, nil
}

// Insert writes rows (a pointer to a model or to a slice of models) as they
// are, filling in their ids; the caller vouches for their validity and
// records their audit event.
func (l *Loader) Insert(rows any) error {
	if err := l.tx.CreateInBatches(rows, 1000).Error; err != nil {
		return fmt.Errorf("insert %T: %w", rows, duplicate(err, "a row"))
	}
	return nil
}

// Bulk prepares the bulk write into table of rows valid by construction:
// COPY on PostgreSQL (database.CopyInsert), multi-row INSERTs on SQLite
// (database.BulkInsert). Either way the database's triggers keep the
// summary tables in step (on PostgreSQL once per COPY, set-wise).
func (l *Loader) Bulk(table string, columns []string, constants []database.BulkConstant) (database.RowWriter, error) {
	if l.conn != nil {
		return database.NewCopyInsert(l.ctx, l.conn, table, columns, constants), nil
	}
	return database.NewBulkInsert(l.ctx, l.tx, table, columns, constants)
}

// CreateUser creates a user whose password is already hashed (hashing is
// what makes a seed slow, so seeds hash in parallel beforehand). The input
// is validated as CreateUser validates it, and the creation audited.
func (l *Loader) CreateUser(actor Actor, in UserInput, passwordHash string) (*User, error) {
	p := Problems{}
	in.validate(p, false)
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("user %s: %w", deref(in.Email, ""), err)
	}
	u := &User{Email: normalizeEmail(*in.Email), Name: deref(in.Name, ""), Role: *in.Role, Locale: deref(in.Locale, LocaleKo),
		PasswordHash: passwordHash}
	if err := l.tx.Create(u).Error; err != nil {
		return nil, fmt.Errorf("user %s: %w", u.Email, duplicate(err, "a user with this email"))
	}
	return u, l.Audit(actor, "create", "user", u.ID, 0, u)
}

// ImportApproved writes a campaign's entries as approved by reviewerID, as
// if the team had imported them from source and the reviewer had approved
// them: each entry is validated as an import validates it, and the whole is
// audited as one import.
func (l *Loader) ImportApproved(actor Actor, c *Campaign, programID, reviewerID uint64, source string, entries []MetricEntry) error {
	if len(entries) == 0 {
		return nil
	}
	now := nowUTC()
	for k := range entries {
		e := &entries[k]
		e.CampaignID, e.Status, e.Source = c.ID, StatusApproved, source
		e.ReviewedBy, e.ReviewedAt = ptr(reviewerID), timePtr(now)
		e.Version = 3 // created, submitted, approved
		if err := e.validate(c.Kind, l.Today()); err != nil {
			return fmt.Errorf("entry of %s: %w", e.Date, err)
		}
	}
	if err := l.tx.CreateInBatches(entries, 200).Error; err != nil {
		return fmt.Errorf("insert entries: %w", err)
	}
	return l.Audit(actor, "import", "metric", 0, programID, map[string]any{
		"campaign_id": c.ID, "source": source, "status": StatusApproved,
		"from": entries[0].Date, "to": entries[len(entries)-1].Date, "rows": len(entries),
	})
}
