package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// newSQLiteBackend seeds (or reuses) the cached SQLite file for -teams and
// the binary's migration and copies it to a fresh working file.
func newSQLiteBackend(o options, migration string, rec *recorder) (*backend, error) {
	cache := filepath.Join(o.dataDir, fmt.Sprintf("scale-%d-%s.db", o.teams, migration))
	meta := cache + ".json"
	var info seedInfo
	if fileExists(cache) && fileExists(meta) {
		if err := readJSON(meta, &info); err != nil {
			return nil, err
		}
		fmt.Printf("# reusing the cached seed %s (delete it to reseed)\n", cache)
	} else {
		tmp := cache + ".tmp"
		removeSQLite(tmp)
		var err error
		if info, err = seedScale(o, tmp, rec, 60); err != nil {
			return nil, err
		}
		// Fold the WAL into the file, so that the cache is one file to copy.
		if _, err := sqliteShell(o, tmp, "PRAGMA wal_checkpoint(TRUNCATE);"); err != nil {
			return nil, err
		}
		removeSQLite(cache)
		if err := os.Rename(tmp, cache); err != nil {
			return nil, err
		}
		removeSQLite(tmp)
		if err := writeJSON(meta, info); err != nil {
			return nil, err
		}
	}
	work := filepath.Join(o.dataDir, "run-sqlite.db")
	removeSQLite(work)
	if err := copyFile(cache, work); err != nil {
		return nil, err
	}
	b := &backend{name: "sqlite", databaseURL: work, seed: info, dialect: "sqlite", shellName: "sqlite3", instances: 1, close: func() {}}
	b.timeSQL = func(query string, runs int) ([]time.Duration, string, error) {
		return sqliteTimeSQL(o, work, query, runs)
	}
	b.timeImport = func(csvPath string, _ []string, rows int) (time.Duration, error) {
		return sqliteTimeImport(o, cache, csvPath, rows)
	}
	return b, nil
}

// sqliteShell runs script through the sqlite3 shell on path.
func sqliteShell(o options, path, script string) (string, error) {
	cmd := exec.Command(o.sqlite3, "-batch", "-bail", path)
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", o.sqlite3, path, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// sqliteRunTime is the line `.timer on` prints after each statement.
var sqliteRunTime = regexp.MustCompile(`(?m)^Run Time: real ([0-9.]+)`)

// sqliteTimeSQL runs query runs+1 times in one sqlite3 session with
// `.timer on`; the first run warms the page cache as the API's warm-up does.
func sqliteTimeSQL(o options, path, query string, runs int) ([]time.Duration, string, error) {
	var script strings.Builder
	script.WriteString(".timer on\n")
	for i := 0; i <= runs; i++ {
		// A marker between runs, so that the last run's rows can be cut out.
		fmt.Fprintf(&script, ".print --run %d\n%s;\n", i, strings.TrimSuffix(strings.TrimSpace(query), ";"))
	}
	out, err := sqliteShell(o, path, script.String())
	if err != nil {
		return nil, "", err
	}
	times, err := parseTimes(sqliteRunTime, out, 1)
	if err != nil {
		return nil, "", err
	}
	if len(times) != runs+1 {
		return nil, "", fmt.Errorf("sqlite3 printed %d timings for %d runs", len(times), runs+1)
	}
	last := out[strings.LastIndex(out, fmt.Sprintf("--run %d\n", runs)):]
	last = sqliteRunTime.ReplaceAllString(last, "")
	return times[1:], last, nil
}

// parseTimes reads every timing re finds; scale turns its number into
// seconds (1 for sqlite3's seconds, 0.001 for psql's milliseconds).
func parseTimes(re *regexp.Regexp, out string, scale float64) ([]time.Duration, error) {
	var times []time.Duration
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return nil, fmt.Errorf("timing %q: %w", m[0], err)
		}
		times = append(times, time.Duration(v*scale*float64(time.Second)))
	}
	return times, nil
}

// sqliteTimeImport copies the seeded database to a scratch file and times
// the sqlite3 shell's `.import --csv` of the file into a new table there
// (the whole invocation, start-up included: `.timer` does not time dot
// commands).
func sqliteTimeImport(o options, cache, csvPath string, rows int) (time.Duration, error) {
	scratch := filepath.Join(o.dataDir, "scratch-import.db")
	removeSQLite(scratch)
	defer removeSQLite(scratch)
	if err := copyFile(cache, scratch); err != nil {
		return 0, err
	}
	began := time.Now()
	if _, err := sqliteShell(o, scratch, ".import --csv "+csvPath+" bench_import\n"); err != nil {
		return 0, err
	}
	took := time.Since(began)
	out, err := sqliteShell(o, scratch, "SELECT COUNT(*) FROM bench_import;")
	if err != nil {
		return 0, err
	}
	return took, checkCount("sqlite3 .import", out, rows)
}
