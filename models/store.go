// Package models is Nalgae's domain: the stored entities, who may do what to
// them, the queries and the KPI figures. It knows nothing about HTTP.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/nalgae/nalgae/models/auditchain"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
)

// Store is the domain's entry point: every read and write goes through it
// with the Actor on whose behalf it is done.
type Store struct {
	db    *gorm.DB
	today func() civil.Date
	// loginLimits is the login throttle (auth.go).
	loginLimits LoginLimits
	// kpis keeps KPI answers while their team's data stands (kpicache.go).
	kpis *kpiCache
	// sources holds what SPEC §14 needs: the key that seals SearchAd keys,
	// the SearchAd client and the evidence bucket (sources.go).
	sources sources
	// teamAccess shares the statements of kept team KPI answers among the
	// requests that arrive together; PostgreSQL only (teamaccess_batch.go).
	teamAccess *teamAccessBatch
}

// NewStore wraps an open, migrated database.
func NewStore(db *gorm.DB) *Store {
	s := &Store{db: db, today: civil.Today, loginLimits: DefaultLoginLimits, kpis: newKPICache()}
	if pool, err := db.DB(); err == nil && database.DialectOf(db) == database.Postgres {
		s.teamAccess = newTeamAccessBatch(pool)
	}
	return s
}

// DB is the underlying handle, for health checks and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// SetToday fixes "today" (tests and reproducible demo reports).
func (s *Store) SetToday(f func() civil.Date) { s.today = f }

// Actor is the user a request acts for, with the address it came from.
type Actor struct {
	UserID uint64
	Role   Role
	IP     string
}

// audit describes the AuditEvent a write leaves behind.
type audit struct {
	action    string
	entity    string
	entityID  uint64
	programID uint64
	before    any
	after     any
}

// write runs fn in one transaction and appends the audit events it reports;
// a failing fn leaves neither data nor audit behind.
func (s *Store) write(ctx context.Context, actor Actor, fn func(tx *gorm.DB) ([]audit, error)) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		events, err := fn(tx)
		if err != nil {
			return err
		}
		return appendAudit(tx, actor, events...)
	})
}

// appendAudit adds events to an audit chain, each linked to the one before
// by its hash. It locks a chain's head first: on PostgreSQL, a head no other
// transaction holds (SKIP LOCKED), so that writers of all programs do not
// take turns on one row until each commits; only when every chain is held
// does a writer queue, on one chosen at random. A transaction holding a
// head appends to that chain as the last committed writer of it left it.
// (On SQLite the write lock taken at BEGIN IMMEDIATE already lets one
// writer in at a time, and the locking clause is left out: chain 1 it is.)
func appendAudit(tx *gorm.DB, actor Actor, events ...audit) error {
	if len(events) == 0 {
		return nil
	}
	if len(events) == 1 && database.DialectOf(tx) == database.Postgres {
		return appendOnePostgres(tx, actor, events[0])
	}
	var head AuditChainHead
	found := tx.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
		Order("id").Limit(1).Find(&head)
	if found.Error != nil {
		return fmt.Errorf("lock an audit chain head: %w", found.Error)
	}
	if found.RowsAffected == 0 {
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&head, rand.Uint64N(AuditChains)+1).Error; err != nil {
			return fmt.Errorf("lock an audit chain head: %w", err)
		}
	}
	now := nowUTC()
	postgres := database.DialectOf(tx) == database.Postgres
	for i, ev := range events {
		row := auditRow(actor, ev, now)
		row.PrevHash, row.Chain = head.LastHash, head.ID
		row.Hash = row.chainEvent().Hash()
		if postgres && i == len(events)-1 {
			// The last event and the head's move in one statement: one
			// round trip less for every write.
			return appendLastPostgres(tx, &row, head.Events+1, now)
		}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("append audit event: %w", err)
		}
		head.LastID, head.LastHash, head.Events = row.ID, row.Hash, head.Events+1
	}
	err := tx.Model(&AuditChainHead{}).Where("id = ?", head.ID).
		Updates(map[string]any{"last_id": head.LastID, "last_hash": head.LastHash, "events": head.Events, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("move the audit chain head: %w", err)
	}
	return nil
}

// auditRow is the event ev describes, not yet linked to a chain.
func auditRow(actor Actor, ev audit, at time.Time) AuditEvent {
	row := AuditEvent{
		At:     at,
		Action: ev.action,
		Entity: ev.entity,
		Before: toRawJSON(ev.before),
		After:  toRawJSON(ev.after),
		IP:     actor.IP,
	}
	if actor.UserID != 0 {
		row.UserID = ptr(actor.UserID)
	}
	if ev.entityID != 0 {
		row.EntityID = ptr(ev.entityID)
	}
	if ev.programID != 0 {
		row.ProgramID = ptr(ev.programID)
	}
	return row
}

// appendOnePostgres appends a write's one event in a single statement: it
// locks a chain head no other transaction holds (SKIP LOCKED, as
// appendAudit does), inserts the event linked to that head's last hash,
// hashed by the database (auditchain.Event.Tail), and moves the head. Only
// when every head is held does it wait, on one chosen at random.
func appendOnePostgres(tx *gorm.DB, actor Actor, ev audit) error {
	now := nowUTC()
	row := auditRow(actor, ev, now)
	tail := row.chainEvent().Tail()
	heads := []struct {
		query string
		args  []any
	}{
		{`SELECT id, last_hash FROM audit_chain_head ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, nil},
		{`SELECT id, last_hash FROM audit_chain_head WHERE id = ? FOR UPDATE`, []any{rand.Uint64N(AuditChains) + 1}},
	}
	for _, head := range heads {
		var id, chain uint64
		err := tx.Raw(`WITH head AS (`+head.query+`), ev AS (
			INSERT INTO audit_events (at, user_id, action, entity, entity_id, program_id, before, after, ip, prev_hash, hash, chain,
				created_at, updated_at)
			SELECT ?::timestamptz, ?::bigint, ?::text, ?::text, ?::bigint, ?::bigint, ?::text, ?::text, ?::text, head.last_hash,
				encode(sha256(convert_to(?::text || octet_length(head.last_hash)::text || ':' || head.last_hash || ',', 'UTF8') || ?::bytea), 'hex'),
				head.id, ?::timestamptz, ?::timestamptz
			FROM head RETURNING id, hash, chain)
			UPDATE audit_chain_head SET last_id = ev.id, last_hash = ev.hash, events = audit_chain_head.events + 1, updated_at = ?
			FROM ev WHERE audit_chain_head.id = ev.chain RETURNING ev.id, ev.chain`,
			append(head.args, row.At, row.UserID, row.Action, row.Entity, row.EntityID, row.ProgramID, string(row.Before), string(row.After),
				row.IP, auditchain.VersionField, tail, now, now, now)...).Row().Scan(&id, &chain)
		if errors.Is(err, sql.ErrNoRows) {
			continue // every head was held: wait on one
		}
		if err != nil {
			return fmt.Errorf("append audit event: %w", err)
		}
		return nil
	}
	return fmt.Errorf("append audit event: chain %d has no head", heads[1].args[0])
}

// appendLastPostgres inserts row, a chain's new last event, and moves the
// chain's head to it (events in all), in one statement.
func appendLastPostgres(tx *gorm.DB, row *AuditEvent, events int64, now time.Time) error {
	var id uint64
	err := tx.Raw(`WITH ev AS (
		INSERT INTO audit_events (at, user_id, action, entity, entity_id, program_id, before, after, ip, prev_hash, hash, chain,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id)
		UPDATE audit_chain_head SET last_id = ev.id, last_hash = ?, events = ?, updated_at = ?
		FROM ev WHERE audit_chain_head.id = ? RETURNING ev.id`,
		row.At, row.UserID, row.Action, row.Entity, row.EntityID, row.ProgramID, string(row.Before), string(row.After), row.IP,
		row.PrevHash, row.Hash, row.Chain, now, now, row.Hash, events, now, row.Chain).Row().Scan(&id)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	row.ID = id
	return nil
}

// first loads one row by id into dst, turning "no row" into ErrNotFound.
func first(tx *gorm.DB, dst any, id uint64) error {
	err := tx.First(dst, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("load %T %d: %w", dst, id, err)
	}
	return nil
}

// checkVersion compares a client's version with the stored one; nil means
// the client did not send one where it is optional.
func checkVersion(sent *int64, current int64) error {
	if sent != nil && *sent != current {
		return errVersion(current)
	}
	return nil
}

// duplicate turns a unique-constraint violation into a 409.
func duplicate(err error, what string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return Conflict("duplicate", "%s already exists", what)
	}
	return err
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// ListOptions are the paging parameters of every list.
type ListOptions struct {
	Limit int
	After uint64 // the last id of the previous page
}

// DefaultLimit and MaxLimit are SPEC §4's list sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// paginate runs q ordered by id after the cursor and fills a page.
func paginate[T any](q *gorm.DB, idColumn string, opt ListOptions, idOf func(T) uint64) (Page[T], error) {
	if opt.After > 0 {
		q = q.Where(idColumn+" > ?", opt.After)
	}
	return paginateOrdered(q, idColumn, ListOptions{Limit: opt.Limit}, idOf)
}

// paginateOrdered fills a page of q ordered by a unique key column; the caller
// has already applied the cursor, and keyOf gives the next one.
func paginateOrdered[T any](q *gorm.DB, keyColumn string, opt ListOptions, keyOf func(T) uint64) (Page[T], error) {
	limit := opt.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	var rows []T
	if err := q.Order(keyColumn).Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page[T]{}, fmt.Errorf("list: %w", err)
	}
	page := Page[T]{Items: rows}
	if len(rows) > limit {
		page.Items = rows[:limit]
		page.NextCursor = EncodeCursor(keyOf(rows[limit-1]))
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, nil
}

func timePtr(t time.Time) *time.Time { return &t }
