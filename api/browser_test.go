package api

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/frontend"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Browser security (issue 7, point 2): the headers of every kind of answer,
// pages without inline script or style, the refresh cookie's attributes and
// the session endpoints closed to other sites.

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	asset := ""
	_ = fs.WalkDir(frontend.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && asset == "" && !d.IsDir() && p != "index.html" {
			asset = "/" + p
		}
		return nil
	})
	cases := []struct {
		name, method, url, token string
		status                   int
	}{
		{"API JSON", "GET", "/api/v1/me", bearerFor(t, w.Student), 200},
		{"API error", "GET", "/api/v1/me", "", 401},
		{"API unknown route", "GET", "/api/v1/no-such-thing", "", 404},
		{"API wrong method", "PUT", "/api/v1/me", "", 405},
		{"login", "POST", "/api/v1/auth/login", "", 422},
		{"OpenAPI document", "GET", "/api/v1/openapi.json", "", 200},
		{"docs page", "GET", "/api/docs", "", 200},
		{"docs stylesheet", "GET", "/api/docs/docs.css", "", 200},
		{"SPA root", "GET", "/", "", 200},
		{"SPA page (history mode)", "GET", "/teams/1", "", 200},
		{"SPA missing asset", "GET", "/assets/missing.js", "", 404},
		{"health", "GET", "/healthz", "", 200},
	}
	if asset != "" {
		cases = append(cases, struct {
			name, method, url, token string
			status                   int
		}{"SPA asset " + asset, "GET", asset, "", 200})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := env.do(tc.method, tc.url, nil, tc.token)
			expectStatus(t, rec, tc.status)
			checkSecurityHeaders(t, rec)
		})
	}
}

// checkSecurityHeaders checks what every answer must carry.
func checkSecurityHeaders(t testing.TB, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
		"base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
	} {
		if directives[name] != want {
			t.Errorf("CSP %s is %q, want %q (CSP: %q)", name, directives[name], want, csp)
		}
	}
	for _, weak := range []string{"'unsafe-inline'", "'unsafe-eval'", "data:", "*"} {
		for _, part := range strings.Fields(csp) {
			if part == weak {
				t.Errorf("CSP allows %s: %q", weak, csp)
			}
		}
	}
	for header, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	} {
		if got := h.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
}

// inlineCode finds what a CSP without 'unsafe-inline' would block in a page
// besides inline scripts (scriptTag): a style element or attribute, an event
// handler attribute or a javascript: URL.
var (
	inlineCode = regexp.MustCompile(`(?i)<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=\s*["']|javascript:`)
	scriptTag  = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	scriptSrc  = regexp.MustCompile(`(?i)\ssrc\s*=`)
)

// inlineIn is the first inline script or style of page, "" when none.
func inlineIn(page string) string {
	for _, tag := range scriptTag.FindAllString(page, -1) {
		if !scriptSrc.MatchString(tag) {
			return tag
		}
	}
	return inlineCode.FindString(page)
}

func TestPagesHaveNoInlineCode(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	pages := map[string]string{
		"/api/docs":                  env.do("GET", "/api/docs", nil, "").Body.String(),
		"SPA index.html (as served)": env.do("GET", "/", nil, "").Body.String(),
	}
	// Both pages the binary may embed, whichever this build holds.
	for _, file := range []string{"../frontend/placeholder.html", "../frontend/dist/index.html"} {
		if b, err := os.ReadFile(file); err == nil {
			pages[file] = string(b)
		}
	}
	for name, page := range pages {
		if !strings.Contains(page, "<html") {
			t.Fatalf("%s is not a page: %.200s", name, page)
		}
		if m := inlineIn(page); m != "" {
			t.Errorf("%s has inline code the CSP blocks: %q", name, m)
		}
	}
	// The docs page takes its styles from the stylesheet it links.
	if !strings.Contains(pages["/api/docs"], `<link rel="stylesheet" href="/api/docs/docs.css">`) {
		t.Error("the docs page does not link its stylesheet")
	}
	if css := env.do("GET", "/api/docs/docs.css", nil, ""); !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") || !strings.Contains(css.Body.String(), "section.route") {
		t.Errorf("docs.css answered %q: %.100s", css.Header().Get("Content-Type"), css.Body.String())
	}
	// The pattern itself finds what it must (and a script with src is fine).
	for _, bad := range []string{`<script>alert(1)</script>`, `<style>a{}</style>`, `<p style="color:red">`, `<img onerror="x()">`, `<a href="javascript:x()">`} {
		if inlineIn(bad) == "" {
			t.Errorf("the inline-code pattern misses %q", bad)
		}
	}
	if m := inlineIn(`<script type="module" crossorigin src="/assets/index-x.js"></script>`); m != "" {
		t.Errorf("the inline-code pattern takes a script file for inline code: %q", m)
	}
}

// The refresh cookie is HttpOnly and SameSite=Strict always, and Secure when
// the server is told so (cmd/nalgae does outside development) or over TLS.
func TestRefreshCookieAttributes(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	for _, tc := range []struct {
		name    string
		secure  bool
		headers map[string]string
		want    bool
	}{
		{"development over HTTP", false, nil, false},
		{"production (SecureCookies)", true, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnvOn(t, clone(t))
			env.srv = New(Config{Store: env.store, Tokens: env.tokens, Version: "test", LoginPerMinute: 10000, SecureCookies: tc.secure})
			sc := loginAs(w.Student.Email)
			sc.Headers, sc.ExpectedStatus = tc.headers, 200
			for _, rec := range []*httptest.ResponseRecorder{
				sc.test(t, env),
				apiScenario{Method: "POST", URL: "/api/v1/auth/logout", Headers: tc.headers, ExpectedStatus: 204}.test(t, env),
			} {
				ck := refreshCookieOf(rec)
				if ck == nil {
					t.Fatalf("no refresh cookie; Set-Cookie %q", rec.Header().Values("Set-Cookie"))
				}
				if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != tc.want || ck.Path != refreshPath {
					t.Errorf("Set-Cookie %q: want HttpOnly, SameSite=Strict, Secure=%v, Path=%s", rec.Header().Get("Set-Cookie"), tc.want, refreshPath)
				}
			}
		})
	}
}

// A page of another site cannot use the refresh cookie, log in or log out:
// the browser says where a request comes from (Sec-Fetch-Site, Origin), and
// only the SPA sends the custom header the cookie needs.
func TestSessionEndpointsRefuseCrossSiteRequests(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	tok := login(t, env, w.Student)
	cookie := refreshCookie + "=" + tok.RefreshToken
	crossSite := []struct {
		name    string
		headers map[string]string
	}{
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"Sec-Fetch-Site same-site (a sibling subdomain)", map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"Origin of another host", map[string]string{"Origin": "https://evil.example"}},
		{"Origin of another port", map[string]string{"Origin": "http://example.com:8081"}},
		{"Origin null (a sandboxed frame)", map[string]string{"Origin": "null"}},
	}
	for _, cs := range crossSite {
		for _, route := range []string{"/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/login"} {
			t.Run(cs.name+" "+route, func(t *testing.T) {
				sc := apiScenario{Method: "POST", URL: route, ExpectedStatus: 403, ExpectedCode: "cross_origin",
					Headers: map[string]string{"Cookie": cookie, cookieHeader: "nalgae"}, NotExpectedContent: []string{"access_token"}}
				if route == "/api/v1/auth/login" {
					sc.Body = map[string]string{"email": w.Student.Email, "password": modelstest.Password}
				}
				for k, v := range cs.headers {
					sc.Headers[k] = v
				}
				sc.test(t, env)
			})
		}
	}
	t.Run("the cookie without the custom header", func(t *testing.T) {
		for _, route := range []string{"/api/v1/auth/refresh", "/api/v1/auth/logout"} {
			apiScenario{Method: "POST", URL: route, Headers: map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"},
				ExpectedStatus: 403, ExpectedCode: "cross_origin"}.test(t, env)
		}
	})
	if n := len(auditOf(t, env, "logout")); n != 0 {
		t.Fatalf("a refused logout revoked the session (%d logout events)", n)
	}
	// None of that used up or revoked the token: the SPA's own request works.
	var rotated tokenAnswer
	t.Run("same origin, as the SPA sends it", func(t *testing.T) {
		rec := apiScenario{Method: "POST", URL: "/api/v1/auth/refresh", ExpectedStatus: 200, Headers: map[string]string{
			"Cookie": cookie, cookieHeader: "nalgae", "Sec-Fetch-Site": "same-origin", "Origin": "http://example.com",
		}}.test(t, env)
		rotated = decode[tokenAnswer](t, rec)
	})
	t.Run("same host by Origin alone (an older browser)", func(t *testing.T) {
		apiScenario{Method: "POST", URL: "/api/v1/auth/refresh", ExpectedStatus: 200, Headers: map[string]string{
			"Cookie": refreshCookie + "=" + rotated.RefreshToken, cookieHeader: "nalgae", "Origin": "http://example.com",
		}}.test(t, env)
	})
	t.Run("a non-browser client with the token in the body", func(t *testing.T) {
		other := login(t, env, w.Merchant)
		refreshWith(other.RefreshToken).expect(200).test(t, env)
	})
}
