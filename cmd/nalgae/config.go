package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/nalgae/nalgae/api"
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
