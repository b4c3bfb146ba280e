package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Two instances on one PostgreSQL database share the login throttle and the
// token versions: failures on either count against the account on both,
// and a user disabled through one instance is refused by the other at once.
func TestTwoInstancesShareLoginSecurity(t *testing.T) {
	modelstest.Only(t, database.Postgres)
	url := modelstest.NewDatabaseURL(t)
	a := startServe(t, "A", url)
	b := startServe(t, "B", url)
	a.ready()
	b.ready()
	addUser(t, url, "admin@test.nalgae", models.RoleAdmin)
	addUser(t, url, "student@test.nalgae", models.RoleStudent)

	loginOn := func(p *process, email, password string) (int, []byte) {
		return p.call("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, "")
	}
	code, body := loginOn(a, "admin@test.nalgae", modelstest.Password)
	if code != http.StatusOK {
		t.Fatalf("admin login on A: %d %s", code, body)
	}
	admin := decodeJSON[api.TokenResponse](t, body)
	code, body = loginOn(a, "student@test.nalgae", modelstest.Password)
	if code != http.StatusOK {
		t.Fatalf("student login on A: %d %s", code, body)
	}
	student := decodeJSON[api.TokenResponse](t, body)

	// Ten wrong guesses, alternating between the instances; the eleventh is
	// refused by either, even with the right password.
	for i := 1; i <= 10; i++ {
		p := []*process{a, b}[i%2]
		if code, body := loginOn(p, "student@test.nalgae", fmt.Sprintf("wrong-guess-%d", i)); code != http.StatusUnauthorized {
			t.Fatalf("guess %d on %s: %d %s", i, p.name, code, body)
		}
	}
	for _, p := range []*process{a, b} {
		if code, body := loginOn(p, "student@test.nalgae", modelstest.Password); code != http.StatusTooManyRequests {
			t.Errorf("11th attempt on %s: %d %s, want 429", p.name, code, body)
		}
	}

	// The student's session from A still works on B, until the admin
	// disables the student through B: then A refuses it at once.
	if code, body := b.call("GET", "/api/v1/me", nil, student.AccessToken); code != http.StatusOK {
		t.Fatalf("student's token on B: %d %s", code, body)
	}
	me := decodeJSON[models.User](t, mustCall(t, b, "GET", "/api/v1/me", student.AccessToken))
	if code, body := b.call("PATCH", fmt.Sprintf("/api/v1/users/%d", me.ID), map[string]any{"disabled": true}, admin.AccessToken); code != http.StatusOK {
		t.Fatalf("disable on B: %d %s", code, body)
	}
	if code, body := a.call("GET", "/api/v1/me", nil, student.AccessToken); code != http.StatusUnauthorized {
		t.Errorf("disabled student's access token on A: %d %s, want 401", code, body)
	}
	if code, body := a.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": student.RefreshToken}, ""); code != http.StatusUnauthorized {
		t.Errorf("disabled student's refresh token on A: %d %s, want 401", code, body)
	}
}

func mustCall(t *testing.T, p *process, method, path, token string) []byte {
	t.Helper()
	code, body := p.call(method, path, nil, token)
	if code != http.StatusOK {
		t.Fatalf("%s %s on %s: %d %s", method, path, p.name, code, body)
	}
	return body
}
