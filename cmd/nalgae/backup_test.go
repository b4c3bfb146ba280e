package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestBackupCommand(t *testing.T) {
	t.Setenv("NALGAE_ENV", "development")
	t.Setenv("DATABASE_URL", modelstest.NewDatabaseURL(t))
	if err := run([]string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "nalgae-backup.db")
	err := run([]string{"backup", file})
	if modelstest.Dialect() == database.Postgres {
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("backup on PostgreSQL: %v, want it to point to pg_dump", err)
		}
		if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("backup on PostgreSQL wrote a file: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	restored, err := database.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := restored.Table("schema_migrations").Count(&n).Error; err != nil || n == 0 {
		t.Fatalf("the backup holds %d migrations (%v)", n, err)
	}
	database.Close(restored)

	if err := run([]string{"backup", file}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v, want a refusal", err)
	}
	if err := run([]string{"backup"}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("backup without a file: %v, want usage", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	t.Setenv("DATABASE_URL", missing)
	if err := run([]string{"backup", filepath.Join(t.TempDir(), "x.db")}); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Fatalf("backup of a missing database: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("backup created the missing database: %v", err)
	}
}

func TestConfigOps(t *testing.T) {
	keys := []string{"NALGAE_DB_MAX_OPEN_CONNS", "NALGAE_DB_MAX_IDLE_CONNS", "NALGAE_DB_CONN_MAX_LIFETIME",
		"NALGAE_HTTP_READ_TIMEOUT", "NALGAE_HTTP_WRITE_TIMEOUT", "NALGAE_HTTP_IDLE_TIMEOUT", "NALGAE_SHUTDOWN_TIMEOUT"}
	set := func(env map[string]string) {
		for _, k := range keys {
			t.Setenv(k, env[k])
		}
	}
	t.Setenv("NALGAE_ENV", "development")
	set(nil)
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.dbPool != database.DefaultPool || cfg.http.shutdown != 30*time.Second {
		t.Fatalf("defaults: pool %+v, timeouts %+v", cfg.dbPool, cfg.http)
	}
	set(map[string]string{"NALGAE_DB_MAX_OPEN_CONNS": "8", "NALGAE_DB_MAX_IDLE_CONNS": "0", "NALGAE_DB_CONN_MAX_LIFETIME": "5m",
		"NALGAE_HTTP_WRITE_TIMEOUT": "10m", "NALGAE_SHUTDOWN_TIMEOUT": "5s"})
	if cfg, err = loadConfig(); err != nil {
		t.Fatal(err)
	}
	if want := (database.Pool{MaxOpenConns: 8, MaxIdleConns: 0, ConnMaxLifetime: 5 * time.Minute}); cfg.dbPool != want {
		t.Fatalf("pool %+v, want %+v", cfg.dbPool, want)
	}
	if cfg.http.write != 10*time.Minute || cfg.http.shutdown != 5*time.Second || cfg.http.read != 60*time.Second {
		t.Fatalf("timeouts %+v", cfg.http)
	}
	for key, bad := range map[string]string{"NALGAE_DB_MAX_OPEN_CONNS": "many", "NALGAE_DB_MAX_IDLE_CONNS": "-1",
		"NALGAE_DB_CONN_MAX_LIFETIME": "30", "NALGAE_HTTP_IDLE_TIMEOUT": "soon"} {
		set(map[string]string{key: bad})
		if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: err %v, want it named", key, bad, err)
		}
	}
}
