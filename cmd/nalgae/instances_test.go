package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nalgae/nalgae/api"
	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

// addUser creates a user directly in the database the processes serve.
func addUser(t *testing.T, databaseURL, email string, role models.Role) {
	t.Helper()
	db, err := database.Open(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	name, pw := "사용자", modelstest.Password
	if _, err := models.NewStore(db).CreateUser(context.Background(), modelstest.System,
		models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw}); err != nil {
		t.Fatal(err)
	}
}

func decodeJSON[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, body, err)
	}
	return v
}

// Two instances on one PostgreSQL database, started at the same moment on an
// empty database, behave as one: migrations run once, a token from one works
// on the other, and what one writes the other reads.
func TestTwoInstancesOnePostgres(t *testing.T) {
	modelstest.Only(t, database.Postgres)
	url := modelstest.NewDatabaseURL(t)
	a := startServe(t, "A", url)
	b := startServe(t, "B", url)
	a.ready()
	b.ready()

	db, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	var applied []struct {
		ID string
		N  int
	}
	if err := db.Raw("SELECT id, COUNT(*) AS n FROM schema_migrations GROUP BY id ORDER BY id").Scan(&applied).Error; err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[len(applied)-1].ID != migrations.Latest() {
		t.Fatalf("schema_migrations %+v, want up to %s", applied, migrations.Latest())
	}
	for _, m := range applied {
		if m.N != 1 {
			t.Errorf("migration %s recorded %d times", m.ID, m.N)
		}
	}

	addUser(t, url, "admin@test.nalgae", models.RoleAdmin)
	login := map[string]string{"email": "admin@test.nalgae", "password": modelstest.Password}
	code, body := a.call("POST", "/api/v1/auth/login", login, "")
	if code != http.StatusOK {
		t.Fatalf("login on A: %d %s", code, body)
	}
	tokens := decodeJSON[api.TokenResponse](t, body)

	// A's access token is good on B.
	code, body = b.call("GET", "/api/v1/me", nil, tokens.AccessToken)
	if code != http.StatusOK || decodeJSON[models.User](t, body).Email != "admin@test.nalgae" {
		t.Fatalf("A's token on B: %d %s", code, body)
	}

	// Written through A, read through B, changed through B, read through A.
	program := map[string]any{"name": "전국 디지털 전환", "city": "서울특별시", "starts_on": "2026-03-02", "ends_on": "2026-12-18"}
	code, body = a.call("POST", "/api/v1/programs", program, tokens.AccessToken)
	if code != http.StatusCreated {
		t.Fatalf("create on A: %d %s", code, body)
	}
	created := decodeJSON[models.Program](t, body)
	path := fmt.Sprintf("/api/v1/programs/%d", created.ID)
	code, body = b.call("GET", path, nil, tokens.AccessToken)
	if code != http.StatusOK || decodeJSON[models.Program](t, body).Name != "전국 디지털 전환" {
		t.Fatalf("read on B: %d %s", code, body)
	}
	code, body = b.call("PATCH", path, map[string]any{"name": "전국 사업", "version": created.Version}, tokens.AccessToken)
	if code != http.StatusOK {
		t.Fatalf("change on B: %d %s", code, body)
	}
	// A stale version is refused whichever instance receives it.
	if code, body = a.call("PATCH", path, map[string]any{"name": "늦은 변경", "version": created.Version}, tokens.AccessToken); code != http.StatusConflict {
		t.Fatalf("stale change on A: %d %s, want 409", code, body)
	}
	for _, p := range []string{path, "/api/v1/programs", "/api/v1/users", "/api/v1/audit"} {
		codeA, bodyA := a.call("GET", p, nil, tokens.AccessToken)
		codeB, bodyB := b.call("GET", p, nil, tokens.AccessToken)
		if codeA != http.StatusOK || codeA != codeB || !bytes.Equal(bodyA, bodyB) {
			t.Errorf("GET %s: A answers %d %s, B answers %d %s", p, codeA, bodyA, codeB, bodyB)
		}
	}

	// Refresh tokens rotate across instances, and a replay on the other
	// instance still revokes the family.
	code, body = b.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tokens.RefreshToken}, "")
	if code != http.StatusOK {
		t.Fatalf("refresh on B with A's token: %d %s", code, body)
	}
	rotated := decodeJSON[api.TokenResponse](t, body)
	if code, body = a.call("GET", "/api/v1/me", nil, rotated.AccessToken); code != http.StatusOK {
		t.Fatalf("B's refreshed access token on A: %d %s", code, body)
	}
	if code, _ = a.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tokens.RefreshToken}, ""); code != http.StatusUnauthorized {
		t.Fatalf("replay of the used token on A: %d, want 401", code)
	}
	if code, _ = b.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": rotated.RefreshToken}, ""); code != http.StatusUnauthorized {
		t.Fatalf("the family's newest token after a replay: %d, want 401", code)
	}

	// Each instance reports its own traffic.
	for _, p := range []*process{a, b} {
		code, body := p.call("GET", "/metrics", nil, "")
		if code != http.StatusOK || !strings.Contains(string(body), `route="/api/v1/programs/:id"`) {
			t.Errorf("%s /metrics: %d, lacks the programs route", p.name, code)
		}
	}
}

// SIGTERM stops taking connections but finishes the requests in flight, and
// the process exits 0.
func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	url := modelstest.NewDatabaseURL(t)
	p := startServe(t, "server", url)
	p.ready()
	addUser(t, url, "admin@test.nalgae", models.RoleAdmin)

	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := fmt.Sprintf(`{"email":"admin@test.nalgae","password":%q}`, modelstest.Password)
	half := len(body) / 2
	// Headers and half the body: the handler starts and waits for the rest.
	if _, err := fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: nalgae\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitFor("shutting down")
	time.Sleep(200 * time.Millisecond)
	if _, err := conn.Write([]byte(body[half:])); err != nil {
		t.Fatalf("finish the request after SIGTERM: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	defer res.Body.Close()
	var tokens api.TokenResponse
	if err := json.NewDecoder(res.Body).Decode(&tokens); err != nil || res.StatusCode != http.StatusOK || tokens.AccessToken == "" {
		t.Fatalf("the request in flight answered %d (%v)", res.StatusCode, err)
	}
	if code := p.exit(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), time.Second); err == nil {
		t.Error("still accepting connections after exit")
	}
	if !strings.Contains(p.log(), `"route":"/api/v1/auth/login","path":"/api/v1/auth/login","status":200`) {
		t.Errorf("the finished request was not logged")
	}
}
