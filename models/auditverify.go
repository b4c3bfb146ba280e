package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/auditchain"
)

// AuditVerification is what VerifyAuditChain found.
type AuditVerification struct {
	Events   int64  // events walked
	LastID   uint64 // the last event walked
	LastHash string // its hash: note it down elsewhere to detect a rewrite of the whole chain
	// Break is the first broken link; nil when the chain is intact.
	Break *AuditBreak
}

// AuditBreak names the first event where the chain does not hold.
type AuditBreak struct {
	EventID uint64
	Problem string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit event %d: %s", b.EventID, b.Problem)
}

// chainRow is one row of the verifying query: the chain head repeated on
// every row, and one event (absent when the log is empty).
type chainRow struct {
	headLastID   uint64
	headLastHash string
	headEvents   int64
	id           sql.Null[uint64]
	at           sql.NullTime
	userID       sql.Null[uint64]
	action       sql.NullString
	entity       sql.NullString
	entityID     sql.Null[uint64]
	programID    sql.Null[uint64]
	before       sql.NullString
	after        sql.NullString
	ip           sql.NullString
	prevHash     sql.NullString
	hash         sql.NullString
}

// verifyQuery reads the head and every event in one statement, so that both
// come from one snapshot while writers go on appending; the rows are read as
// they arrive, never all at once.
const verifyQuery = `SELECT h.last_id, h.last_hash, h.events,
	e.id, e.at, e.user_id, e.action, e.entity, e.entity_id, e.program_id, e.before, e.after, e.ip, e.prev_hash, e.hash
	FROM audit_chain_head h LEFT JOIN audit_events e ON 1 = 1
	WHERE h.id = ? ORDER BY e.id`

// VerifyAuditChain walks the audit log in id order and checks that each
// event's hash matches its content and links to the event before it, and
// that the chain ends where its head says. It reports the first broken link
// in the result; the error is for failures to read the log.
func VerifyAuditChain(ctx context.Context, db *gorm.DB) (*AuditVerification, error) {
	rows, err := db.WithContext(ctx).Raw(verifyQuery, auditHeadID).Rows()
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	out := &AuditVerification{LastHash: auditchain.Genesis}
	var head *chainRow
	for rows.Next() {
		var r chainRow
		if err := rows.Scan(&r.headLastID, &r.headLastHash, &r.headEvents, &r.id, &r.at, &r.userID, &r.action,
			&r.entity, &r.entityID, &r.programID, &r.before, &r.after, &r.ip, &r.prevHash, &r.hash); err != nil {
			return nil, fmt.Errorf("read the audit log after event %d: %w", out.LastID, err)
		}
		head = &r
		if !r.id.Valid {
			break // no events: the one row is the head's
		}
		if b := checkLink(out, &r); b != nil {
			out.Break = b
			return out, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit log after event %d: %w", out.LastID, err)
	}
	if head == nil {
		return nil, fmt.Errorf("the audit chain head is missing: is the database migrated?")
	}
	out.Break = checkEnd(out, head)
	return out, nil
}

// checkLink checks one event against the chain walked so far and extends it.
func checkLink(v *AuditVerification, r *chainRow) *AuditBreak {
	ev := auditchain.Event{
		PrevHash: r.prevHash.String, At: r.at.Time, Action: r.action.String, Entity: r.entity.String,
		UserID: nullID(r.userID), EntityID: nullID(r.entityID), ProgramID: nullID(r.programID),
		Before: r.before.String, After: r.after.String, IP: r.ip.String,
	}
	id := r.id.V
	switch {
	case ev.PrevHash != v.LastHash && v.LastID == 0:
		return &AuditBreak{id, "its prev_hash is not the genesis hash, but it is the first event: " +
			"the events before it were deleted, or its prev_hash was changed"}
	case ev.PrevHash != v.LastHash:
		return &AuditBreak{id, fmt.Sprintf("its prev_hash is not the hash of event %d, the event before it: "+
			"an event between %d and %d was deleted, or event %d was changed and re-hashed, or this event's prev_hash was changed",
			v.LastID, v.LastID, id, v.LastID)}
	case ev.Hash() != r.hash.String:
		return &AuditBreak{id, "its content does not match its hash: the event was changed after it was written"}
	}
	v.Events++
	v.LastID, v.LastHash = id, r.hash.String
	return nil
}

// checkEnd compares the end of the walked chain with the chain head.
func checkEnd(v *AuditVerification, head *chainRow) *AuditBreak {
	switch {
	case head.headLastID > v.LastID:
		return &AuditBreak{head.headLastID, fmt.Sprintf("the chain head names event %d as the last, but the chain ends at event %d: "+
			"the events after %d were deleted", head.headLastID, v.LastID, v.LastID)}
	case head.headLastID < v.LastID:
		return &AuditBreak{v.LastID, fmt.Sprintf("the chain goes on past event %d, the last the chain head names: "+
			"events were added behind the application's back, or the head was moved back", head.headLastID)}
	case head.headLastHash != v.LastHash:
		return &AuditBreak{v.LastID, fmt.Sprintf("the chain head records hash %s for it, but the chain gives %s: "+
			"the chain was rewritten, or the head was changed", head.headLastHash, v.LastHash)}
	case head.headEvents != v.Events:
		return &AuditBreak{v.LastID, fmt.Sprintf("the chain head counts %d events, but the chain holds %d: the head was changed",
			head.headEvents, v.Events)}
	}
	return nil
}

func nullID(n sql.Null[uint64]) *uint64 {
	if !n.Valid {
		return nil
	}
	return &n.V
}
