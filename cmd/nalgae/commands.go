package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/seed"
)

// openDB opens and migrates the configured database.
func openDB(cfg config) (*gorm.DB, error) {
	db, err := database.OpenWithPool(cfg.databaseURL, cfg.dbPool)
	if err != nil {
		return nil, err
	}
	if err := migrations.Migrate(db); err != nil {
		database.Close(db)
		return nil, err
	}
	return db, nil
}

func serve(cfg config, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", cfg.addr, "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.secretWarning != "" {
		slog.Warn(cfg.secretWarning)
	}
	tuneGC()
	if err := startPprof(); err != nil {
		return err
	}
	sources, err := loadSources(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer sources.bucket.Close()
	for _, note := range sources.keyNotes {
		slog.Warn(note)
	}
	slog.Info("evidence files kept at " + sources.redactedBlobURL())
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer database.Close(db)
	tokens, err := api.NewTokens(cfg.jwtSecret)
	if err != nil {
		return err
	}
	store := models.NewStore(db)
	store.SetLoginLimits(models.LoginLimits{IPFailures: cfg.loginIPFailures})
	sources.apply(store)
	srv := api.New(api.Config{
		Store:          store,
		Tokens:         tokens,
		Version:        version,
		LoginPerMinute: cfg.loginRate,
		TrustProxy:     cfg.trustProxy,
		SecureCookies:  cfg.secureCookies,
		MetricsToken:   cfg.metricsToken,
	})
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.http.read,
		WriteTimeout:      cfg.http.write,
		IdleTimeout:       cfg.http.idle,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// River's own context is not the signal's: cancelling it would cancel
	// the jobs at once; stopJobs stops River gracefully instead.
	runner, err := sources.startJobs(context.Background(), cfg, store)
	if err != nil {
		return err
	}
	stopJobs := func() {
		// Jobs in flight get the same grace as requests, then are cancelled
		// (River retries them later, on whichever instance).
		jobsCtx, cancel := context.WithTimeout(context.Background(), cfg.http.shutdown)
		defer cancel()
		if err := runner.Stop(jobsCtx); err != nil {
			slog.Warn("stop River", "err", err)
		}
	}
	// Deferred here, it runs after the HTTP server's shutdown below and
	// before the database closes (deferred earlier), on every return.
	defer stopJobs()
	// Listen before logging, so that the log names the real address (port 0
	// picks a free one: tests start several instances that way).
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		slog.Info("nalgae listening", "addr", "http://"+ln.Addr().String(), "database", string(database.DialectOf(db)), "version", version)
		errc <- httpServer.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight and jobs")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.http.shutdown)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrate(cfg config) error {
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer database.Close(db)
	fmt.Println("database is at migration", migrations.Latest())
	return nil
}

func seedCommand(cfg config, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo program of the founding story")
	scale := fs.Int("scale", 0, "write a deterministic synthetic program of N teams (benchmarks)")
	asJSON := fs.Bool("json", false, "with --scale: print what was written and its logins as one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demo == (*scale > 0) {
		return fmt.Errorf("say what to seed: --demo or --scale N")
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if *scale > 0 {
		res, err := seed.Scale(context.Background(), models.NewStore(db), *scale)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(os.Stdout).Encode(res)
		}
		fmt.Printf("Synthetic program %d: %d teams, %d campaigns, %d daily entries, %d sales records.\n",
			res.ProgramID, res.Teams, res.Campaigns, res.Entries, res.Sales)
		fmt.Printf("Logins (password %s): %s, %s, students %s.\n", res.Password, res.Professor, res.City, res.StudentEmailFormat)
		return nil
	}
	// The demo attaches a few evidence files: into the same bucket serve uses.
	bucket, _, err := openEvidenceBucket(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer bucket.Close()
	store := models.NewStore(db)
	store.SetEvidenceBucket(bucket)
	logins, err := seed.Demo(context.Background(), store)
	if err != nil {
		return err
	}
	fmt.Println("Demo program loaded. Demo logins (demo mode only; change them for real use):")
	for _, l := range logins {
		fmt.Printf("  %-9s %-28s %s\n", l.Role, l.Email, l.Password)
	}
	return nil
}

func user(cfg config, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: nalgae user create --email E --name N --role R [--password P]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	email := fs.String("email", "", "email address (login)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "admin, professor, student, merchant or city")
	password := fs.String("password", "", "password (read from stdin when omitted)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *password == "" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no --password and nothing on stdin")
		}
		*password = strings.TrimRight(line, "\r\n")
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer database.Close(db)
	r := models.Role(*role)
	u, err := models.NewStore(db).CreateUser(context.Background(), models.Actor{Role: models.RoleAdmin, IP: "cli"},
		models.UserInput{Email: email, Name: name, Role: &r, Password: password})
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%s", verr.Error())
	}
	if err != nil {
		return err
	}
	fmt.Printf("created user %d <%s> as %s\n", u.ID, u.Email, u.Role)
	return nil
}

// serverGCPercent is the garbage collector's target for `nalgae serve`
// unless GOGC says otherwise: a request allocates a few short-lived KB, and
// collecting at twice the live heap rather than at once more of it halves
// the collector's share of the CPU for a few tens of MB more memory (the
// live heap is small; SQLite's page caches live outside it).
const serverGCPercent = 200

// serverMemoryLimit is the Go heap's soft limit for `nalgae serve` unless
// GOMEMLIMIT says otherwise: near it the collector runs sooner than
// serverGCPercent would let it. The live heap stays well below it (some
// 70 MB with every answer of a ten-thousand-team program kept), but the
// one pass that computes those answers allocates a few hundred MB that live
// for moments: without a limit, collecting at three times the live heap let
// the process reach 600 MB (SQLite's page caches, outside the Go heap,
// come on top). At 112 MiB rather than 128, a thousand-team server's peak
// (the binary's own pages, some 44 MB, and SQLite's caches included) went
// from 178–201 MB to 164–179 MB across the bench's runs, with the same
// throughput.
const serverMemoryLimit = 112 << 20

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverMemoryLimit)
	}
}
