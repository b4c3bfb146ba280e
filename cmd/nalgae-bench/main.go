// Command nalgae-bench measures the real nalgae binary on issue 6's synthetic
// nationwide program (nalgae seed --scale N) and prints one line per figure,
// "BENCH <name> <value> <unit>", followed by a "#" line saying whether the
// figure meets its bar. It runs on SQLite, and again on PostgreSQL when
// BENCH_DATABASE_URL is set (figures prefixed pg_).
//
// A figure that cannot be measured (the server fails, a check of the
// answers fails) makes it exit 1; a missed bar only does with -strict,
// because the bars are targets the server is being brought up to.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// options are the command line.
type options struct {
	teams       int
	bin         string
	dataDir     string
	runs        int
	loadFor     time.Duration
	writeFor    time.Duration
	importRows  int
	strict      bool
	postgresURL string
	sqlite3     string
	psql        string
	only        string
	steps       string
}

func parseOptions() options {
	var o options
	flag.IntVar(&o.teams, "teams", 1000, "teams in the synthetic program (nalgae seed --scale N)")
	flag.StringVar(&o.bin, "bin", "bin/nalgae", "the nalgae binary to measure")
	flag.StringVar(&o.dataDir, "data", ".bench", "directory for cached seeds, working copies and server logs")
	flag.IntVar(&o.runs, "runs", 7, "timed runs of the report and of its SQL (medians are printed)")
	flag.DurationVar(&o.loadFor, "load-for", 10*time.Second, "duration of each read load test")
	flag.DurationVar(&o.writeFor, "write-for", 30*time.Second, "duration of the concurrent-writes test")
	flag.IntVar(&o.importRows, "import-rows", 100_000, "data rows of the generated SearchAd CSV")
	flag.BoolVar(&o.strict, "strict", false, "exit 1 when a figure misses its bar")
	flag.StringVar(&o.sqlite3, "sqlite3", "sqlite3", "the sqlite3 command-line shell (SQL and .import baselines)")
	flag.StringVar(&o.psql, "psql", findPsql(), "psql (PostgreSQL baselines)")
	flag.StringVar(&o.only, "only", "", "measure one database only: sqlite or postgres (default: both, PostgreSQL when BENCH_DATABASE_URL is set)")
	flag.StringVar(&o.steps, "steps", "report,read,import,writes", "the groups of figures to take (for a targeted rerun)")
	flag.Parse()
	o.postgresURL = os.Getenv("BENCH_DATABASE_URL")
	return o
}

func main() {
	// The load generator shares the machine with the server it measures:
	// collecting its short-lived results less often leaves the cores to the
	// server (the server's own GOGC is its own; see cmd/nalgae).
	debug.SetGCPercent(400)
	o := parseOptions()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "nalgae-bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.teams < 1 {
		return fmt.Errorf("-teams must be at least 1")
	}
	if o.runs < 1 {
		return fmt.Errorf("-runs must be at least 1")
	}
	if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
		return err
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	o.bin = bin
	migration, err := latestMigration(o)
	if err != nil {
		return err
	}
	fmt.Printf("# nalgae-bench: %d teams, binary %s (migration %s)\n", o.teams, o.bin, migration)
	rec := &recorder{}
	backends := []database{{"sqlite", "", newSQLiteBackend}}
	if o.postgresURL != "" {
		backends = append(backends, database{"postgres", "pg_", newPostgresBackend})
	} else {
		fmt.Println("# BENCH_DATABASE_URL is not set: PostgreSQL is skipped")
	}
	if o.only != "" {
		backends = slices.DeleteFunc(backends, func(d database) bool { return d.name != o.only })
		if len(backends) == 0 {
			return fmt.Errorf("-only %s: no such database to measure (sqlite, or postgres with BENCH_DATABASE_URL)", o.only)
		}
	}
	var failed []string
	for _, bk := range backends {
		// One database failing does not keep the next from being measured.
		brec := rec.prefixed(bk.prefix)
		b, err := bk.open(o, migration, brec)
		if err == nil {
			err = measure(o, b, brec)
			b.close()
		}
		if err != nil {
			fmt.Printf("# ERROR %s: %v\n", bk.name, err)
			failed = append(failed, bk.name)
		}
	}
	if rec.missed > 0 {
		fmt.Printf("# %d bar(s) missed\n", rec.missed)
		if o.strict {
			return errors.New("bars missed (-strict)")
		}
	} else {
		fmt.Println("# every bar met")
	}
	if len(failed) > 0 {
		return fmt.Errorf("figures could not be measured on %s (see the ERROR lines)", strings.Join(failed, " and "))
	}
	return nil
}

// database is a backend to measure: its figures' prefix and how to set it up.
type database struct {
	name   string
	prefix string
	open   func(o options, migration string, rec *recorder) (*backend, error)
}

// measure takes every figure on one database: the server is started on a
// fresh working copy of the seeded data, so no run sees another's writes.
// A figure that cannot be measured does not stop the others: its error is
// printed, and measure fails at the end.
func measure(o options, b *backend, rec *recorder) error {
	fmt.Printf("# == %s\n", b.name)
	srv, startup, err := startServer(o, b, 1)
	if err != nil {
		return err
	}
	defer srv.stop()
	rec.figure("startup_ms", ms(startup), "ms")
	rec.bar("startup_ms", ms(startup), atMost, 1000)

	c := newClient(srv.base)
	sess, err := logIn(c, b.seed, o.teams)
	if err != nil {
		return err
	}
	failed := 0
	clients, others := []*client{c}, []*server{}
	for _, step := range []struct {
		name, key string
		run       func() error
	}{
		{"report", "report", func() error { return reportFigures(o, b, c, sess, rec) }},
		{"read load", "read", func() error { return readLoadFigures(o, c, sess, rec) }},
		{"import", "import", func() error { return importFigures(o, b, c, sess, rec) }},
		{"concurrent writes", "writes", func() error { return writeFigures(o, clients, sess, rec) }},
	} {
		if !slices.Contains(strings.Split(o.steps, ","), step.key) {
			continue
		}
		if step.name == "concurrent writes" && b.instances > 1 {
			// More instances join the first on the same database for the
			// writes; the writers are spread over them.
			for i := 2; i <= b.instances; i++ {
				more, _, err := startServer(o, b, i)
				if err != nil {
					return err
				}
				defer more.stop()
				others = append(others, more)
				clients = append(clients, newClient(more.base))
			}
			fmt.Printf("# concurrent_writes: %d instances on one database\n", b.instances)
		}
		if err := step.run(); err != nil {
			fmt.Printf("# ERROR %s%s: %s\n", rec.prefix, step.name, strings.TrimSpace(err.Error()))
			failed++
		}
		if err := srv.checkAlive(); err != nil {
			return err
		}
	}
	peak, err := srv.peakRSSMB()
	if err != nil {
		return err
	}
	rssBar := peakRSSBar(o, b)
	rec.figure("peak_rss_mb", peak, "MB")
	rec.bar("peak_rss_mb", peak, atMost, rssBar)
	for i, more := range others {
		if err := more.checkAlive(); err != nil {
			return err
		}
		peak, err := more.peakRSSMB()
		if err != nil {
			return err
		}
		name := fmt.Sprintf("peak_rss_instance%d_mb", i+2)
		rec.figure(name, peak, "MB")
		rec.bar(name, peak, atMost, rssBar)
	}
	if failed > 0 {
		return fmt.Errorf("%d group(s) of figures could not be measured (see the ERROR lines)", failed)
	}
	return nil
}

// peakRSSBar is the most memory one instance may take: 200 MB, and on
// SQLite 300 MB for a nationwide program of ten thousand teams or more
// (issue 17: its every answer is kept in the one process).
func peakRSSBar(o options, b *backend) float64 {
	if b.dialect == "sqlite" && o.teams >= 10_000 {
		return 300
	}
	return 200
}
