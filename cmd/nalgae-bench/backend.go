package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// seedInfo is what `nalgae seed --scale N --json` prints.
type seedInfo struct {
	ProgramID          uint64 `json:"program_id"`
	Teams              int    `json:"teams"`
	Campaigns          int    `json:"campaigns"`
	Entries            int    `json:"entries"`
	Sales              int    `json:"sales"`
	Password           string `json:"password"`
	Professor          string `json:"professor"`
	City               string `json:"city"`
	StudentEmailFormat string `json:"student_email_format"`
}

// backend is one database the figures are taken on: where the server's
// working copy is, and how its own shell times the baselines.
type backend struct {
	name        string // sqlite or postgres
	prefix      string // of figure names: "" or "pg_"
	databaseURL string // the working copy the server runs on
	seed        seedInfo
	// timeSQL runs script's statement runs+1 times in one shell session
	// (the first as warm-up) and returns the shell's own timings of the
	// others and the output of the last.
	timeSQL func(query string, runs int) ([]time.Duration, string, error)
	// timeImport loads the CSV (header, then rows rows) into a scratch
	// table with the shell's bulk loader and returns the wall time of the
	// shell invocation.
	timeImport func(csvPath string, header []string, rows int) (time.Duration, error)
	// shellName names the import baseline in figure names.
	shellName string
	// dialect picks the SQL text of the report baseline.
	dialect string
	// instances is how many servers share the database in the
	// concurrent-writes test (PostgreSQL: two, as a nationwide deployment
	// runs several stateless instances on one database).
	instances int
	close     func()
}

var migrationLine = regexp.MustCompile(`database is at migration (\S+)`)

// latestMigration asks the binary which migration it brings a database to,
// on a throwaway SQLite file: the seed cache is keyed by it, so a schema
// change reseeds.
func latestMigration(o options) (string, error) {
	probe := filepath.Join(o.dataDir, "migration-probe.db")
	defer removeSQLite(probe)
	removeSQLite(probe)
	out, err := runBinary(o, probe, "migrate")
	if err != nil {
		return "", err
	}
	m := migrationLine.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("nalgae migrate printed %q, not the migration it is at", out)
	}
	return m[1], nil
}

// runBinary runs the nalgae binary on databaseURL and returns its stdout.
func runBinary(o options, databaseURL string, args ...string) (string, error) {
	cmd := exec.Command(o.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", o.bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// seedScale runs `nalgae seed --scale N --json` and prints how long it took
// against its bar in seconds.
func seedScale(o options, databaseURL string, rec *recorder, bar float64) (seedInfo, error) {
	began := time.Now()
	out, err := runBinary(o, databaseURL, "seed", "--scale", fmt.Sprint(o.teams), "--json")
	if err != nil {
		return seedInfo{}, err
	}
	took := time.Since(began)
	var info seedInfo
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		return seedInfo{}, fmt.Errorf("seed --json printed %q: %w", out, err)
	}
	rec.figure("seed_scale_s", took.Seconds(), "s")
	rec.bar("seed_scale_s", took.Seconds(), atMost, bar)
	fmt.Printf("# seeded program %d: %d teams, %d campaigns, %d entries, %d sales records\n",
		info.ProgramID, info.Teams, info.Campaigns, info.Entries, info.Sales)
	return info, nil
}

func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	return dst.Close()
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
