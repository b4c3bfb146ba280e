package migrations

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// frozenList is the checked-in record of migrations that may no longer
// change: one "sha256  <ID>.go" line each, as sha256sum prints it (so
// `sha256sum -c frozen.sha256` checks it by hand too).
const frozenList = "frozen.sha256"

// TestMigrationsAreFrozen fails when a written migration changes. A
// migration runs once per database; editing it afterwards leaves databases
// that ran the old text with a schema no migration describes. Every
// migration but the newest must be recorded in frozen.sha256, and every
// recorded one must still hash the same: a schema change is a new migration.
// The newest may still change until it is recorded (add its line when the
// next migration arrives, or when it ships).
func TestMigrationsAreFrozen(t *testing.T) {
	frozen := readFrozen(t)
	for i, m := range all {
		if i > 0 && all[i-1].ID >= m.ID {
			t.Errorf("migration %s is listed after %s: list migrations in the order of their IDs", m.ID, all[i-1].ID)
		}
		file := m.ID + ".go"
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("migration %s: its source must be the file %s: %v", m.ID, file, err)
			continue
		}
		sum := sha256.Sum256(src)
		got := hex.EncodeToString(sum[:])
		want, recorded := frozen[file]
		switch {
		case recorded && got != want:
			t.Errorf("migration %s changed after it was written (sha256 %s, recorded %s): "+
				"undo the change and write a new migration instead", m.ID, got, want)
		case !recorded && i < len(all)-1:
			t.Errorf("migration %s is not the newest but is not recorded in %s; add the line:\n%s  %s",
				m.ID, frozenList, got, file)
		}
		delete(frozen, file)
	}
	for file := range frozen {
		t.Errorf("%s records %s, which is not a migration: migrations are never removed", frozenList, file)
	}
}

func readFrozen(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(frozenList)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		sum, file, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("%s: malformed line %q", frozenList, line)
		}
		out[file] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
