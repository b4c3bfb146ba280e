package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models/modelstest"
)

func TestConfigSecret(t *testing.T) {
	long := strings.Repeat("s", 40)
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(long+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		random  bool
	}{
		{"production without secret", map[string]string{"NALGAE_ENV": "production"}, "JWT_SECRET (or JWT_SECRET_FILE) is required", false},
		{"production with short secret", map[string]string{"NALGAE_ENV": "production", "JWT_SECRET": "short"}, "at least 32 bytes", false},
		{"production with secret", map[string]string{"NALGAE_ENV": "production", "JWT_SECRET": long}, "", false},
		{"production with secret file", map[string]string{"NALGAE_ENV": "production", "JWT_SECRET_FILE": secretFile}, "", false},
		{"development without secret", map[string]string{}, "", true},
		{"unknown env", map[string]string{"NALGAE_ENV": "staging"}, "development or production", false},
		{"bad login rate", map[string]string{"NALGAE_LOGIN_RATE": "-3"}, "NALGAE_LOGIN_RATE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"NALGAE_ENV", "JWT_SECRET", "JWT_SECRET_FILE", "NALGAE_LOGIN_RATE"} {
				t.Setenv(k, tt.env[k])
			}
			cfg, err := loadConfig()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.jwtSecret) < 32 {
				t.Fatalf("secret of %d bytes", len(cfg.jwtSecret))
			}
			if tt.random != (cfg.secretWarning != "") {
				t.Fatalf("random secret warning %q, want random=%v", cfg.secretWarning, tt.random)
			}
		})
	}
}

func TestUserCreateFromStdinAndMigrate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", modelstest.NewDatabaseURL(t))
	t.Setenv("NALGAE_ENV", "development")
	if err := run([]string{"migrate"}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	stdin, err := os.CreateTemp(dir, "stdin")
	if err != nil {
		t.Fatal(err)
	}
	stdin.WriteString("a-good-password\n")
	stdin.Seek(0, 0)
	old := os.Stdin
	os.Stdin = stdin
	defer func() { os.Stdin = old }()
	if err := run([]string{"user", "create", "--email", "Kim@PKNU.ac.kr", "--name", "김교수", "--role", "professor"}); err != nil {
		t.Fatalf("user create: %v", err)
	}
	err = run([]string{"user", "create", "--email", "bad", "--name", "x", "--role", "king", "--password", "short"})
	if err == nil || !strings.Contains(err.Error(), "role") || !strings.Contains(err.Error(), "email") {
		t.Fatalf("invalid user: err = %v, want it to name email and role", err)
	}
	if err := run([]string{"frobnicate"}); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run([]string{"version"}); err != nil {
		t.Fatal(err)
	}
}
