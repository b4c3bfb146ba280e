package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/auditchain"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

// verifyOK fails t unless the audit chain of db is intact and holds every
// stored event; it returns how many there are.
func verifyOK(t testing.TB, db *gorm.DB) int64 {
	t.Helper()
	v, err := models.VerifyAuditChain(context.Background(), db)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if v.Break != nil {
		t.Fatalf("chain broken after %d events: %v", v.Events, v.Break)
	}
	var n int64
	if err := db.Model(&models.AuditEvent{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if v.Events != n || n == 0 {
		t.Fatalf("verify walked %d events; the table holds %d", v.Events, n)
	}
	return n
}

// The hashed content is a stored format: these hashes (computed apart from
// Go, from the package documentation) must never change.
func TestAuditChainHashIsStable(t *testing.T) {
	user, entity := uint64(7), uint64(42)
	at := time.Date(2025, 10, 8, 3, 4, 5, 123456789, time.FixedZone("KST", 9*3600))
	tests := []struct {
		name string
		ev   auditchain.Event
		want string
	}{
		{"first event, nulls", auditchain.Event{PrevHash: auditchain.Genesis, At: at, Action: "login_failed", Entity: "user"},
			"2ed3b147f1793026e12999d6711a8b321b7ac7ccc03dd275babbd677d546d19f"},
		{"full event", auditchain.Event{PrevHash: strings.Repeat("ab", 32), At: at, UserID: &user, Action: "update",
			Entity: "metric", EntityID: &entity, ProgramID: &user, Before: `{"spend_krw":1}`, After: `{"spend_krw":2}`, IP: "10.0.0.1"},
			"b274106e4a8e84d620b679cc5fc7b1ebd099f32c89b8849e27aedb5b3aa6f222"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.ev.Hash()
			if got != tt.want {
				t.Errorf("hash %s, want %s", got, tt.want)
			}
			// Sub-microsecond digits and the time zone are not part of it.
			same := tt.ev
			same.At = at.UTC().Truncate(time.Microsecond)
			if same.Hash() != got {
				t.Error("the hash depends on nanoseconds or the time zone")
			}
			// Moving a byte from one field to the next changes it.
			moved := tt.ev
			moved.Action, moved.Entity = tt.ev.Action+tt.ev.Entity[:1], tt.ev.Entity[1:]
			if moved.Hash() == got {
				t.Error("fields are not delimited")
			}
		})
	}
}

// Events written before the chain existed are chained by its migration, in
// id order, in batches (more than one here), and later writes continue it.
func TestAuditChainMigrationHashesExistingEvents(t *testing.T) {
	db := modelstest.NewEmptyDB(t)
	if err := migrations.MigrateTo(db, "20261125_init"); err != nil {
		t.Fatal(err)
	}
	const old = 2345
	at := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	err := db.Transaction(func(tx *gorm.DB) error {
		for i := range old {
			var user, entity any
			if i%3 != 0 {
				user, entity = i%5+1, i
			}
			before, after := any(nil), fmt.Sprintf(`{"n":%d,"name":"이도공감 \"%d\""}`, i, i)
			if i%2 == 0 {
				before = `{"n":0}`
			}
			err := tx.Exec(`INSERT INTO audit_events (at, user_id, action, entity, entity_id, before, after, ip, created_at, updated_at)
				VALUES (?, ?, 'update', 'metric', ?, ?, ?, '127.0.0.1', ?, ?)`,
				at.Add(time.Duration(i)*time.Millisecond+time.Microsecond), user, entity, before, after, at, at).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if n := verifyOK(t, db); n != old {
		t.Fatalf("%d events, want %d", n, old)
	}
	s := models.NewStore(db)
	name, city := "P", "부산광역시"
	if _, err := s.CreateProgram(t.Context(), modelstest.System, models.ProgramInput{Name: &name, City: &city,
		StartsOn: ptrDate("2025-09-01"), EndsOn: ptrDate("2025-12-01")}); err != nil {
		t.Fatal(err)
	}
	if n := verifyOK(t, db); n != old+1 {
		t.Fatalf("%d events, want %d", n, old+1)
	}
	// The migration put the append-only trigger back.
	if err := db.Exec("UPDATE audit_events SET action = 'x'").Error; err == nil {
		t.Error("UPDATE of audit_events succeeded after the chain migration")
	}
}

// Concurrent writers append one after the other: the chain does not fork
// (on PostgreSQL they run in parallel transactions on several connections).
func TestAuditChainConcurrentWriters(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	s := models.NewStore(db)
	student := models.Actor{UserID: w.Student.ID, Role: models.RoleStudent, IP: "10.0.0.2"}
	prof := models.Actor{UserID: w.Prof.ID, Role: models.RoleProfessor, IP: "10.0.0.3"}
	before := verifyOK(t, db)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				var err error
				if g%2 == 0 {
					spend := int64(1000 * (g + 1))
					_, _, err = s.UpsertMetric(t.Context(), student, w.CampaignA1.ID, models.MetricInput{
						Date: ptrDate(fmt.Sprintf("2025-10-%02d", 3+g*each/2+i)), SpendKRW: &spend})
				} else {
					_, err = s.CreateComment(t.Context(), prof, w.TeamA1.ID, models.CommentInput{Body: fmt.Sprintf("의견 %d-%d", g, i)})
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := verifyOK(t, db); n != before+writers*each {
		t.Fatalf("%d events, want %d", n, before+writers*each)
	}
}

// Changing or removing an event behind the application's back, with the
// append-only trigger out of the way, is found and named.
func TestAuditChainTamperIsFound(t *testing.T) {
	_, clone := modelstest.WorldTemplate(t)
	// ids of the world's events, read once
	var ids []uint64
	if err := clone(t).Model(&models.AuditEvent{}).Order("id").Pluck("id", &ids).Error; err != nil || len(ids) < 5 {
		t.Fatalf("world has %d audit events (%v)", len(ids), err)
	}
	mid, last := ids[len(ids)/2], ids[len(ids)-1]
	next := ids[len(ids)/2+1]
	tests := []struct {
		name      string
		tamper    func(db *gorm.DB) error
		wantID    uint64
		wantWords string
	}{
		{"content changed", func(db *gorm.DB) error {
			return db.Exec(`UPDATE audit_events SET after = REPLACE(after, '"', '''') WHERE id = ?`, mid).Error
		}, mid, "content does not match its hash"},
		{"actor changed", func(db *gorm.DB) error {
			return db.Exec(`UPDATE audit_events SET user_id = 999 WHERE id = ?`, mid).Error
		}, mid, "content does not match its hash"},
		{"time changed", func(db *gorm.DB) error {
			return db.Exec(`UPDATE audit_events SET at = ? WHERE id = ?`, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), mid).Error
		}, mid, "content does not match its hash"},
		{"changed and re-hashed", func(db *gorm.DB) error {
			var ev models.AuditEvent
			if err := db.First(&ev, mid).Error; err != nil {
				return err
			}
			ev.Action = "delete"
			forged := auditchain.Event{PrevHash: ev.PrevHash, At: ev.At, UserID: ev.UserID, Action: ev.Action, Entity: ev.Entity,
				EntityID: ev.EntityID, ProgramID: ev.ProgramID, Before: string(ev.Before), After: string(ev.After), IP: ev.IP}
			return db.Exec(`UPDATE audit_events SET action = ?, hash = ? WHERE id = ?`, ev.Action, forged.Hash(), mid).Error
		}, next, "is not the hash of event"},
		{"middle event deleted", func(db *gorm.DB) error {
			return db.Exec(`DELETE FROM audit_events WHERE id = ?`, mid).Error
		}, next, "was deleted"},
		{"first event deleted", func(db *gorm.DB) error {
			return db.Exec(`DELETE FROM audit_events WHERE id = ?`, ids[0]).Error
		}, ids[1], "genesis"},
		{"last event deleted", func(db *gorm.DB) error {
			return db.Exec(`DELETE FROM audit_events WHERE id = ?`, last).Error
		}, last, "were deleted"},
		{"head moved", func(db *gorm.DB) error {
			return db.Exec(`UPDATE audit_chain_head SET events = events + 1`).Error
		}, last, "counts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := clone(t)
			verifyOK(t, db)
			modelstest.TamperAudit(t, db, tt.tamper)
			v, err := models.VerifyAuditChain(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			if v.Break == nil {
				t.Fatalf("verify found nothing wrong after %d events", v.Events)
			}
			if v.Break.EventID != tt.wantID || !strings.Contains(v.Break.Problem, tt.wantWords) {
				t.Fatalf("break %v; want event %d and %q", v.Break, tt.wantID, tt.wantWords)
			}
		})
	}
}

// On PostgreSQL a writer appends to a chain whose head no other transaction
// holds: with chain 1's head held, a write goes to chain 2, the log still
// verifies, and tampering with that second chain (or with the heads) is
// found. (SQLite lets one writer in at a time: it only ever uses chain 1.)
func TestAuditChainsSecondChain(t *testing.T) {
	modelstest.Only(t, database.Postgres)
	w, clone := modelstest.WorldTemplate(t)
	// second writes one comment while another transaction holds chain 1's
	// head, and returns its event's id.
	second := func(t *testing.T, db *gorm.DB) uint64 {
		t.Helper()
		holder := db.Begin()
		defer holder.Rollback()
		if err := holder.Exec(`SELECT id FROM audit_chain_head WHERE id = 1 FOR UPDATE`).Error; err != nil {
			t.Fatal(err)
		}
		prof := models.Actor{UserID: w.Prof.ID, Role: models.RoleProfessor, IP: "10.0.0.3"}
		if _, err := models.NewStore(db).CreateComment(t.Context(), prof, w.TeamA1.ID, models.CommentInput{Body: "둘째 사슬"}); err != nil {
			t.Fatal(err)
		}
		var ev models.AuditEvent
		if err := db.Order("id DESC").First(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.Chain != 2 || ev.PrevHash != auditchain.Genesis {
			t.Fatalf("the write went to chain %d after %q; want chain 2 from the genesis hash", ev.Chain, ev.PrevHash)
		}
		return ev.ID
	}
	t.Run("intact", func(t *testing.T) {
		db := clone(t)
		before := verifyOK(t, db)
		second(t, db)
		if n := verifyOK(t, db); n != before+1 {
			t.Fatalf("%d events, want %d", n, before+1)
		}
		v, err := models.VerifyAuditChain(t.Context(), db)
		if err != nil || v.Chains != models.AuditChains {
			t.Fatalf("walked %d chains (%v), want %d", v.Chains, err, models.AuditChains)
		}
	})
	tests := []struct {
		name      string
		tamper    func(db *gorm.DB, id uint64) error
		wantID    func(id uint64) uint64
		wantWords string
	}{
		{"content changed", func(db *gorm.DB, id uint64) error {
			return db.Exec(`UPDATE audit_events SET ip = '10.9.9.9' WHERE id = ?`, id).Error
		}, func(id uint64) uint64 { return id }, "content does not match its hash"},
		{"moved to another chain", func(db *gorm.DB, id uint64) error {
			return db.Exec(`UPDATE audit_events SET chain = 3 WHERE id = ?`, id).Error
		}, func(id uint64) uint64 { return id }, "the head of chain 2 names event"},
		{"its head deleted", func(db *gorm.DB, id uint64) error {
			return db.Exec(`DELETE FROM audit_chain_head WHERE id = 2`).Error
		}, func(id uint64) uint64 { return id }, "belongs to no chain with a head"},
		{"an empty chain's head deleted", func(db *gorm.DB, id uint64) error {
			return db.Exec(`DELETE FROM audit_chain_head WHERE id = 5`).Error
		}, func(uint64) uint64 { return 0 }, "the head of chain 5 is missing"},
		{"the last head deleted", func(db *gorm.DB, id uint64) error {
			return db.Exec(`DELETE FROM audit_chain_head WHERE id = ?`, models.AuditChains).Error
		}, func(uint64) uint64 { return 0 }, fmt.Sprintf("the head of chain %d is missing", models.AuditChains)},
		{"deleted", func(db *gorm.DB, id uint64) error {
			return db.Exec(`DELETE FROM audit_events WHERE id = ?`, id).Error
		}, func(id uint64) uint64 { return id }, "were deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := clone(t)
			id := second(t, db)
			verifyOK(t, db)
			modelstest.TamperAudit(t, db, func(tx *gorm.DB) error { return tt.tamper(tx, id) })
			v, err := models.VerifyAuditChain(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			if v.Break == nil {
				t.Fatalf("verify found nothing wrong after %d events", v.Events)
			}
			if v.Break.EventID != tt.wantID(id) || !strings.Contains(v.Break.Problem, tt.wantWords) {
				t.Fatalf("break %v; want event %d and %q", v.Break, tt.wantID(id), tt.wantWords)
			}
		})
	}
}
