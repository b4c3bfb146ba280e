package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// apiScenario is one API request and what its answer must and must not be,
// in the manner of PocketBase's tests/api.go. auth_test.go, validation_test.go
// and workflow_test.go share it.
type apiScenario struct {
	Name       string
	Method     string
	URL        string
	Token      string            // sent as "Authorization: Bearer <Token>"
	Headers    map[string]string // raw headers, e.g. a hand-made Authorization or a Cookie
	RemoteAddr string            // the client address; httptest's 192.0.2.1 when empty
	Body       any               // JSON-encoded unless a string or []byte; nil sends none

	ExpectedStatus     int
	ExpectedCode       string   // SPEC §4 error.code, when an error is expected
	ExpectedFields     []string // keys error.fields must name
	ExpectedContent    []string // substrings the body must contain
	NotExpectedContent []string // substrings the body must not contain

	// Skip names a known server bug ("known bug: …"): the expectation stays
	// correct and the case is skipped until the bug is fixed; set
	// NALGAE_KNOWN_BUGS=1 to run such cases anyway.
	Skip string

	BeforeFunc func(t testing.TB, env *testEnv)
	AfterFunc  func(t testing.TB, env *testEnv, rec *httptest.ResponseRecorder)
}

// leaks are what no answer may ever contain: a stack trace or source paths.
var leaks = []string{"goroutine ", ".go:"}

// request sends the scenario's request to h.
func (sc apiScenario) request(t testing.TB, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	switch b := sc.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(sc.Method, sc.URL, body)
	if _, streamed := sc.Body.(io.Reader); streamed {
		req.ContentLength = -1 // unknown length, as with chunked encoding
	}
	if sc.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.Token != "" {
		req.Header.Set("Authorization", "Bearer "+sc.Token)
	}
	for k, v := range sc.Headers {
		req.Header.Set(k, v)
	}
	if sc.RemoteAddr != "" {
		req.RemoteAddr = sc.RemoteAddr
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// verify checks an answer against the scenario's expectations.
func (sc apiScenario) verify(t testing.TB, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != sc.ExpectedStatus {
		t.Errorf("%s %s: status %d, want %d; body: %s", sc.Method, sc.URL, rec.Code, sc.ExpectedStatus, clip(body))
	}
	if rec.Code >= 500 {
		t.Errorf("%s %s: a server error (%d) for a client's request", sc.Method, sc.URL, rec.Code)
	}
	for _, leak := range leaks {
		if strings.Contains(body, leak) {
			t.Errorf("%s %s: the answer leaks %q: %s", sc.Method, sc.URL, leak, clip(body))
		}
	}
	for _, want := range sc.ExpectedContent {
		if !strings.Contains(body, want) {
			t.Errorf("%s %s: body lacks %q: %s", sc.Method, sc.URL, want, clip(body))
		}
	}
	for _, unwanted := range sc.NotExpectedContent {
		if strings.Contains(body, unwanted) {
			t.Errorf("%s %s: body contains %q: %s", sc.Method, sc.URL, unwanted, clip(body))
		}
	}
	if sc.ExpectedCode != "" || len(sc.ExpectedFields) > 0 {
		checkErrorShape(t, rec, sc.ExpectedCode, sc.ExpectedFields...)
	}
}

// checkErrorShape checks SPEC §4's {"error": {code, message, fields}}.
func checkErrorShape(t testing.TB, rec *httptest.ResponseRecorder, code string, fields ...string) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error answered as %q, want JSON", ct)
	}
	var got struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Error == nil {
		t.Errorf("not the SPEC error shape: %s", clip(rec.Body.String()))
		return
	}
	if code != "" && got.Error.Code != code {
		t.Errorf("error.code %q, want %q; body: %s", got.Error.Code, code, clip(rec.Body.String()))
	}
	if got.Error.Message == "" {
		t.Errorf("error.message is empty")
	}
	for _, f := range fields {
		if got.Error.Fields[f] == "" {
			t.Errorf("error.fields lacks %q; body: %s", f, clip(rec.Body.String()))
		}
	}
}

// test runs the scenario on env's server.
func (sc apiScenario) test(t testing.TB, env *testEnv) *httptest.ResponseRecorder {
	t.Helper()
	if sc.Skip != "" && os.Getenv("NALGAE_KNOWN_BUGS") == "" {
		t.Skip(sc.Skip + " (NALGAE_KNOWN_BUGS=1 runs it)")
	}
	if sc.BeforeFunc != nil {
		sc.BeforeFunc(t, env)
	}
	rec := sc.request(t, env.srv.Handler())
	sc.verify(t, rec)
	if sc.AfterFunc != nil {
		sc.AfterFunc(t, env, rec)
	}
	return rec
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// bearerFor mints an access token for u with the tests' secret, as login
// would; it is valid on every test server.
func bearerFor(t testing.TB, u *models.User) string {
	t.Helper()
	tokens, err := NewTokens(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.Issue(u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// countRows counts a table's rows, optionally narrowed by a where clause.
func countRows(t testing.TB, env *testEnv, table string, where ...any) int64 {
	t.Helper()
	q := env.db.Table(table)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// auditOf lists the audit events of one action, oldest first.
func auditOf(t testing.TB, env *testEnv, action string) []models.AuditEvent {
	t.Helper()
	var evs []models.AuditEvent
	if err := env.db.Where("action = ?", action).Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}

// tokenAnswer is the body of login and refresh.
type tokenAnswer struct {
	AccessToken  string         `json:"access_token"`
	TokenType    string         `json:"token_type"`
	ExpiresIn    int            `json:"expires_in"`
	RefreshToken string         `json:"refresh_token"`
	User         map[string]any `json:"user"`
}

// refreshCookieOf is the nalgae_refresh cookie an answer sets, or nil.
func refreshCookieOf(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == refreshCookie {
			return c
		}
	}
	return nil
}

func loginAs(email string) apiScenario {
	return apiScenario{Method: "POST", URL: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": modelstest.Password}}
}

// login logs u in and returns the tokens.
func login(t testing.TB, env *testEnv, u *models.User) tokenAnswer {
	t.Helper()
	sc := loginAs(u.Email)
	sc.ExpectedStatus = http.StatusOK
	rec := sc.request(t, env.srv.Handler())
	expectStatus(t, rec, http.StatusOK)
	return decode[tokenAnswer](t, rec)
}

var secretLeaks = []string{"password_hash", "PasswordHash", "$2a$", "$2b$", modelstest.Password}

func testAuthLogin(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	disableStudent := func(t testing.TB, env *testEnv) {
		t.Helper()
		rec := env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"disabled": true}, bearerFor(t, w.Admin))
		expectStatus(t, rec, http.StatusOK)
	}
	// oneAudit expects exactly one audit event of action, about the student
	// (or nobody) and from the request's address.
	oneAudit := func(action string, entityID uint64) func(testing.TB, *testEnv, *httptest.ResponseRecorder) {
		return func(t testing.TB, env *testEnv, _ *httptest.ResponseRecorder) {
			t.Helper()
			evs := auditOf(t, env, action)
			if len(evs) != 1 {
				t.Fatalf("%d %q audit events, want 1", len(evs), action)
			}
			ev := evs[0]
			if ev.Entity != "user" || ev.IP != "192.0.2.1" {
				t.Errorf("audit event entity %q ip %q, want user from 192.0.2.1", ev.Entity, ev.IP)
			}
			if got := deref(ev.EntityID); got != entityID {
				t.Errorf("audit entity_id %d, want %d", got, entityID)
			}
			other := map[string]string{"login": "login_failed", "login_failed": "login"}[action]
			if n := len(auditOf(t, env, other)); n != 0 {
				t.Errorf("%d %q audit events besides, want none", n, other)
			}
		}
	}
	loginOK := func(t testing.TB, env *testEnv, rec *httptest.ResponseRecorder) {
		t.Helper()
		got := decode[tokenAnswer](t, rec)
		if got.AccessToken == "" || got.RefreshToken == "" || got.TokenType != "Bearer" {
			t.Errorf("token answer incomplete: %+v", got)
		}
		if got.ExpiresIn <= 0 || got.ExpiresIn > 900 {
			t.Errorf("expires_in %d, want 1..900 seconds", got.ExpiresIn)
		}
		if got.User["id"] != float64(w.Student.ID) || got.User["role"] != "student" {
			t.Errorf("user %v, want the student", got.User)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", rec.Header().Get("Cache-Control"))
		}
		ck := refreshCookieOf(rec)
		switch {
		case ck == nil:
			t.Errorf("no %s cookie set; Set-Cookie: %q", refreshCookie, rec.Header().Values("Set-Cookie"))
		default:
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/api/v1/auth" {
				t.Errorf("cookie %s: HttpOnly %v SameSite %v Path %q, want HttpOnly, Strict, /api/v1/auth", ck.Name, ck.HttpOnly, ck.SameSite, ck.Path)
			}
			if ck.Value != got.RefreshToken || ck.MaxAge <= 0 {
				t.Errorf("cookie value/max-age %q/%d, want the body's refresh token and a positive Max-Age", ck.Value, ck.MaxAge)
			}
		}
		// The access token works.
		expectStatus(t, env.do("GET", "/api/v1/me", nil, got.AccessToken), http.StatusOK)
		oneAudit("login", w.Student.ID)(t, env, rec)
		if evs := auditOf(t, env, "login"); len(evs) == 1 && deref(evs[0].UserID) != w.Student.ID {
			t.Errorf("login audit user_id %d, want %d", deref(evs[0].UserID), w.Student.ID)
		}
	}
	unauthorized := []string{`"code":"unauthorized"`}
	scenarios := []apiScenario{
		{
			Name: "success", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "student@test.nalgae", "password": modelstest.Password},
			ExpectedStatus: 200,
			ExpectedContent: []string{`"access_token":"`, `"token_type":"Bearer"`, `"expires_in":`, `"refresh_token":"`,
				`"user":{`, `"email":"student@test.nalgae"`},
			NotExpectedContent: secretLeaks,
			AfterFunc:          loginOK,
		},
		{
			Name: "email is case-insensitive and trimmed", Method: "POST", URL: "/api/v1/auth/login",
			Body:               map[string]string{"email": "  Student@TEST.Nalgae ", "password": modelstest.Password},
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"token_type":"Bearer"`},
			NotExpectedContent: secretLeaks,
			AfterFunc:          loginOK,
		},
		{
			Name: "wrong password", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "student@test.nalgae", "password": "wrong-horse-battery"},
			ExpectedStatus: 401, ExpectedCode: "unauthorized", ExpectedContent: unauthorized,
			NotExpectedContent: append([]string{"access_token", "refresh_token"}, secretLeaks...),
			AfterFunc:          oneAudit("login_failed", w.Student.ID),
		},
		{
			Name: "unknown email", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "nobody@test.nalgae", "password": modelstest.Password},
			ExpectedStatus: 401, ExpectedCode: "unauthorized", ExpectedContent: unauthorized,
			NotExpectedContent: []string{"access_token", "refresh_token", "nobody@test.nalgae"},
			AfterFunc:          oneAudit("login_failed", 0),
		},
		{
			Name: "disabled user with the right password", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "student@test.nalgae", "password": modelstest.Password},
			BeforeFunc:     disableStudent,
			ExpectedStatus: 401, ExpectedCode: "unauthorized", ExpectedContent: unauthorized,
			NotExpectedContent: []string{"access_token", "refresh_token"},
			AfterFunc: func(t testing.TB, env *testEnv, rec *httptest.ResponseRecorder) {
				oneAudit("login_failed", w.Student.ID)(t, env, rec)
				if ck := refreshCookieOf(rec); ck != nil && ck.Value != "" {
					t.Errorf("a disabled user got a refresh cookie")
				}
			},
		},
		{
			Name: "missing password", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "student@test.nalgae"},
			ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedFields: []string{"password"},
		},
		{
			Name: "unknown field in the login body", Method: "POST", URL: "/api/v1/auth/login",
			Body:           map[string]string{"email": "student@test.nalgae", "password": modelstest.Password, "role": "admin"},
			ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedFields: []string{"role"},
			NotExpectedContent: []string{"access_token"},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			sc.test(t, newEnvOn(t, clone(t)))
		})
	}
}

func deref(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

// jwtPart is one base64url-encoded JSON part of a hand-made token.
func jwtPart(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// handMadeJWT builds header.payload.signature by hand, signing the first two
// parts with HMAC-SHA256 and key when key is not nil (an empty signature
// otherwise), whatever the header claims.
func handMadeJWT(t testing.TB, header map[string]any, claims jwt.MapClaims, key []byte) string {
	t.Helper()
	input := jwtPart(t, header) + "." + jwtPart(t, claims)
	sig := ""
	if key != nil {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(input))
		sig = base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	return input + "." + sig
}

// goodClaims are the claims Issue would put in a token for id, changed by edit.
func goodClaims(id uint64, edit func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": tokenIssuer, "aud": []string{tokenAudience}, "sub": strconv.FormatUint(id, 10), "role": "student", "ver": 0,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "test",
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func signJWT(t testing.TB, method jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testAuthTokenVerification(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t)) // GET /me writes nothing: one database for all
	id := w.Student.ID
	hs256 := map[string]any{"alg": "HS256", "typ": "JWT"}
	otherTokens, err := NewTokens([]byte("another-secret-that-is-also-long-enough!"))
	if err != nil {
		t.Fatal(err)
	}
	otherSecret, err := otherTokens.Issue(w.Student)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * time.Hour)
	cases := []struct {
		name, header string
		status       int
	}{
		{"valid token from Issue", "Bearer " + bearerFor(t, w.Student), 200},
		{"hand-made HS256 token with the right claims (control)", "Bearer " + handMadeJWT(t, hs256, goodClaims(id, nil), testSecret), 200},
		{"scheme is case-insensitive", "bearer " + bearerFor(t, w.Student), 200},
		{"no Authorization header", "", 401},
		{"empty bearer", "Bearer ", 401},
		{"Basic scheme", "Basic c3R1ZGVudDpwdw==", 401},
		{"Bearer garbage", "Bearer garbage", 401},
		{"signed with another secret", "Bearer " + otherSecret, 401},
		{"expired", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) {
			c["iat"], c["nbf"], c["exp"] = past.Unix(), past.Unix(), past.Add(15*time.Minute).Unix()
		})), 401},
		{"not valid yet (nbf in an hour)", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) {
			c["nbf"] = time.Now().Add(time.Hour).Unix()
		})), 401},
		{"alg none, empty signature", "Bearer " + handMadeJWT(t, map[string]any{"alg": "none", "typ": "JWT"}, goodClaims(id, nil), nil), 401},
		{"alg None, empty signature", "Bearer " + handMadeJWT(t, map[string]any{"alg": "None", "typ": "JWT"}, goodClaims(id, nil), nil), 401},
		{"HS256 header, empty signature", "Bearer " + handMadeJWT(t, hs256, goodClaims(id, nil), nil), 401},
		{"wrong issuer", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { c["iss"] = "someone-else" })), 401},
		{"no issuer", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { delete(c, "iss") })), 401},
		{"wrong audience", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { c["aud"] = []string{"other-api"} })), 401},
		{"no audience", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { delete(c, "aud") })), 401},
		{"missing exp", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { delete(c, "exp") })), 401},
		{"iat in the future", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { c["iat"] = time.Now().Add(time.Hour).Unix() })), 401},
		{"RS256 header, HMAC signature with the secret", "Bearer " + handMadeJWT(t, map[string]any{"alg": "RS256", "typ": "JWT"}, goodClaims(id, nil), testSecret), 401},
		{"HS384 with the right secret and claims", "Bearer " + signJWT(t, jwt.SigningMethodHS384, testSecret, goodClaims(id, nil)), 401},
		{"HS512 with the right secret and claims", "Bearer " + signJWT(t, jwt.SigningMethodHS512, testSecret, goodClaims(id, nil)), 401},
		{"subject of no user", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(999999, nil)), 401},
		{"non-numeric subject", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { c["sub"] = "student" })), 401},
		{"no token version", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { delete(c, "ver") })), 401},
		{"another token version", "Bearer " + signJWT(t, jwt.SigningMethodHS256, testSecret, goodClaims(id, func(c jwt.MapClaims) { c["ver"] = 1 })), 401},
		{"tampered payload (role admin, subject admin)", "Bearer " + tamper(t, bearerFor(t, w.Student), goodClaims(w.Admin.ID, func(c jwt.MapClaims) { c["role"] = "admin" })), 401},
	}
	for _, tc := range cases {
		sc := apiScenario{Name: tc.name, Method: "GET", URL: "/api/v1/me", Headers: map[string]string{}, ExpectedStatus: tc.status}
		if tc.header != "" {
			sc.Headers["Authorization"] = tc.header
		}
		if tc.status == 401 {
			sc.ExpectedCode = "unauthorized"
			sc.NotExpectedContent = []string{"student@test.nalgae"}
		} else {
			sc.ExpectedContent = []string{`"email":"student@test.nalgae"`, `"role":"student"`}
			sc.NotExpectedContent = secretLeaks
		}
		t.Run(tc.name, func(t *testing.T) { sc.test(t, env) })
	}
}

// tamper swaps a signed token's payload, keeping its header and signature.
func tamper(t testing.TB, token string, claims jwt.MapClaims) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	return parts[0] + "." + jwtPart(t, claims) + "." + parts[2]
}

func testAuthTokenOfDisabledUser(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	student := bearerFor(t, w.Student)
	steps := []apiScenario{
		{Name: "the token works", Method: "GET", URL: "/api/v1/me", Token: student, ExpectedStatus: 200},
		{Name: "admin disables the student", Method: "PATCH", URL: "/api/v1/users/" + itoa(w.Student.ID), Token: bearerFor(t, w.Admin),
			Body: map[string]any{"disabled": true}, ExpectedStatus: 200, ExpectedContent: []string{`"disabled":true`}, NotExpectedContent: secretLeaks},
		{Name: "the same unexpired token is refused at once", Method: "GET", URL: "/api/v1/me", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "and on a data route too", Method: "GET", URL: "/api/v1/teams/" + itoa(w.TeamA1.ID), Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized", NotExpectedContent: []string{"A1팀"}},
		// The two routes that check the user in their own query.
		{Name: "and on the team's KPIs", Method: "GET", URL: "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/kpis", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized", NotExpectedContent: []string{"team_id"}},
		{Name: "and on another team's KPIs", Method: "GET", URL: "/api/v1/teams/" + itoa(w.TeamB1.ID) + "/kpis", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "and on a team that does not exist", Method: "GET", URL: "/api/v1/teams/999999/kpis", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "and with a bad query", Method: "GET", URL: "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/kpis?statuses=bogus", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "and when logging a day", Method: "POST", URL: "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/metrics", Token: student,
			Body: map[string]any{"date": "2026-01-05", "spend_krw": 1000}, ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "and when logging a day without its date", Method: "POST", URL: "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/metrics", Token: student,
			Body: map[string]any{"spend_krw": 1000}, ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "admin enables the student again", Method: "PATCH", URL: "/api/v1/users/" + itoa(w.Student.ID), Token: bearerFor(t, w.Admin),
			Body: map[string]any{"disabled": false}, ExpectedStatus: 200},
		// Disabling bumped the token version: enabling the account again does
		// not bring back the tokens issued before; a new login does work.
		{Name: "the old token stays refused", Method: "GET", URL: "/api/v1/me", Token: student,
			ExpectedStatus: 401, ExpectedCode: "unauthorized"},
		{Name: "a new login works", Method: "POST", URL: "/api/v1/auth/login",
			Body: map[string]string{"email": w.Student.Email, "password": modelstest.Password}, ExpectedStatus: 200},
	}
	for _, sc := range steps {
		if !t.Run(sc.Name, func(t *testing.T) { sc.test(t, env) }) {
			t.FailNow()
		}
	}
}

func refreshWith(token string) apiScenario {
	return apiScenario{Method: "POST", URL: "/api/v1/auth/refresh", Body: map[string]string{"refresh_token": token}}
}

func refreshWithCookie(token string) apiScenario {
	return apiScenario{Method: "POST", URL: "/api/v1/auth/refresh", Headers: map[string]string{"Cookie": refreshCookie + "=" + token, cookieHeader: "nalgae"}}
}

// expect sets the status (and for errors the unauthorized code) a helper-built
// scenario must answer.
func (sc apiScenario) expect(status int) apiScenario {
	sc.ExpectedStatus = status
	if status == http.StatusUnauthorized {
		sc.ExpectedCode = "unauthorized"
		sc.NotExpectedContent = []string{"access_token"}
	}
	return sc
}

func testAuthRefresh(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	run := func(t *testing.T, env *testEnv, sc apiScenario) tokenAnswer {
		t.Helper()
		rec := sc.test(t, env)
		if rec.Code != http.StatusOK {
			return tokenAnswer{}
		}
		got := decode[tokenAnswer](t, rec)
		if got.AccessToken == "" || got.RefreshToken == "" || got.TokenType != "Bearer" {
			t.Errorf("refresh answer incomplete: %s", rec.Body.String())
		}
		if ck := refreshCookieOf(rec); ck == nil || ck.Value != got.RefreshToken || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("refresh did not set the rotated token as an HttpOnly Strict cookie: %q", rec.Header().Values("Set-Cookie"))
		}
		return got
	}

	t.Run("body token rotates; replay revokes the family", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		first := login(t, env, w.Student)
		other := login(t, env, w.Student) // a second session, another family
		second := run(t, env, refreshWith(first.RefreshToken).expect(200))
		if second.RefreshToken == first.RefreshToken || second.RefreshToken == "" {
			t.Fatalf("refresh token not rotated: %q", second.RefreshToken)
		}
		if second.User["id"] != float64(w.Student.ID) {
			t.Errorf("refreshed user %v, want the student", second.User)
		}
		expectStatus(t, env.do("GET", "/api/v1/me", nil, second.AccessToken), http.StatusOK)
		// The old token again: a replay.
		rec := refreshWith(first.RefreshToken).expect(401).test(t, env)
		if ck := refreshCookieOf(rec); ck == nil || ck.Value != "" || ck.MaxAge >= 0 {
			t.Errorf("a failed refresh should clear the cookie; Set-Cookie: %q", rec.Header().Values("Set-Cookie"))
		}
		if n := len(auditOf(t, env, "refresh_reuse")); n != 1 {
			t.Errorf("%d refresh_reuse audit events after the replay, want 1", n)
		}
		// The replay revoked the family: its newest token fails too.
		refreshWith(second.RefreshToken).expect(401).test(t, env)
		// The other session is untouched.
		third := run(t, env, refreshWith(other.RefreshToken).expect(200))
		run(t, env, refreshWith(third.RefreshToken).expect(200))
	})

	t.Run("the cookie alone refreshes", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		first := login(t, env, w.Student)
		second := run(t, env, refreshWithCookie(first.RefreshToken).expect(200))
		if second.RefreshToken == first.RefreshToken {
			t.Fatal("refresh token not rotated")
		}
		run(t, env, refreshWithCookie(second.RefreshToken).expect(200))
		refreshWithCookie(first.RefreshToken).expect(401).test(t, env)
	})

	t.Run("no token, a garbage token", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		apiScenario{Method: "POST", URL: "/api/v1/auth/refresh"}.expect(401).test(t, env)
		refreshWith("garbage").expect(401).test(t, env)
		refreshWithCookie("garbage").expect(401).test(t, env)
	})

	t.Run("an expired refresh token is refused", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		tok := login(t, env, w.Student)
		if err := env.db.Model(&models.RefreshToken{}).Where("user_id = ?", w.Student.ID).
			Update("expires_at", time.Now().Add(-time.Minute).UTC()).Error; err != nil {
			t.Fatal(err)
		}
		refreshWith(tok.RefreshToken).expect(401).test(t, env)
	})

	t.Run("a user disabled by an admin cannot refresh", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		tok := login(t, env, w.Student)
		expectStatus(t, env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"disabled": true}, bearerFor(t, w.Admin)), http.StatusOK)
		refreshWith(tok.RefreshToken).expect(401).test(t, env)
	})

	t.Run("a user disabled directly in the database cannot refresh", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		tok := login(t, env, w.Student)
		if err := env.db.Model(&models.User{}).Where("id = ?", w.Student.ID).Update("disabled", true).Error; err != nil {
			t.Fatal(err)
		}
		refreshWith(tok.RefreshToken).expect(401).test(t, env)
	})

	t.Run("logout revokes, answers 204, and twice is fine", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		tok := login(t, env, w.Student)
		logout := apiScenario{Method: "POST", URL: "/api/v1/auth/logout", Body: map[string]string{"refresh_token": tok.RefreshToken}, ExpectedStatus: 204}
		rec := logout.test(t, env)
		if ck := refreshCookieOf(rec); ck == nil || ck.Value != "" || ck.MaxAge >= 0 || ck.Path != "/api/v1/auth" {
			t.Errorf("logout should clear the cookie on /api/v1/auth; Set-Cookie: %q", rec.Header().Values("Set-Cookie"))
		}
		if rec.Body.Len() != 0 {
			t.Errorf("204 with a body: %q", rec.Body.String())
		}
		if n := len(auditOf(t, env, "logout")); n != 1 {
			t.Errorf("%d logout audit events, want 1", n)
		}
		refreshWith(tok.RefreshToken).expect(401).test(t, env)
		logout.test(t, env)
		apiScenario{Method: "POST", URL: "/api/v1/auth/logout", ExpectedStatus: 204}.test(t, env)
	})

	t.Run("logout by cookie revokes the rotated family", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		first := login(t, env, w.Student)
		second := run(t, env, refreshWith(first.RefreshToken).expect(200))
		apiScenario{Method: "POST", URL: "/api/v1/auth/logout", ExpectedStatus: 204,
			Headers: map[string]string{"Cookie": refreshCookie + "=" + second.RefreshToken, cookieHeader: "nalgae"}}.test(t, env)
		refreshWith(second.RefreshToken).expect(401).test(t, env)
	})
}

func testAuthLoginRateLimit(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	// The same database behind a server that allows 3 logins a minute.
	env.srv = New(Config{Store: env.store, Tokens: env.tokens, Version: "test", LoginPerMinute: 3})
	for i := 1; i <= 3; i++ {
		sc := loginAs(w.Student.Email)
		sc.Name, sc.ExpectedStatus = "login "+strconv.Itoa(i), 200
		sc.test(t, env)
	}
	limited := loginAs(w.Student.Email)
	limited.ExpectedStatus, limited.ExpectedCode = http.StatusTooManyRequests, "rate_limited"
	limited.NotExpectedContent = []string{"access_token"}
	limited.test(t, env)
	// A wrong password is limited the same way (no guessing past the limit).
	wrong := limited
	wrong.Body = map[string]string{"email": w.Student.Email, "password": "guess-number-four"}
	wrong.test(t, env)
	if n := len(auditOf(t, env, "login_failed")); n != 0 {
		t.Errorf("a rate-limited attempt reached the password check: %d login_failed events", n)
	}
	// Another client address is not affected.
	elsewhere := loginAs(w.Student.Email)
	elsewhere.RemoteAddr, elsewhere.ExpectedStatus = "198.51.100.7:5555", 200
	elsewhere.test(t, env)
	if n := len(auditOf(t, env, "login")); n != 4 {
		t.Errorf("%d login audit events, want 4", n)
	}
}

// TestAuth runs the authentication scenarios on clones of one world, so that
// its bcrypt-hashed users are built once.
func TestAuth(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	for _, sub := range []struct {
		name string
		fn   func(*testing.T, *modelstest.World, func(testing.TB) *gorm.DB)
	}{
		{"Login", testAuthLogin},
		{"TokenVerification", testAuthTokenVerification},
		{"TokenOfDisabledUser", testAuthTokenOfDisabledUser},
		{"Refresh", testAuthRefresh},
		{"LoginRateLimit", testAuthLoginRateLimit},
	} {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			sub.fn(t, w, clone)
		})
	}
}
