package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// testSecret signs every test token.
var testSecret = []byte("test-secret-that-is-long-enough-for-hs256")

// testEnv is a server on its own real database.
type testEnv struct {
	t      testing.TB
	db     *gorm.DB
	store  *models.Store
	tokens *Tokens
	srv    *Server
}

func newEnvOn(t testing.TB, db *gorm.DB) *testEnv {
	t.Helper()
	tokens, err := NewTokens(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	configureSources(t, store)
	srv := New(Config{Store: store, Tokens: tokens, Version: "test", LoginPerMinute: 10000})
	return &testEnv{t: t, db: db, store: store, tokens: tokens, srv: srv}
}

// newEnv is a server on an empty, migrated database.
func newEnv(t testing.TB) *testEnv { return newEnvOn(t, modelstest.NewDB(t)) }

// token mints an access token for u, as login would.
func (e *testEnv) token(u *models.User) string {
	e.t.Helper()
	if u == nil {
		return ""
	}
	tok, err := e.tokens.Issue(u)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (e *testEnv) do(method, path string, body any, token string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// decode reads a JSON answer into v, failing on bad JSON.
func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

// expectStatus fails t unless rec has the wanted status.
func expectStatus(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

func itoa(id uint64) string { return strconv.FormatUint(id, 10) }
