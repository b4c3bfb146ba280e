// Package auditchain defines the hash that links each audit event to the one
// before it, so that an event changed or removed behind the application's back
// shows up as a broken link (`nalgae audit verify`).
//
// The hashed content is part of the stored format: the migration that added
// the chain and every later write compute it with this package, and a
// verifier written in another language must compute it the same way:
//
//	hash = lower-case hex of SHA-256( netstring("nalgae-audit-v1")
//	         netstring(prev_hash) netstring(at) netstring(user_id)
//	         netstring(action) netstring(entity) netstring(entity_id)
//	         netstring(program_id) netstring(before) netstring(after)
//	         netstring(ip) )
//
// where netstring(s) is the decimal byte length of s, ":", the bytes of s and
// "," (D. J. Bernstein's netstrings), so that no choice of field values can
// make two different events hash alike. The fields are text:
//   - prev_hash: the previous event's hash; Genesis for the first event;
//   - at: the event's time in UTC as 2006-01-02T15:04:05.000000Z, microseconds
//     (both databases store microseconds; finer digits are dropped);
//   - user_id, entity_id, program_id: decimal, or empty when NULL;
//   - before, after: the stored JSON text exactly as stored (the columns are
//     text, not json/jsonb, so neither database rewrites it), empty when NULL;
//   - action, entity, ip: as stored.
//
// The log is several chains (audit_events.chain, one head each in
// audit_chain_head), so that concurrent writers need not queue on one
// head: each chain starts from Genesis and links its own events in id
// order; a verifier walks each chain on its own. The hashed content does
// not change with the chain.
//
// The row id is not hashed: it is given by the database after the hash is
// computed, and the order of the chain is already fixed by the links.
// created_at and updated_at repeat `at` and are not hashed.
package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Version tags the hashed layout; a different layout needs a new tag.
const Version = "nalgae-audit-v1"

// Genesis is the prev_hash of the first event of a chain.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeLayout is how `at` is written into the hashed content.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Event is the hashed content of one audit event.
type Event struct {
	PrevHash  string
	At        time.Time
	UserID    *uint64
	Action    string
	Entity    string
	EntityID  *uint64
	ProgramID *uint64
	Before    string
	After     string
	IP        string
}

// Hash is the event's hash: lower-case hex SHA-256 of its canonical content,
// each field written as its length in bytes, ':', the field and ','.
func (e Event) Hash() string {
	content := appendField(appendField(nil, Version), e.PrevHash)
	sum := sha256.Sum256(append(content, e.Tail()...))
	return hex.EncodeToString(sum[:])
}

// Tail is the event's hashed content after PrevHash. A database that links
// the event to its chain's last hash itself (in the statement that appends
// it) computes the same hash as SHA-256 of VersionField, the previous hash
// as a field (its length, ':', it, ','), and Tail.
func (e Event) Tail() []byte {
	var b []byte
	for _, field := range []string{
		TimeText(e.At),
		optionalID(e.UserID),
		e.Action,
		e.Entity,
		optionalID(e.EntityID),
		optionalID(e.ProgramID),
		e.Before,
		e.After,
		e.IP,
	} {
		b = appendField(b, field)
	}
	return b
}

// VersionField is the first field of every event's hashed content.
var VersionField = string(appendField(nil, Version))

// Field is one field as the hashed content writes it: its length in bytes,
// ':', the field and ','. A database that computes part of an event's
// content itself (a value it assigns, such as the entity's id) writes the
// rest with Field.
func Field(s string) string { return string(appendField(nil, s)) }

// TimeText is how an event's time is written as a field.
func TimeText(at time.Time) string { return at.UTC().Format(TimeLayout) }

// IDText is how an optional id is written as a field: decimal, or empty.
func IDText(id *uint64) string { return optionalID(id) }

func appendField(b []byte, field string) []byte {
	b = strconv.AppendInt(b, int64(len(field)), 10)
	b = append(b, ':')
	b = append(b, field...)
	return append(b, ',')
}

// Ends is one hash of where every chain ends (their last hashes, in chain
// order): a single value to note down elsewhere, so that a rewrite of the
// whole log, chain heads included, is still noticed.
//
//	ends = lower-case hex of SHA-256( netstring("nalgae-audit-ends-v1")
//	         netstring(last_hash of chain 1) netstring(last_hash of chain 2) … )
func Ends(lastHashes []string) string {
	var content []byte
	for _, field := range append([]string{"nalgae-audit-ends-v1"}, lastHashes...) {
		content = appendField(content, field)
	}
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

func optionalID(id *uint64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatUint(*id, 10)
}
