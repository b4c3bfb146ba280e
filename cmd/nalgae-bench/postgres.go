package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for creating databases
)

// runDatabase is the PostgreSQL database each run works on: a fresh copy of
// the cached seed, made with CREATE DATABASE … TEMPLATE (PostgreSQL's file
// copy), so that no run sees another's writes.
const runDatabase = "nalgae_bench_run"

// seedComment marks a cached seed database; the seed's JSON follows it.
const seedComment = "nalgae-bench seed "

// newPostgresBackend seeds (or reuses) a database named for -teams and the
// binary's migration on the server BENCH_DATABASE_URL names, and copies it
// to runDatabase. The URL's user must be allowed to create databases.
func newPostgresBackend(o options, migration string, rec *recorder) (*backend, error) {
	if o.psql == "" {
		return nil, errors.New("psql not found (give -psql)")
	}
	admin, err := sql.Open("pgx", o.postgresURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	cache := "nalgae_bench_" + strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(fmt.Sprintf("%d_%s", o.teams, migration), "_"))
	info, cached, err := cachedSeed(admin, cache)
	if err != nil {
		return nil, err
	}
	if cached {
		fmt.Printf("# reusing the cached seed database %s (drop it to reseed)\n", cache)
	} else {
		if err := recreate(admin, cache, ""); err != nil {
			return nil, err
		}
		if info, err = seedScale(o, withDatabase(o.postgresURL, cache), rec, 120); err != nil {
			return nil, err
		}
		meta, err := json.Marshal(info)
		if err != nil {
			return nil, err
		}
		if _, err := admin.Exec(fmt.Sprintf("COMMENT ON DATABASE %s IS %s", cache, quoteLiteral(seedComment+string(meta)))); err != nil {
			return nil, fmt.Errorf("mark the seed database: %w", err)
		}
	}
	if err := recreate(admin, runDatabase, cache); err != nil {
		return nil, err
	}
	runURL := withDatabase(o.postgresURL, runDatabase)
	b := &backend{name: "postgres", prefix: "pg_", databaseURL: runURL, seed: info, dialect: "postgres", shellName: "psql_copy",
		instances: 2, close: func() {}}
	b.timeSQL = func(query string, runs int) ([]time.Duration, string, error) {
		return psqlTimeSQL(o, runURL, query, runs)
	}
	b.timeImport = func(csvPath string, header []string, rows int) (time.Duration, error) {
		return psqlTimeImport(o, runURL, csvPath, header, rows)
	}
	return b, nil
}

// cachedSeed reads the seed JSON from the comment of a cached database.
func cachedSeed(admin *sql.DB, name string) (seedInfo, bool, error) {
	var comment sql.NullString
	err := admin.QueryRow(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, name).Scan(&comment)
	if errors.Is(err, sql.ErrNoRows) {
		return seedInfo{}, false, nil
	}
	if err != nil {
		return seedInfo{}, false, fmt.Errorf("look for the cached seed: %w", err)
	}
	meta, ok := strings.CutPrefix(comment.String, seedComment)
	if !ok {
		return seedInfo{}, false, nil // a seed that did not finish
	}
	var info seedInfo
	if err := json.Unmarshal([]byte(meta), &info); err != nil {
		return seedInfo{}, false, fmt.Errorf("cached seed of %s: %w", name, err)
	}
	return info, true, nil
}

// recreate drops and creates a database, as a copy of template if given.
func recreate(admin *sql.DB, name, template string) error {
	if _, err := admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := admin.Exec(create); err != nil {
		return fmt.Errorf("%s: %w", create, err)
	}
	return nil
}

// withDatabase is raw with its database name replaced.
func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// findPsql looks on PATH, then in Debian's server directories.
func findPsql() string {
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql")
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return ""
}

// psql runs script through psql on databaseURL, unaligned, rows only.
func psql(o options, databaseURL, script string) (string, error) {
	cmd := exec.Command(o.psql, "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", databaseURL)
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("psql: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// psqlTime is the line `\timing on` prints after each statement.
var psqlTime = regexp.MustCompile(`(?m)^Time: ([0-9.]+) ms`)

// psqlTimeSQL runs query runs+1 times in one psql session with \timing on;
// the first run is the warm-up.
func psqlTimeSQL(o options, databaseURL, query string, runs int) ([]time.Duration, string, error) {
	var script strings.Builder
	script.WriteString("\\timing on\n")
	for i := 0; i <= runs; i++ {
		fmt.Fprintf(&script, "\\echo --run %d\n%s;\n", i, strings.TrimSuffix(strings.TrimSpace(query), ";"))
	}
	out, err := psql(o, databaseURL, script.String())
	if err != nil {
		return nil, "", err
	}
	times, err := parseTimes(psqlTime, out, 0.001)
	if err != nil {
		return nil, "", err
	}
	if len(times) != runs+1 {
		return nil, "", fmt.Errorf("psql printed %d timings for %d runs", len(times), runs+1)
	}
	last := out[strings.LastIndex(out, fmt.Sprintf("--run %d\n", runs)):]
	return times[1:], psqlTime.ReplaceAllString(last, ""), nil
}

// psqlTimeImport times psql's \copy of the CSV into a new table of text
// columns (what sqlite3's .import makes), the whole invocation included.
func psqlTimeImport(o options, databaseURL, csvPath string, header []string, rows int) (time.Duration, error) {
	cols := make([]string, len(header))
	for i := range header {
		cols[i] = fmt.Sprintf("c%d text", i+1)
	}
	if _, err := psql(o, databaseURL, "DROP TABLE IF EXISTS bench_import; CREATE TABLE bench_import ("+strings.Join(cols, ", ")+");\n"); err != nil {
		return 0, err
	}
	defer func() { _, _ = psql(o, databaseURL, "DROP TABLE IF EXISTS bench_import;\n") }()
	if _, err := os.Stat(csvPath); err != nil {
		return 0, err
	}
	began := time.Now()
	if _, err := psql(o, databaseURL, fmt.Sprintf("\\copy bench_import FROM %s WITH (FORMAT csv, HEADER true)\n", quoteLiteral(csvPath))); err != nil {
		return 0, err
	}
	took := time.Since(began)
	out, err := psql(o, databaseURL, "SELECT COUNT(*) FROM bench_import;\n")
	if err != nil {
		return 0, err
	}
	return took, checkCount("psql \\copy", out, rows)
}
