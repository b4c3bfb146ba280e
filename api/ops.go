package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/nalgae/nalgae/models/database"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// What operators see, outside /api/v1: /healthz (the process answers),
// /readyz (send it traffic), /metrics (Prometheus text), and one structured
// log line per request.

// ReadyResponse is the answer of GET /readyz when the instance may serve.
type ReadyResponse struct {
	Status string `json:"status"`
}

// readyTimeout bounds the readiness check, so that a hung database makes
// /readyz fail fast instead of piling up probes.
const readyTimeout = 3 * time.Second

// readyz answers 200 when the database answers and is fully migrated, and
// 503 in the SPEC error shape otherwise (the reason goes to the log).
func (s *Server) readyz(c echo.Context) error {
	cx, cancel := context.WithTimeout(ctx(c), readyTimeout)
	defer cancel()
	if err := s.store.Ready(cx); err != nil {
		s.log.Warn("not ready", "err", err)
		msg := "The database does not answer or its schema is not up to date; see the server log."
		return c.JSON(http.StatusServiceUnavailable, ErrorBody{ErrorDetail{Code: "not_ready", Message: msg}})
	}
	return c.JSON(http.StatusOK, ReadyResponse{Status: "ready"})
}

// telemetry holds one server's metrics. Each Server has its own registry,
// so that tests may run many servers in one process.
type telemetry struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	imports  *prometheus.CounterVec
	pulls    *prometheus.CounterVec
}

func newTelemetry(cfg Config) *telemetry {
	t := &telemetry{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nalgae_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "nalgae_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route template, method and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nalgae_imports_total",
			Help: "File imports by kind (what the file holds) and outcome (e.g. previewed, applied, rejected).",
		}, []string{"kind", "outcome"}),
		pulls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nalgae_searchad_pulls_total",
			Help: "SearchAd pulls by trigger (manual, nightly) and outcome (previewed, applied, rejected, refused, failed).",
		}, []string{"trigger", "outcome"}),
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "nalgae_build_info",
		Help:        "Always 1; the version label says which build answers.",
		ConstLabels: prometheus.Labels{"version": cfg.Version},
	})
	info.Set(1)
	t.registry.MustRegister(t.requests, t.latency, t.imports, t.pulls, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Store != nil {
		cfg.Store.ObservePulls(func(trigger, outcome string) { t.pulls.WithLabelValues(trigger, outcome).Inc() })
		// Open, in-use and idle connections, waits for one, and closes.
		if sqlDB, err := cfg.Store.DB().DB(); err == nil {
			t.registry.MustRegister(collectors.NewDBStatsCollector(sqlDB, string(database.DialectOf(cfg.Store.DB()))))
		}
	}
	return t
}

// metrics serves the registry in the Prometheus text format (to holders of
// the metrics token only, when the server has one: metrics_auth.go).
func (s *Server) metrics() echo.HandlerFunc {
	return s.guardMetrics(echo.WrapHandler(promhttp.HandlerFor(s.telemetry.registry, promhttp.HandlerOpts{
		Registry:          s.telemetry.registry, // counts its own scrape errors
		EnableOpenMetrics: false,
	})))
}

// countImport counts one file import: kind is what the file holds
// ("metrics", "sales", …) and outcome how it ended ("previewed", "applied",
// "rejected", …). The import handlers call it once per upload.
func (s *Server) countImport(kind, outcome string) {
	s.telemetry.imports.WithLabelValues(kind, outcome).Inc()
}

// observe logs and measures every request. It answers errors itself (through
// the HTTPErrorHandler, which also logs the cause of a 500) so that the status
// it records is the one sent. The
// route label is echo's route template (/api/v1/teams/:id), never the URL, so
// that ids do not multiply the series.
func (t *telemetry) observe(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			elapsed := time.Since(start)
			req, res := c.Request(), c.Response()
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := strconv.Itoa(res.Status)
			t.requests.WithLabelValues(route, req.Method, status).Inc()
			t.latency.WithLabelValues(route, req.Method, status).Observe(elapsed.Seconds())
			level := slog.LevelInfo
			if res.Status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", req.Method),
				slog.String("route", route),
				slog.String("path", req.URL.Path),
				slog.Int("status", res.Status),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.Int64("bytes", res.Size),
				slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
				slog.String("remote", c.RealIP()),
			}
			log.LogAttrs(req.Context(), level, "request", attrs...)
			return nil
		}
	}
}
