package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models/database"
)

// config is everything read from the environment.
type config struct {
	env           string
	addr          string
	databaseURL   string
	jwtSecret     []byte
	logFormat     string
	trustProxy    bool
	secureCookies bool
	loginRate     int
	secretWarning string
	// dbPool sizes the PostgreSQL connection pool (SQLite has one connection).
	dbPool database.Pool
	// http holds the server's timeouts.
	http httpTimeouts
	// loginIPFailures is how many failed logins one client address may
	// have in 15 minutes (the per-account bar is 10); 0 is the default.
	loginIPFailures int
	// metricsToken guards /metrics when set (metrics_token.go).
	metricsToken string
}

// httpTimeouts bound slow clients and the drain on shutdown.
type httpTimeouts struct {
	read, write, idle, shutdown time.Duration
}

func (c config) production() bool { return c.env == "production" }

func loadConfig() (config, error) {
	c := config{
		env:           envOr("NALGAE_ENV", "development"),
		addr:          envOr("NALGAE_ADDR", "127.0.0.1:8080"),
		databaseURL:   os.Getenv("DATABASE_URL"),
		logFormat:     envOr("NALGAE_LOG_FORMAT", "text"),
		trustProxy:    envBool("NALGAE_TRUST_PROXY"),
		secureCookies: envBool("NALGAE_SECURE_COOKIES"),
	}
	if err := c.loadOps(); err != nil {
		return c, err
	}
	if err := c.loadMetricsToken(); err != nil {
		return c, err
	}
	if c.env != "development" && c.env != "production" {
		return c, fmt.Errorf("NALGAE_ENV must be development or production, not %q", c.env)
	}
	if raw := os.Getenv("NALGAE_LOGIN_RATE"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return c, fmt.Errorf("NALGAE_LOGIN_RATE must be a positive whole number")
		}
		c.loginRate = n
	}
	if raw := os.Getenv("NALGAE_LOGIN_IP_FAILURES"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return c, fmt.Errorf("NALGAE_LOGIN_IP_FAILURES must be a positive whole number")
		}
		c.loginIPFailures = n
	}
	// Outside development the refresh cookie is always Secure: a session
	// cookie must not travel over plain HTTP in production.
	if raw := os.Getenv("NALGAE_SECURE_COOKIES"); raw != "" && c.production() && !c.secureCookies {
		return c, fmt.Errorf("NALGAE_SECURE_COOKIES=%s is not allowed when NALGAE_ENV=production: the refresh cookie is always Secure there", raw)
	}
	if c.production() {
		c.secureCookies = true
	}
	secret := os.Getenv("JWT_SECRET")
	if file := os.Getenv("JWT_SECRET_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return c, fmt.Errorf("read JWT_SECRET_FILE: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	switch {
	case len(secret) >= api.MinSecretLen:
		c.jwtSecret = []byte(secret)
	case c.production():
		if secret == "" {
			return c, fmt.Errorf("JWT_SECRET (or JWT_SECRET_FILE) is required when NALGAE_ENV=production")
		}
		return c, fmt.Errorf("JWT_SECRET must be at least %d bytes when NALGAE_ENV=production (it is %d)", api.MinSecretLen, len(secret))
	default:
		c.jwtSecret = make([]byte, 48)
		_, _ = rand.Read(c.jwtSecret)
		c.secretWarning = "no usable JWT_SECRET: using a random one, so logins end when the server restarts and other instances will not accept its tokens"
	}
	return c, nil
}

func setupLogging(c config) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if c.logFormat == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	}
	slog.SetDefault(slog.New(h))
}

// loadOps reads the database pool and HTTP timeout settings.
func (c *config) loadOps() error {
	c.dbPool = database.DefaultPool
	c.http = httpTimeouts{read: 60 * time.Second, write: 120 * time.Second, idle: 120 * time.Second, shutdown: 30 * time.Second}
	for _, n := range []struct {
		key string
		dst *int
	}{{"NALGAE_DB_MAX_OPEN_CONNS", &c.dbPool.MaxOpenConns}, {"NALGAE_DB_MAX_IDLE_CONNS", &c.dbPool.MaxIdleConns}} {
		if raw := os.Getenv(n.key); raw != "" {
			v, err := strconv.Atoi(raw)
			if err != nil || v < 0 {
				return fmt.Errorf("%s must be a whole number (0 for no limit), not %q", n.key, raw)
			}
			*n.dst = v
		}
	}
	for _, d := range []struct {
		key string
		dst *time.Duration
	}{
		{"NALGAE_DB_CONN_MAX_LIFETIME", &c.dbPool.ConnMaxLifetime},
		{"NALGAE_HTTP_READ_TIMEOUT", &c.http.read},
		{"NALGAE_HTTP_WRITE_TIMEOUT", &c.http.write},
		{"NALGAE_HTTP_IDLE_TIMEOUT", &c.http.idle},
		{"NALGAE_SHUTDOWN_TIMEOUT", &c.http.shutdown},
	} {
		if raw := os.Getenv(d.key); raw != "" {
			v, err := time.ParseDuration(raw)
			if err != nil || v < 0 {
				return fmt.Errorf("%s must be a duration such as 30s or 30m, not %q", d.key, raw)
			}
			*d.dst = v
		}
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(key string) bool {
	v, _ := strconv.ParseBool(os.Getenv(key))
	return v
}
