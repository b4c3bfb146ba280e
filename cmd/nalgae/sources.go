package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// evidence storage (the default)
	_ "gocloud.dev/blob/s3blob"   // s3:// evidence storage, for several instances

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/secretbox"
)

// What SPEC §14 needs from the environment:
//
//	NALGAE_SECRET_KEY / NALGAE_SECRET_KEY_FILE  the key sealing SearchAd keys (openssl rand -base64 32)
//	NALGAE_SECRET_KEY_OLD                       older keys, comma separated, still opened while rotating
//	NALGAE_SEARCHAD_BASE_URL                    SearchAd's API (default https://api.searchad.naver.com)
//	NALGAE_SEARCHAD_PULL_AT                     the nightly pull, HH:MM in Seoul (default 06:00; "off" for none)
//	NALGAE_BLOB_URL                             where evidence files live (default: blobs/ in the data directory,
//	                                            file://./data/blobs for the default database)

// defaultBlobURL keeps evidence in the data directory, beside a SQLite
// database (./data/blobs for the default ./data/nalgae.db, SPEC §14.2's
// file://./data/blobs), so that a database in another directory — a test's,
// a second demo — does not share its files with the default one.
func defaultBlobURL(cfg config) (string, error) {
	dir, err := filepath.Abs(filepath.Join(dataDir(cfg), "blobs"))
	if err != nil {
		return "", fmt.Errorf("evidence directory: %w", err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String(), nil
}

// sourcesConfig is what setupSources read.
type sourcesConfig struct {
	box      *secretbox.Box
	client   *searchad.Client
	bucket   *blob.Bucket
	pullAt   *models.NightlyAt // nil: no nightly pull
	blobURL  string
	keyNotes []string
}

// loadSources reads the environment. In production a missing key is an
// error; in development a key is made once into the data directory (the
// log says so, never the key).
func loadSources(ctx context.Context, cfg config) (*sourcesConfig, error) {
	sc := &sourcesConfig{}
	raw := os.Getenv("NALGAE_SECRET_KEY")
	if file := os.Getenv("NALGAE_SECRET_KEY_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read NALGAE_SECRET_KEY_FILE: %w", err)
		}
		raw = string(b)
	}
	var key []byte
	switch {
	case strings.TrimSpace(raw) != "":
		k, err := secretbox.ParseKey(raw)
		if err != nil {
			return nil, fmt.Errorf("NALGAE_SECRET_KEY: %w", err)
		}
		key = k
	case cfg.production():
		return nil, errors.New("NALGAE_SECRET_KEY (or NALGAE_SECRET_KEY_FILE) is required when NALGAE_ENV=production: it encrypts the SearchAd keys (make one with `openssl rand -base64 32`)")
	default:
		path := filepath.Join(dataDir(cfg), secretbox.GeneratedKeyFile)
		k, created, err := secretbox.LoadOrCreateKeyFile(path)
		if err != nil {
			return nil, err
		}
		key = k
		if created {
			sc.keyNotes = append(sc.keyNotes, "no NALGAE_SECRET_KEY: generated one into "+path+" (development only; keep the file with the database)")
		} else {
			sc.keyNotes = append(sc.keyNotes, "no NALGAE_SECRET_KEY: using the development key in "+path)
		}
	}
	var older [][]byte
	for _, part := range strings.Split(os.Getenv("NALGAE_SECRET_KEY_OLD"), ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, err := secretbox.ParseKey(part)
		if err != nil {
			return nil, fmt.Errorf("NALGAE_SECRET_KEY_OLD: %w", err)
		}
		older = append(older, k)
	}
	box, err := secretbox.New(key, older...)
	if err != nil {
		return nil, err
	}
	sc.box = box
	if sc.client, err = searchad.New(os.Getenv("NALGAE_SEARCHAD_BASE_URL")); err != nil {
		return nil, fmt.Errorf("NALGAE_SEARCHAD_BASE_URL: %w", err)
	}
	pullAt := envOr("NALGAE_SEARCHAD_PULL_AT", "06:00")
	if pullAt != "off" {
		at, err := models.ParseNightlyAt(pullAt)
		if err != nil {
			return nil, fmt.Errorf("NALGAE_SEARCHAD_PULL_AT: %w", err)
		}
		sc.pullAt = &at
	}
	if sc.bucket, sc.blobURL, err = openEvidenceBucket(ctx, cfg); err != nil {
		return nil, err
	}
	return sc, nil
}

// openEvidenceBucket opens NALGAE_BLOB_URL, or the default beside the
// database; it answers the URL too.
func openEvidenceBucket(ctx context.Context, cfg config) (*blob.Bucket, string, error) {
	raw := os.Getenv("NALGAE_BLOB_URL")
	if raw == "" {
		var err error
		if raw, err = defaultBlobURL(cfg); err != nil {
			return nil, "", err
		}
	}
	b, err := openBucket(ctx, raw)
	if err != nil {
		return nil, "", err
	}
	return b, raw, nil
}

// openBucket opens NALGAE_BLOB_URL; a file:// directory is created when
// missing and files are written beside their final name (no cross-device
// rename from /tmp).
func openBucket(ctx context.Context, raw string) (*blob.Bucket, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("NALGAE_BLOB_URL: %w", err)
	}
	if u.Scheme == "file" {
		q := u.Query()
		if q.Get("create_dir") == "" {
			q.Set("create_dir", "1")
		}
		if q.Get("no_tmp_dir") == "" {
			q.Set("no_tmp_dir", "1")
		}
		u.RawQuery = q.Encode()
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("NALGAE_BLOB_URL %s: %w", u.Redacted(), err)
	}
	return b, nil
}

// redactedBlobURL is NALGAE_BLOB_URL without a password or query (an s3
// endpoint's parameters stay out of the log).
func (sc *sourcesConfig) redactedBlobURL() string {
	u, err := url.Parse(sc.blobURL)
	if err != nil {
		return "(unparsable NALGAE_BLOB_URL)"
	}
	u.RawQuery = ""
	return u.Redacted()
}

// apply hands the sources to the store.
func (sc *sourcesConfig) apply(store *models.Store) {
	store.SetSecrets(sc.box)
	store.SetSearchAd(sc.client)
	store.SetEvidenceBucket(sc.bucket)
}

// dataDir is where a development instance keeps its files: beside a SQLite
// database, else ./data.
func dataDir(cfg config) string {
	dialect, path := database.ParseDatabaseURL(cfg.databaseURL)
	if dialect == database.SQLite {
		return filepath.Dir(path)
	}
	return "data"
}

// startNightly runs the nightly pull in the background until ctx ends.
func (sc *sourcesConfig) startNightly(ctx context.Context, store *models.Store) {
	if sc.pullAt == nil {
		slog.Info("nightly SearchAd pull off (NALGAE_SEARCHAD_PULL_AT=off)")
		return
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s:%d", host, os.Getpid())
	slog.Info("nightly SearchAd pull scheduled", "at", fmt.Sprintf("%02d:%02d Asia/Seoul", sc.pullAt.Hour, sc.pullAt.Minute), "holder", holder)
	go store.RunNightly(ctx, *sc.pullAt, holder)
}
