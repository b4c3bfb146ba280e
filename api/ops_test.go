package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestReadyz(t *testing.T) {
	t.Parallel()
	db := modelstest.NewEmptyDB(t)
	env := newEnvOn(t, db)

	notReady := func(why string) {
		t.Helper()
		rec := env.do("GET", "/readyz", nil, "")
		expectStatus(t, rec, http.StatusServiceUnavailable)
		if body := decode[ErrorBody](t, rec); body.Error.Code != "not_ready" || body.Error.Message == "" {
			t.Fatalf("%s: body %s, want the SPEC error shape with code not_ready", why, rec.Body.String())
		}
	}
	notReady("unmigrated database")
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	rec := env.do("GET", "/readyz", nil, "")
	expectStatus(t, rec, http.StatusOK)
	if got := decode[ReadyResponse](t, rec); got.Status != "ready" {
		t.Fatalf("readyz answered %s", rec.Body.String())
	}
	database.Close(db)
	notReady("closed database")
	// Liveness does not depend on the database.
	expectStatus(t, env.do("GET", "/healthz", nil, ""), http.StatusOK)
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	// A second server in the same process has its own registry: no clash,
	// and none of the first one's counts.
	other := newEnvOn(t, clone(t))

	prof := env.token(w.Prof)
	expectStatus(t, env.do("GET", "/api/v1/programs/"+itoa(w.ProgramA.ID), nil, prof), http.StatusOK)
	expectStatus(t, env.do("GET", "/api/v1/programs/"+itoa(w.ProgramB.ID), nil, prof), http.StatusNotFound)
	expectStatus(t, env.do("GET", "/api/v1/programs/"+itoa(w.ProgramB.ID), nil, prof), http.StatusNotFound)
	expectStatus(t, env.do("GET", "/api/v1/no-such-thing", nil, prof), http.StatusNotFound)
	env.srv.countImport("metrics", "applied")

	rec := env.do("GET", "/metrics", nil, "")
	expectStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q, want Prometheus text", ct)
	}
	text := rec.Body.String()
	for _, want := range []string{
		`nalgae_http_requests_total{method="GET",route="/api/v1/programs/:id",status="200"} 1`,
		`nalgae_http_requests_total{method="GET",route="/api/v1/programs/:id",status="404"} 2`,
		`nalgae_http_requests_total{method="GET",route="/api/*",status="404"} 1`,
		`nalgae_http_request_duration_seconds_bucket{method="GET",route="/api/v1/programs/:id",status="404",le="+Inf"} 2`,
		`nalgae_imports_total{kind="metrics",outcome="applied"} 1`,
		`nalgae_build_info{version="test"} 1`,
		`go_sql_max_open_connections{db_name="` + string(modelstest.Dialect()) + `"}`,
		`go_sql_in_use_connections`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Route templates only: ids in URLs would make a series per object.
	if strings.Contains(text, `route="/api/v1/programs/`+itoa(w.ProgramA.ID)) || strings.Contains(text, "no-such-thing") {
		t.Error("a raw URL became a label")
	}

	otherText := other.do("GET", "/metrics", nil, "").Body.String()
	if strings.Contains(otherText, `route="/api/v1/programs/:id"`) || strings.Contains(otherText, `nalgae_imports_total{`) {
		t.Error("the second server's metrics hold the first one's requests")
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	var buf bytes.Buffer
	tokens, err := NewTokens(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Store: models.NewStore(db), Tokens: tokens, Version: "test",
		Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	env := &testEnv{t: t, db: db, store: models.NewStore(db), tokens: tokens, srv: srv}

	rec := env.do("GET", "/api/v1/teams/"+itoa(w.TeamA1.ID), nil, env.token(w.Student))
	expectStatus(t, rec, http.StatusOK)
	requestID := rec.Header().Get("X-Request-Id")
	if requestID == "" {
		t.Fatal("no X-Request-Id on the answer")
	}
	expectStatus(t, env.do("POST", "/api/v1/auth/login", "{not json", ""), http.StatusBadRequest)

	var lines []map[string]any
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		lines = append(lines, line)
	}
	if len(lines) != 2 {
		t.Fatalf("%d log lines for 2 requests: %v", len(lines), lines)
	}
	first, second := lines[0], lines[1]
	for key, want := range map[string]any{"msg": "request", "method": "GET", "route": "/api/v1/teams/:id",
		"status": float64(200), "request_id": requestID, "remote": "192.0.2.1"} {
		if first[key] != want {
			t.Errorf("log %s = %v, want %v (line %v)", key, first[key], want, first)
		}
	}
	if _, ok := first["duration_ms"].(float64); !ok {
		t.Errorf("no duration_ms in %v", first)
	}
	if second["status"] != float64(400) || second["route"] != "/api/v1/auth/login" {
		t.Errorf("the failed request logged as %v", second)
	}
}
