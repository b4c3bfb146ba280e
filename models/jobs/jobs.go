// Package jobs runs Nalgae's background jobs on River (riverqueue.com): the
// nightly SearchAd pull (SPEC §14.1) as a periodic job. River keeps its jobs
// in the application's database (its tables come with our migrations,
// models/migrations/20261230_river.go), elects one leader among the
// instances sharing that database — only the leader enqueues periodic jobs —
// and retries a failed job with backoff.
//
// What runs when: at NALGAE_SEARCHAD_PULL_AT (Asia/Seoul) the leader inserts
// one searchad_nightly job for that night (unique by its night, so a second
// insert of the same night, by a new leader or a restart, is skipped); any
// instance works it by inserting one searchad_nightly_campaign job per linked
// campaign of an active program (unique by campaign and night), and each of
// those pulls its campaign's last seven days. A pull SearchAd refused
// (401/403) or whose days the import refused is cancelled, not retried;
// another failure is retried, up to five tries.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
)

// Job kinds, as River's river_job.kind column names them.
const (
	KindNightly         = "searchad_nightly"
	KindNightlyCampaign = "searchad_nightly_campaign"
)

// maxAttempts is how often a nightly job is tried before River discards it:
// with River's backoff (attempt⁴ seconds) the last try comes some six
// minutes after the first.
const maxAttempts = 5

// keepFinished is how long River keeps finished jobs: longer than a night,
// so that a restart the next day still finds the night's job done and does
// not pull it again.
const keepFinished = 8 * 24 * time.Hour

// defaultPoll: nothing here needs a job picked up within the second, and
// on SQLite each look takes the write lock for a moment.
const defaultPoll = 5 * time.Second

// NightlyArgs is the night's job: list the campaigns to pull.
type NightlyArgs struct {
	Night string `json:"night"` // the Seoul date, YYYY-MM-DD
}

func (NightlyArgs) Kind() string { return KindNightly }

func (NightlyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// CampaignArgs is one campaign's pull of one night.
type CampaignArgs struct {
	CampaignID uint64 `json:"campaign_id"`
	Night      string `json:"night"`
}

func (CampaignArgs) Kind() string { return KindNightlyCampaign }

func (CampaignArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Config says what a Runner runs.
type Config struct {
	Store       *models.Store
	DatabaseURL string            // the application's DATABASE_URL
	PullAt      *models.NightlyAt // nil: no nightly pull is scheduled
	// ID names this instance among River's clients; empty: River makes one.
	ID string
	// PollInterval is how often the instance looks for jobs to work when it
	// is not told of them (always, on SQLite, where each look is a short
	// write); 0: defaultPoll.
	PollInterval time.Duration
	Logger       *slog.Logger // nil: slog.Default(), warnings and errors only
	// TestOnly starts River's maintenance (the leader's periodic jobs among
	// it) at once, without the jitter that spreads instances in production.
	TestOnly bool
}

// Runner is one instance's River client.
type Runner interface {
	// Stop lets running jobs finish until ctx ends, then cancels them, and
	// closes River's connections.
	Stop(ctx context.Context) error
	// InsertNightly inserts night's job as the schedule would; false: that
	// night's job exists already.
	InsertNightly(ctx context.Context, night civil.Date) (bool, error)
	// Jobs lists the nightly jobs River holds, oldest first.
	Jobs(ctx context.Context) ([]*rivertype.JobRow, error)
}

// Start opens River's own connections to cfg.DatabaseURL's database and
// starts working jobs. On PostgreSQL River has a small pool of its own. On
// SQLite it has one connection of its own beside the application's one
// writer, with the writer's busy timeout and BEGIN IMMEDIATE, so that the
// two take turns at SQLite's write lock (WAL lets readers go on meanwhile).
func Start(ctx context.Context, cfg Config) (Runner, error) {
	dialect, _ := database.ParseDatabaseURL(cfg.DatabaseURL)
	if dialect == database.Postgres {
		pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		pc.MaxConns = 4
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			return nil, fmt.Errorf("jobs: connect: %w", err)
		}
		r, err := start[pgx.Tx](ctx, riverpgxv5.New(pool), cfg, pool.Close)
		if err != nil {
			pool.Close()
		}
		return r, err
	}
	db, err := database.OpenSQLiteJobs(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r, err := start[*sql.Tx](ctx, riversqlite.New(db), cfg, func() { _ = db.Close() })
	if err != nil {
		_ = db.Close()
	}
	return r, err
}

func start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg Config, closePool func()) (Runner, error) {
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &nightlyWorker[TTx]{store: cfg.Store}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &campaignWorker{store: cfg.Store}); err != nil {
		return nil, err
	}
	var periodic []*river.PeriodicJob
	if at := cfg.PullAt; at != nil {
		periodic = append(periodic, river.NewPeriodicJob(*at, func() (river.JobArgs, *river.InsertOpts) {
			// The night whose time has come (a minute's grace for a clock
			// that fires early). At start, that is the last night: done
			// already, its insert is skipped; missed, it runs now.
			return NightlyArgs{Night: at.Night(time.Now().Add(time.Minute)).String()}, nil
		}, &river.PeriodicJobOpts{ID: KindNightly, RunOnStart: true}))
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPoll
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(warnings{slog.Default().Handler()})
	}
	client, err := river.NewClient(driver, &river.Config{
		ID:                          cfg.ID,
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:                     workers,
		PeriodicJobs:                periodic,
		FetchPollInterval:           cfg.PollInterval,
		FetchCooldown:               min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:                  5 * time.Minute,
		CompletedJobRetentionPeriod: keepFinished,
		CancelledJobRetentionPeriod: keepFinished,
		DiscardedJobRetentionPeriod: keepFinished,
		Logger:                      logger,
		TestOnly:                    cfg.TestOnly,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return &runner[TTx]{client: client, closePool: closePool}, nil
}

type runner[TTx any] struct {
	client    *river.Client[TTx]
	closePool func()
}

func (r *runner[TTx]) Stop(ctx context.Context) error {
	defer r.closePool()
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	cancelCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.client.StopAndCancel(cancelCtx)
}

func (r *runner[TTx]) InsertNightly(ctx context.Context, night civil.Date) (bool, error) {
	res, err := r.client.Insert(ctx, NightlyArgs{Night: night.String()}, nil)
	if err != nil {
		return false, err
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

func (r *runner[TTx]) Jobs(ctx context.Context) ([]*rivertype.JobRow, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().Kinds(KindNightly, KindNightlyCampaign).First(10000))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}

// nightlyWorker works the night's job: one job per campaign to pull.
type nightlyWorker[TTx any] struct {
	river.WorkerDefaults[NightlyArgs]
	store *models.Store
}

func (w *nightlyWorker[TTx]) Work(ctx context.Context, job *river.Job[NightlyArgs]) error {
	if _, err := civil.Parse(job.Args.Night); err != nil {
		return river.JobCancel(fmt.Errorf("night %q: %w", job.Args.Night, err))
	}
	ids, err := w.store.NightlyCampaigns(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: CampaignArgs{CampaignID: id, Night: job.Args.Night}}
	}
	client, err := river.ClientFromContextSafely[TTx](ctx)
	if err != nil {
		return err
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

// campaignWorker pulls one campaign for one night.
type campaignWorker struct {
	river.WorkerDefaults[CampaignArgs]
	store *models.Store
}

func (w *campaignWorker) Work(ctx context.Context, job *river.Job[CampaignArgs]) error {
	night, err := civil.Parse(job.Args.Night)
	if err != nil {
		return river.JobCancel(fmt.Errorf("night %q: %w", job.Args.Night, err))
	}
	err = w.store.PullNightly(ctx, job.Args.CampaignID, night)
	if errors.Is(err, models.ErrPullNotRetryable) {
		return river.JobCancel(err)
	}
	return err
}

// warnings passes on River's warnings and errors, not its routine news.
type warnings struct{ slog.Handler }

func (h warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnings{h.Handler.WithAttrs(attrs)}
}

func (h warnings) WithGroup(name string) slog.Handler { return warnings{h.Handler.WithGroup(name)} }
