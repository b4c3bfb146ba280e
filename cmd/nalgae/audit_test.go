package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
)

// runBinary runs the real nalgae binary on databaseURL and returns its output
// and exit code.
func runBinary(t *testing.T, databaseURL string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "NALGAE_ENV=development")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("run nalgae %v: %v", args, err)
	}
	return out.String(), 0
}

// `nalgae audit verify` passes on the demo's log, and after an event is
// changed behind the application's back it fails and names that event.
func TestAuditVerifyCommand(t *testing.T) {
	url := modelstest.NewDatabaseURL(t)
	if out, code := runBinary(t, url, "seed", "--demo"); code != 0 {
		t.Fatalf("seed --demo: exit %d\n%s", code, out)
	}
	db, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	var ids []uint64
	if err := db.Model(&models.AuditEvent{}).Order("id").Pluck("id", &ids).Error; err != nil || len(ids) < 10 {
		t.Fatalf("the demo wrote %d audit events (%v)", len(ids), err)
	}

	out, code := runBinary(t, url, "audit", "verify")
	if want := fmt.Sprintf("ok: %d audit events", len(ids)); code != 0 || !bytes.Contains([]byte(out), []byte(want)) {
		t.Fatalf("audit verify on the demo: exit %d, want 0 and %q\n%s", code, want, out)
	}

	target := ids[len(ids)/3]
	modelstest.TamperAudit(t, db, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE audit_events SET ip = '203.0.113.9' WHERE id = ?`, target).Error
	})
	out, code = runBinary(t, url, "audit", "verify")
	if code == 0 {
		t.Fatalf("audit verify after tampering: exit 0\n%s", out)
	}
	m := regexp.MustCompile(`BROKEN at event (\d+): (.*)`).FindStringSubmatch(out)
	if m == nil || m[1] != strconv.FormatUint(target, 10) {
		t.Fatalf("audit verify after changing event %d names %v\n%s", target, m, out)
	}

	if out, code := runBinary(t, url, "audit", "frobnicate"); code == 0 {
		t.Fatalf("audit frobnicate: exit 0\n%s", out)
	}
}
