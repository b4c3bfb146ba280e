package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/auditchain"
)

// Frozen copies for the audit chains: every event names the chain it
// belongs to, and audit_chain_head holds one row per chain.
type (
	chainsAuditEvent struct {
		Chain uint64 `gorm:"not null;default:1"`
	}
	chainsHead struct {
		ID        uint64 `gorm:"primaryKey;autoIncrement:false"`
		LastID    uint64 `gorm:"not null"`
		LastHash  string `gorm:"size:64;not null"`
		Events    int64  `gorm:"not null"`
		UpdatedAt time.Time
	}
)

func (chainsAuditEvent) TableName() string { return "audit_events" }
func (chainsHead) TableName() string       { return "audit_chain_head" }

// auditChainCount is how many chains the log has from this migration on
// (the models package's AuditChains must say the same).
const auditChainCount = 64

// auditChains splits the one audit chain of 20261210_audit_chain into
// auditChainCount chains. With one chain every writing transaction locked
// its head until it committed, so on PostgreSQL all writers of every
// program took turns, one commit (a WAL flush) at a time. Now a writer
// appends to any chain whose head no other transaction holds, and waits
// only when all are held; each chain stays linked event to event exactly as
// before (the same hash), so a changed or removed event still breaks its
// chain. The events so far are chain 1; chains 2 and on start empty, from
// the genesis hash. SQLite, one writer at a time, keeps using chain 1.
var auditChains = &gormigrate.Migration{
	ID: "20261233_audit_chains",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().AddColumn(&chainsAuditEvent{}, "Chain"); err != nil {
			return fmt.Errorf("add audit_events.chain: %w", err)
		}
		// Every chain starts from the genesis hash: the unique link is now
		// per chain. The verifier walks each chain in id order.
		for _, s := range []string{
			`DROP INDEX idx_audit_prev_hash`,
			`CREATE UNIQUE INDEX idx_audit_chain_prev_hash ON audit_events (chain, prev_hash)`,
			`CREATE INDEX idx_audit_chain_id ON audit_events (chain, id)`,
		} {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		heads := make([]chainsHead, 0, auditChainCount-1)
		for id := uint64(2); id <= auditChainCount; id++ {
			heads = append(heads, chainsHead{ID: id, LastHash: auditchain.Genesis, UpdatedAt: now})
		}
		if err := tx.Create(&heads).Error; err != nil {
			return fmt.Errorf("create the audit chain heads: %w", err)
		}
		return nil
	},
}
