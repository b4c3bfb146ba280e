package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
)

// countQueries counts the statements db runs from now on.
func countQueries(t testing.TB, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("test:count_query", count),
		"row":    cb.Row().After("gorm:row").Register("test:count_row", count),
		"raw":    cb.Raw().After("gorm:raw").Register("test:count_raw", count),
		"create": cb.Create().After("gorm:create").Register("test:count_create", count),
		"update": cb.Update().After("gorm:update").Register("test:count_update", count),
	} {
		if err != nil {
			t.Fatalf("register the %s counter: %v", name, err)
		}
	}
	return &n
}

// Authentication costs a request one query: the user's row by primary key,
// which also carries the token version (no second lookup for revocation).
func TestAuthenticationCostsOneQuery(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	token := bearerFor(t, w.Student)
	queries := countQueries(t, env.db)
	for range 5 {
		expectStatus(t, env.do("GET", "/api/v1/me", nil, token), http.StatusOK)
	}
	if n := queries.Load(); n != 5 {
		t.Errorf("5 GET /me ran %d queries, want 5 (one each: the user by id)", n)
	}
}

// A student logging a new day, the write made most, costs PostgreSQL one
// statement (autocommitted: no BEGIN and COMMIT either), user check
// included; on SQLite, where a statement is no round trip, the general
// path's statements.
func TestLoggingANewDayCostsOneStatementOnPostgres(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	token := bearerFor(t, w.Student)
	queries := countQueries(t, env.db)
	for day := range 3 {
		body := map[string]any{"date": fmt.Sprintf("2026-02-%02d", day+1), "spend_krw": 1000, "impressions": 90, "clicks": 9}
		expectStatus(t, env.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/metrics", w.CampaignA1.ID), body, token), http.StatusCreated)
	}
	want := map[database.Dialect]int64{database.Postgres: 3, database.SQLite: 3 * 5}[database.DialectOf(env.db)]
	if n := queries.Load(); n != want {
		t.Errorf("3 new days ran %d statements, want %d", n, want)
	}
}

// BenchmarkAuthenticatedRequest is GET /me through the whole middleware
// chain: the JWT check and the user lookup that carries the token version.
func BenchmarkAuthenticatedRequest(b *testing.B) {
	w, clone := modelstest.WorldTemplate(b)
	env := newEnvOn(b, clone(b))
	token := bearerFor(b, w.Student)
	h := env.srv.Handler()
	ops := 0
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		ops++
	}
	perOp := b.Elapsed() / time.Duration(max(ops, 1))
	fmt.Printf("BENCH authenticated_get_me %.3f ms\n", float64(perOp.Microseconds())/1000)
}
