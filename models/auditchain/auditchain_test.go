package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"
)

// spelled is the hashed content written out field by field, as the layout
// is documented (length in bytes, ':', field, ','), independently of Hash.
func spelled(fields ...string) string {
	s := ""
	for _, f := range fields {
		s += fmt.Sprintf("%d:%s,", len(f), f)
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestHashIsTheDocumentedLayout(t *testing.T) {
	user, entity := uint64(7), uint64(42)
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.FixedZone("KST", 9*3600))
	for _, tc := range []struct {
		name string
		e    Event
		want string
	}{
		{"every field", Event{PrevHash: Genesis, At: at, UserID: &user, Action: "create", Entity: "metric", EntityID: &entity,
			Before: "", After: `{"memo":"텐트 판매"}`, IP: "127.0.0.1"},
			spelled(Version, Genesis, "2026-03-01T00:30:00.123456Z", "7", "create", "metric", "42", "", "", `{"memo":"텐트 판매"}`, "127.0.0.1")},
		{"no ids", Event{PrevHash: "ab", At: at, Action: "login", Entity: "user"},
			spelled(Version, "ab", "2026-03-01T00:30:00.123456Z", "", "login", "user", "", "", "", "", "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.Hash(); got != tc.want {
				t.Errorf("Hash = %s, want %s", got, tc.want)
			}
			// What a database computes when it links the event itself.
			linked := VersionField + fmt.Sprintf("%d:%s,", len(tc.e.PrevHash), tc.e.PrevHash) + string(tc.e.Tail())
			sum := sha256.Sum256([]byte(linked))
			if got := hex.EncodeToString(sum[:]); got != tc.want {
				t.Errorf("VersionField + prev + Tail hashes to %s, want %s", got, tc.want)
			}
		})
	}
}

func TestEnds(t *testing.T) {
	if got, want := Ends([]string{"a", "bc"}), spelled("nalgae-audit-ends-v1", "a", "bc"); got != want {
		t.Errorf("Ends = %s, want %s", got, want)
	}
}
