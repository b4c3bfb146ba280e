package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// TestMetricsToken: with a metrics token, /metrics answers only its bearer
// (401 in the error shape otherwise); without one it answers everyone.
func TestMetricsToken(t *testing.T) {
	const token = "scrape-0123456789abcdef"
	tokens, err := NewTokens(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(modelstest.NewDB(t))
	guarded := New(Config{Store: store, Tokens: tokens, Version: "test", MetricsToken: token}).Handler()
	open := New(Config{Store: store, Tokens: tokens, Version: "test"}).Handler()

	get := func(h http.Handler, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + token + "x", "Bearer " + token[:len(token)-1],
		"Basic " + token, token, "Bearer " + strings.ToUpper(token)} {
		rec := get(guarded, auth)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", auth, rec.Code)
			continue
		}
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: 401 without WWW-Authenticate", auth)
		}
		body := decode[ErrorBody](t, rec)
		if body.Error.Code != "unauthorized" {
			t.Errorf("Authorization %q: code %q, want unauthorized", auth, body.Error.Code)
		}
		if strings.Contains(rec.Body.String(), token) || strings.Contains(rec.Body.String(), "nalgae_") {
			t.Errorf("Authorization %q: the 401 reveals the token or metrics: %s", auth, rec.Body.String())
		}
	}
	for _, auth := range []string{"Bearer " + token, "bearer " + token} {
		rec := get(guarded, auth)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "nalgae_build_info") {
			t.Errorf("Authorization %q: %d, want 200 with the metrics", auth, rec.Code)
		}
	}
	if rec := get(open, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "nalgae_build_info") {
		t.Errorf("no metrics token configured: %d, want 200 for anyone as before", rec.Code)
	}
	// The guard covers /metrics only: the API and the probes are unchanged.
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/openapi.json"} {
		req := httptest.NewRequest("GET", path, nil)
		rec := httptest.NewRecorder()
		guarded.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s on a server with a metrics token: %d, want 200", path, rec.Code)
		}
	}
}
