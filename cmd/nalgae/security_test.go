package main

import (
	"os"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models/modelstest"
)

// The refresh cookie is Secure outside development, whatever the
// environment says, and the login throttle's address bar is configurable.
func TestConfigSecureCookiesAndLoginLimits(t *testing.T) {
	secret := strings.Repeat("s", 40)
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    string
		secure     bool
		ipFailures int
	}{
		{"development", map[string]string{}, "", false, 0},
		{"development asking for Secure", map[string]string{"NALGAE_SECURE_COOKIES": "true"}, "", true, 0},
		{"production", map[string]string{"NALGAE_ENV": "production"}, "", true, 0},
		{"production asking for Secure", map[string]string{"NALGAE_ENV": "production", "NALGAE_SECURE_COOKIES": "1"}, "", true, 0},
		{"production refusing Secure", map[string]string{"NALGAE_ENV": "production", "NALGAE_SECURE_COOKIES": "false"}, "NALGAE_SECURE_COOKIES=false is not allowed", false, 0},
		{"address failures", map[string]string{"NALGAE_LOGIN_IP_FAILURES": "200"}, "", false, 200},
		{"bad address failures", map[string]string{"NALGAE_LOGIN_IP_FAILURES": "0"}, "NALGAE_LOGIN_IP_FAILURES", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JWT_SECRET", secret)
			for _, k := range []string{"NALGAE_ENV", "NALGAE_SECURE_COOKIES", "NALGAE_LOGIN_IP_FAILURES"} {
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
			if cfg.secureCookies != tt.secure || cfg.loginIPFailures != tt.ipFailures {
				t.Errorf("secure cookies %v, address failures %d; want %v, %d", cfg.secureCookies, cfg.loginIPFailures, tt.secure, tt.ipFailures)
			}
		})
	}
}

// `nalgae user create` applies the password policy of the API.
func TestUserCreatePasswordPolicy(t *testing.T) {
	t.Setenv("DATABASE_URL", modelstest.NewDatabaseURL(t))
	t.Setenv("NALGAE_ENV", "development")
	for _, tc := range []struct{ name, password, wantErr string }{
		{"9 characters", "short-pw1", "password: must be at least 10 characters"},
		{"129 bytes", strings.Repeat("x", 129), "password: must be at most 128 bytes"},
		{"the email's name part", "hong-gildong-2026", "password: must not contain the email"},
		{"the email", "Hong-Gildong@Example.KR", "password: must not contain the email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run([]string{"user", "create", "--email", "hong-gildong@example.kr", "--name", "홍길동", "--role", "student", "--password", tc.password})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
	// Read from stdin, a good one is taken.
	stdin, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	stdin.WriteString("ten-chars!\n")
	stdin.Seek(0, 0)
	old := os.Stdin
	os.Stdin = stdin
	defer func() { os.Stdin = old }()
	if err := run([]string{"user", "create", "--email", "hong-gildong@example.kr", "--name", "홍길동", "--role", "student"}); err != nil {
		t.Fatalf("a 10-character password: %v", err)
	}
}
