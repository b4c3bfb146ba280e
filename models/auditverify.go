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
	Events   int64  // events walked, over every chain
	Chains   int    // chains walked
	LastID   uint64 // the newest event walked
	LastHash string // auditchain.Ends of the chains' last hashes: note it down elsewhere to detect a rewrite of the whole log
	// Break is the first broken link; nil when every chain is intact.
	Break *AuditBreak
}

// AuditBreak names the first event where a chain does not hold (0 when
// it is a chain head that is missing).
type AuditBreak struct {
	EventID uint64
	Problem string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit event %d: %s", b.EventID, b.Problem)
}

// chainRow is one row of the verifying query: the first event outside every
// chain, a chain head, and one event of that chain (absent when the chain
// is empty).
type chainRow struct {
	orphan       sql.Null[uint64]
	headID       uint64
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

// verifyQuery reads the heads and every event, chain by chain, in one
// statement, so that all come from one snapshot while writers go on
// appending; the rows are read as they arrive, never all at once. An event
// whose chain has no head would be missed by the join: the first such is
// named on every row.
const verifyQuery = `SELECT (SELECT MIN(o.id) FROM audit_events o
		WHERE NOT EXISTS (SELECT 1 FROM audit_chain_head x WHERE x.id = o.chain)),
	h.id, h.last_id, h.last_hash, h.events,
	e.id, e.at, e.user_id, e.action, e.entity, e.entity_id, e.program_id, e.before, e.after, e.ip, e.prev_hash, e.hash
	FROM audit_chain_head h LEFT JOIN audit_events e ON e.chain = h.id
	ORDER BY h.id, e.id`

// chainWalk is how far one chain has been walked.
type chainWalk struct {
	events   int64
	lastID   uint64
	lastHash string
}

// VerifyAuditChain walks every chain of the audit log in id order and
// checks that each event's hash matches its content and links to the event
// before it in its chain, that each chain ends where its head says, and
// that every chain's head is there. It reports the first broken link in the
// result; the error is for failures to read the log.
func VerifyAuditChain(ctx context.Context, db *gorm.DB) (*AuditVerification, error) {
	rows, err := db.WithContext(ctx).Raw(verifyQuery).Rows()
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	out := &AuditVerification{}
	var ends []string
	var head *chainRow // the head of the chain being walked
	var walk chainWalk
	// finish closes the chain being walked; false when it breaks.
	finish := func() bool {
		if head == nil {
			return true
		}
		if b := checkEnd(&walk, head); b != nil {
			out.Break = b
			return false
		}
		out.Events += walk.events
		out.Chains++
		out.LastID = max(out.LastID, walk.lastID)
		ends = append(ends, walk.lastHash)
		return true
	}
	for rows.Next() {
		var r chainRow
		if err := rows.Scan(&r.orphan, &r.headID, &r.headLastID, &r.headLastHash, &r.headEvents, &r.id, &r.at, &r.userID,
			&r.action, &r.entity, &r.entityID, &r.programID, &r.before, &r.after, &r.ip, &r.prevHash, &r.hash); err != nil {
			return nil, fmt.Errorf("read the audit log after event %d: %w", walk.lastID, err)
		}
		if r.orphan.Valid {
			out.Break = &AuditBreak{r.orphan.V, "it belongs to no chain with a head: the head was deleted, or its chain was changed"}
			return out, nil
		}
		if head == nil || r.headID != head.headID {
			if !finish() {
				return out, nil
			}
			if want := uint64(out.Chains + 1); r.headID != want && want <= AuditChains {
				out.Break = &AuditBreak{0, fmt.Sprintf("the head of chain %d is missing: it was deleted", want)}
				return out, nil
			}
			head, walk = &r, chainWalk{lastHash: auditchain.Genesis}
		}
		if !r.id.Valid {
			continue // an empty chain: the one row is its head's
		}
		if b := checkLink(&walk, &r); b != nil {
			out.Break = b
			return out, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit log after event %d: %w", walk.lastID, err)
	}
	if head == nil {
		return nil, fmt.Errorf("the audit chain heads are missing: is the database migrated?")
	}
	if !finish() {
		return out, nil
	}
	if out.Chains < AuditChains {
		out.Break = &AuditBreak{0, fmt.Sprintf("the head of chain %d is missing: it was deleted", out.Chains+1)}
		return out, nil
	}
	out.LastHash = auditchain.Ends(ends)
	return out, nil
}

// checkLink checks one event against its chain walked so far and extends it.
func checkLink(v *chainWalk, r *chainRow) *AuditBreak {
	ev := auditchain.Event{
		PrevHash: r.prevHash.String, At: r.at.Time, Action: r.action.String, Entity: r.entity.String,
		UserID: nullID(r.userID), EntityID: nullID(r.entityID), ProgramID: nullID(r.programID),
		Before: r.before.String, After: r.after.String, IP: r.ip.String,
	}
	id := r.id.V
	switch {
	case ev.PrevHash != v.lastHash && v.lastID == 0:
		return &AuditBreak{id, "its prev_hash is not the genesis hash, but it is the first event of its chain: " +
			"the events before it were deleted, or its prev_hash was changed"}
	case ev.PrevHash != v.lastHash:
		return &AuditBreak{id, fmt.Sprintf("its prev_hash is not the hash of event %d, the event before it in its chain: "+
			"an event between %d and %d was deleted, or event %d was changed and re-hashed, or this event's prev_hash was changed",
			v.lastID, v.lastID, id, v.lastID)}
	case ev.Hash() != r.hash.String:
		return &AuditBreak{id, "its content does not match its hash: the event was changed after it was written"}
	}
	v.events++
	v.lastID, v.lastHash = id, r.hash.String
	return nil
}

// checkEnd compares the end of a walked chain with its head.
func checkEnd(v *chainWalk, head *chainRow) *AuditBreak {
	switch {
	case head.headLastID > v.lastID:
		return &AuditBreak{head.headLastID, fmt.Sprintf("the head of chain %d names event %d as the last, but the chain ends at event %d: "+
			"the events after %d were deleted", head.headID, head.headLastID, v.lastID, v.lastID)}
	case head.headLastID < v.lastID:
		return &AuditBreak{v.lastID, fmt.Sprintf("chain %d goes on past event %d, the last its head names: "+
			"events were added behind the application's back, or the head was moved back", head.headID, head.headLastID)}
	case head.headLastHash != v.lastHash:
		return &AuditBreak{v.lastID, fmt.Sprintf("the head of chain %d records hash %s for it, but the chain gives %s: "+
			"the chain was rewritten, or the head was changed", head.headID, head.headLastHash, v.lastHash)}
	case head.headEvents != v.events:
		return &AuditBreak{v.lastID, fmt.Sprintf("the head of chain %d counts %d events, but the chain holds %d: the head was changed",
			head.headID, head.headEvents, v.events)}
	}
	return nil
}

func nullID(n sql.Null[uint64]) *uint64 {
	if !n.Valid {
		return nil
	}
	return &n.V
}
