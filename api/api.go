// Package api is Nalgae's HTTP layer: the route table, thin handlers that
// bind, call models and answer, the error shape of SPEC §4, authentication
// and the embedded single-page app.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/nalgae/nalgae/models"
)

// MaxJSONBody is the largest JSON request body (SPEC: 413 beyond 1 MiB).
const MaxJSONBody = "1M"

// ContentSecurityPolicy is sent with every answer: the SPA and the docs page
// load scripts and styles only from their own files, never inline, so that
// injected markup can run nothing; no plugins, no framing, no foreign forms.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// Config is what the server needs from its caller.
type Config struct {
	Store   *models.Store
	Tokens  *Tokens
	Version string
	// LoginPerMinute limits login and refresh attempts per client address.
	LoginPerMinute int
	// TrustProxy takes the client address from X-Forwarded-For (behind a
	// load balancer); otherwise the connection's address is used.
	TrustProxy bool
	// SecureCookies marks the refresh cookie Secure even on plain HTTP
	// (set it when TLS ends at a proxy).
	SecureCookies bool
	// Logger gets one line per request (ops.go); slog.Default() when nil.
	Logger *slog.Logger
	// MetricsToken, when set, is the bearer token /metrics requires
	// (metrics_auth.go); empty leaves /metrics open.
	MetricsToken string
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg    Config
	store  *models.Store
	tokens *Tokens
	echo   *echo.Echo
	// telemetry counts and times requests for /metrics (ops.go).
	telemetry *telemetry
	log       *slog.Logger
	// answers keeps the JSON of kept KPI answers (answers.go).
	answers *encodedAnswers
}

// New builds the echo instance with every route of routes.go.
func New(cfg Config) *Server {
	if cfg.LoginPerMinute <= 0 {
		cfg.LoginPerMinute = 20
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = handleError
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" },
	}))
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	tel := newTelemetry(cfg)
	// Outermost: a request id, then the log line and metrics, which thus see
	// recovered panics and every error as the status actually sent.
	e.Use(middleware.RequestID(), tel.observe(cfg.Logger))
	e.Use(middleware.Recover())
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: ContentSecurityPolicy,
		// Sent only over HTTPS (or behind a proxy that says so).
		HSTSMaxAge: 365 * 24 * 60 * 60,
	}))
	// Uploads have their own, larger limit (imports.go).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: MaxJSONBody, Skipper: isUpload}))
	s := &Server{cfg: cfg, store: cfg.Store, tokens: cfg.Tokens, echo: e, telemetry: tel, log: cfg.Logger, answers: newEncodedAnswers()}
	s.register()
	return s
}

// Handler is the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo exposes the echo instance (tests walk its routes).
func (s *Server) Echo() *echo.Echo { return s.echo }

// loginLimiter slows down password guessing per client address.
func (s *Server) loginLimiter() echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate:      rate.Limit(float64(s.cfg.LoginPerMinute) / 60),
		Burst:     s.cfg.LoginPerMinute,
		ExpiresIn: 10 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return c.RealIP(), nil
		},
		ErrorHandler: func(echo.Context, error) error { return echo.ErrForbidden },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			// One attempt comes back every 60/rate seconds.
			c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, 60/s.cfg.LoginPerMinute)))
			return echo.NewHTTPError(http.StatusTooManyRequests)
		},
	})
}

// ctx is the request's context.
func ctx(c echo.Context) context.Context { return c.Request().Context() }
