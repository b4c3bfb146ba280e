package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigMetricsToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const token = "prometheus-scrape-token-0123"
	good, empty, short := write("good", token+"\n"), write("empty", " \n"), write("short", "abc\n")
	tests := []struct {
		name, env, file, want, wantErr string
	}{
		{name: "neither: /metrics stays open"},
		{name: "variable", env: token, want: token},
		{name: "file, trimmed", file: good, want: token},
		{name: "file wins over the variable", env: "another-token-0123456789", file: good, want: token},
		{name: "short variable", env: "abc", wantErr: "at least 16"},
		{name: "short file", file: short, wantErr: "NALGAE_METRICS_TOKEN_FILE must be at least 16"},
		{name: "empty file", file: empty, wantErr: "is empty"},
		{name: "missing file", file: filepath.Join(dir, "nope"), wantErr: "read NALGAE_METRICS_TOKEN_FILE"},
		{name: "space inside", env: "prometheus scrape token", wantErr: "spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NALGAE_ENV", "development")
			t.Setenv("NALGAE_METRICS_TOKEN", tt.env)
			t.Setenv("NALGAE_METRICS_TOKEN_FILE", tt.file)
			cfg, err := loadConfig()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), token) {
					t.Fatalf("the error reveals the token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.metricsToken != tt.want {
				t.Fatalf("metrics token %q, want %q", cfg.metricsToken, tt.want)
			}
		})
	}
}
