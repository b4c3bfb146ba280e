package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/auditchain"
)

// Frozen copies for the audit chain: each audit event carries the hash of
// the one before it and its own, and a one-row table holds the chain's end.
type (
	chainAuditEvent struct {
		ID        uint64    `gorm:"primaryKey"`
		At        time.Time `gorm:"not null;index"`
		UserID    *uint64
		Action    string
		Entity    string
		EntityID  *uint64
		ProgramID *uint64
		Before    *string
		After     *string
		IP        string `gorm:"column:ip"`
		PrevHash  string `gorm:"size:64;not null;default:''"`
		Hash      string `gorm:"size:64;not null;default:''"`
	}
	chainHead struct {
		ID        uint64 `gorm:"primaryKey;autoIncrement:false"`
		LastID    uint64 `gorm:"not null"`
		LastHash  string `gorm:"size:64;not null"`
		Events    int64  `gorm:"not null"`
		UpdatedAt time.Time
	}
)

func (chainAuditEvent) TableName() string { return "audit_events" }
func (chainHead) TableName() string       { return "audit_chain_head" }

// chainBatch is how many existing events the migration hashes per query, so
// that a large log is never loaded at once.
const chainBatch = 1000

var auditChain = &gormigrate.Migration{
	ID: "20261210_audit_chain",
	Migrate: func(tx *gorm.DB) error {
		m := tx.Migrator()
		for _, col := range []string{"PrevHash", "Hash"} {
			if err := m.AddColumn(&chainAuditEvent{}, col); err != nil {
				return fmt.Errorf("add audit_events.%s: %w", col, err)
			}
		}
		if err := m.CreateTable(&chainHead{}); err != nil {
			return fmt.Errorf("create audit_chain_head: %w", err)
		}
		head, err := chainExistingEvents(tx)
		if err != nil {
			return err
		}
		if err := tx.Create(&head).Error; err != nil {
			return fmt.Errorf("create the audit chain head: %w", err)
		}
		// No two events may follow the same one: should two writers ever
		// read the same chain head, the second insert fails instead of
		// forking the chain.
		return tx.Exec(`CREATE UNIQUE INDEX idx_audit_prev_hash ON audit_events (prev_hash)`).Error
	},
}

// chainExistingEvents hashes the events written before the chain existed, in
// id order, and returns the chain's head. The append-only trigger is lifted
// for the length of the migration's transaction, and only here.
func chainExistingEvents(tx *gorm.DB) (chainHead, error) {
	head := chainHead{ID: 1, LastHash: auditchain.Genesis}
	postgres := tx.Dialector.Name() == "postgres"
	lift, restore := []string{`DROP TRIGGER audit_events_no_update`}, []string{
		`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
		 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
	}
	if postgres {
		lift = []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`}
		restore = []string{`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`}
	}
	for _, s := range lift {
		if err := tx.Exec(s).Error; err != nil {
			return head, fmt.Errorf("lift the append-only trigger: %w", err)
		}
	}
	for {
		var batch []chainAuditEvent
		if err := tx.Where("id > ?", head.LastID).Order("id").Limit(chainBatch).Find(&batch).Error; err != nil {
			return head, fmt.Errorf("read audit events after %d: %w", head.LastID, err)
		}
		for _, ev := range batch {
			hash := auditchain.Event{
				PrevHash: head.LastHash, At: ev.At, UserID: ev.UserID, Action: ev.Action, Entity: ev.Entity,
				EntityID: ev.EntityID, ProgramID: ev.ProgramID, Before: deref(ev.Before), After: deref(ev.After), IP: ev.IP,
			}.Hash()
			err := tx.Model(&chainAuditEvent{}).Where("id = ?", ev.ID).
				Updates(map[string]any{"prev_hash": head.LastHash, "hash": hash}).Error
			if err != nil {
				return head, fmt.Errorf("hash audit event %d: %w", ev.ID, err)
			}
			head.LastID, head.LastHash, head.Events = ev.ID, hash, head.Events+1
		}
		if len(batch) < chainBatch {
			break
		}
	}
	for _, s := range restore {
		if err := tx.Exec(s).Error; err != nil {
			return head, fmt.Errorf("restore the append-only trigger: %w", err)
		}
	}
	return head, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
