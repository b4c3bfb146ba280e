package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models/modelstest"
)

// servedOpenAPI fetches /api/v1/openapi.json and loads it as a client would,
// resolving every $ref.
func servedOpenAPI(t *testing.T, env *testEnv) *openapi3.T {
	t.Helper()
	rec := env.do("GET", "/api/v1/openapi.json", nil, "")
	expectStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load the served document: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentValidates(t *testing.T) {
	env := newEnv(t)
	doc := servedOpenAPI(t, env)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	if doc.Info.Title != "Nalgae API" || doc.Info.Version != "test" {
		t.Errorf("info %q %q, want Nalgae API, test (the server's version)", doc.Info.Title, doc.Info.Version)
	}
	if doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Error("no bearerAuth security scheme")
	}

	rec := env.do("GET", "/api/v1/openapi.yaml", nil, "")
	expectStatus(t, rec, http.StatusOK)
	fromYAML, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load the YAML document: %v", err)
	}
	if fromYAML.Paths.Len() != doc.Paths.Len() {
		t.Errorf("YAML has %d paths, JSON %d", fromYAML.Paths.Len(), doc.Paths.Len())
	}
}

func TestOpenAPIConditionalGet(t *testing.T) {
	env := newEnv(t)
	first := env.do("GET", "/api/v1/openapi.json", nil, "")
	expectStatus(t, first, http.StatusOK)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(rec, req)
	expectStatus(t, rec, http.StatusNotModified)
}

// braces finds OpenAPI's path parameters, {id}.
var braces = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIDocumentsEveryRoute compares the document with the routes echo
// really serves, so that a route added without its line in the route table
// (and so without documentation) fails here.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	env := newEnv(t)
	doc := servedOpenAPI(t, env)
	for _, problem := range routeDrift(t, doc, env.srv.Echo().Routes()) {
		t.Error(problem)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.Summary == "" || !strings.Contains(op.Description, "Who may call: ") {
				t.Errorf("%s: no summary or no who-may-call in %q", name, op.Description)
			}
			if len(op.Tags) != 1 {
				t.Errorf("%s: tags %v", name, op.Tags)
			}
			for _, m := range braces.FindAllStringSubmatch(path, -1) {
				p := op.Parameters.GetByInAndName("path", m[1])
				if p == nil || !p.Schema.Value.Type.Is("integer") || !p.Required {
					t.Errorf("%s: path parameter %s is not declared as a required integer", name, m[1])
				}
			}
			if _, ok := op.Responses.Map()["500"]; ok {
				t.Errorf("%s documents a 500", name)
			}
		}
	}

	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description: add one to tagDescriptions (openapi.go)", tag.Name)
		}
	}

	// The check itself notices a route mounted beside the route table.
	env.srv.Echo().GET("/api/v1/teams/:id/secret", func(echo.Context) error { return nil })
	drift := routeDrift(t, doc, env.srv.Echo().Routes())
	if len(drift) != 1 || !strings.Contains(drift[0], "GET /api/v1/teams/:id/secret") {
		t.Errorf("an undocumented route went unnoticed: %q", drift)
	}
}

// routeDrift lists the API routes echo serves that the document lacks, and
// the documented operations echo does not serve.
func routeDrift(t *testing.T, doc *openapi3.T, routes []*echo.Route) []string {
	t.Helper()
	var problems []string
	served := map[string]bool{}
	for _, r := range routes {
		if r.Path == "/api/*" || r.Path == "/*" {
			continue // the JSON 404 of unknown API paths, and the SPA
		}
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" && r.Path != "/readyz" && r.Path != "/metrics" {
			t.Logf("not checked (outside /api): %s %s", r.Method, r.Path)
			continue
		}
		served[r.Method+" "+r.Path] = true
		item := doc.Paths.Value(openAPIPath(r.Path))
		if item == nil || item.GetOperation(r.Method) == nil {
			problems = append(problems, r.Method+" "+r.Path+" is served but not documented: give it a line in the route table (routes.go)")
		}
	}
	if len(served) < 20 {
		t.Fatalf("only %d API routes registered; is the walk of echo's routes broken?", len(served))
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+braces.ReplaceAllString(path, ":$1")] {
				problems = append(problems, method+" "+path+" is documented but not served")
			}
		}
	}
	return problems
}

// TestOpenAPISecurityMatchesServer checks the documented security of every
// operation against the server: without a token, a secured route is 401.
// Every operation states its security (public ones "security: []"); one
// that also allows no credentials ({} among its requirements, as /metrics
// does when the server has no metrics token) is not secured.
func TestOpenAPISecurityMatchesServer(t *testing.T) {
	env := newEnv(t)
	doc := servedOpenAPI(t, env)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security == nil {
				t.Errorf("%s %s states no security; public operations say security: []", method, path)
				continue
			}
			secured := len(*op.Security) > 0 && !slices.ContainsFunc(*op.Security,
				func(r openapi3.SecurityRequirement) bool { return len(r) == 0 })
			if !secured {
				continue
			}
			if op.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("%s %s is secured but documents no 401", method, path)
			}
			rec := env.do(method, braces.ReplaceAllString(path, "1"), nil, "")
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d, want 401 as documented", method, path, rec.Code)
			}
		}
	}
}

func TestDocsPage(t *testing.T) {
	env := newEnv(t)
	doc := servedOpenAPI(t, env)
	rec := env.do("GET", "/api/docs", nil, "")
	expectStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q, want text/html", ct)
	}
	page := rec.Body.String()
	for path, item := range doc.Paths.Map() {
		if !strings.Contains(page, "<code>"+path+"</code>") {
			t.Errorf("the docs page lacks %s", path)
		}
		for _, op := range item.Operations() {
			if !strings.Contains(page, `id="`+op.OperationID+`"`) {
				t.Errorf("the docs page lacks operation %s", op.OperationID)
			}
		}
	}
	for _, want := range []string{"날개", `href="/api/v1/openapi.json"`, "curl -s -X POST", "Who may call:",
		`id="schema-ErrorBody"`, `id="schema-KPIBlock"`, "<code>roas_pct</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the docs page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the docs page has a script; the CSP allows none inline")
	}
}

// TestOpenAPIMatchesAnswers checks real answers against the document: the
// status is a documented one, and the body fits its schema.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	doc := servedOpenAPI(t, env)
	id := func(v uint64) string { return strconv.FormatUint(v, 10) }
	admin, prof := env.token(w.Admin), env.token(w.Prof)

	cases := []struct {
		method, route, url string
		body               any
		token              string
		status             int
	}{
		{"POST", "/api/v1/auth/login", "/api/v1/auth/login", map[string]string{"email": "prof@test.nalgae", "password": modelstest.Password}, "", 200},
		{"POST", "/api/v1/auth/login", "/api/v1/auth/login", map[string]string{"email": "prof@test.nalgae", "password": "wrong"}, "", 401},
		{"POST", "/api/v1/auth/login", "/api/v1/auth/login", "{not json", "", 400},
		{"POST", "/api/v1/auth/login", "/api/v1/auth/login", map[string]string{}, "", 422},
		{"POST", "/api/v1/auth/refresh", "/api/v1/auth/refresh", map[string]string{"refresh_token": "nope"}, "", 401},
		{"POST", "/api/v1/auth/logout", "/api/v1/auth/logout", map[string]string{}, "", 204},
		{"GET", "/api/v1/me", "/api/v1/me", nil, "", 401},
		{"GET", "/api/v1/me", "/api/v1/me", nil, prof, 200},
		{"GET", "/api/v1/users", "/api/v1/users?limit=3", nil, admin, 200},
		{"GET", "/api/v1/users", "/api/v1/users?limit=0", nil, admin, 422},
		{"POST", "/api/v1/users", "/api/v1/users", map[string]any{"email": "x@test.nalgae"}, prof, 403},
		{"GET", "/api/v1/programs/{id}", "/api/v1/programs/" + id(w.ProgramA.ID), nil, prof, 200},
		{"GET", "/api/v1/programs/{id}", "/api/v1/programs/" + id(w.ProgramB.ID), nil, prof, 404},
		{"GET", "/api/v1/programs/{id}/staff", "/api/v1/programs/" + id(w.ProgramA.ID) + "/staff", nil, prof, 200},
		{"GET", "/api/v1/programs/{id}/review-queue", "/api/v1/programs/" + id(w.ProgramA.ID) + "/review-queue", nil, prof, 200},
		{"GET", "/api/v1/programs/{id}/report", "/api/v1/programs/" + id(w.ProgramA.ID) + "/report?lang=en&statuses=draft,submitted", nil, prof, 200},
		{"GET", "/api/v1/programs/{id}/teams", "/api/v1/programs/" + id(w.ProgramA.ID) + "/teams", nil, prof, 200},
		{"GET", "/api/v1/merchants", "/api/v1/merchants", nil, admin, 200},
		{"GET", "/api/v1/teams", "/api/v1/teams", nil, env.token(w.Student), 200},
		{"GET", "/api/v1/teams/{id}", "/api/v1/teams/" + id(w.TeamA1.ID), nil, prof, 200},
		{"GET", "/api/v1/teams/{id}/kpis", "/api/v1/teams/" + id(w.TeamA1.ID) + "/kpis", nil, prof, 200},
		{"GET", "/api/v1/teams/{id}/sales", "/api/v1/teams/" + id(w.TeamA1.ID) + "/sales", nil, prof, 200},
		{"GET", "/api/v1/teams/{id}/comments", "/api/v1/teams/" + id(w.TeamA1.ID) + "/comments", nil, prof, 200},
		{"GET", "/api/v1/teams/{id}/evaluations", "/api/v1/teams/" + id(w.TeamA1.ID) + "/evaluations", nil, prof, 200},
		{"GET", "/api/v1/campaigns/{id}", "/api/v1/campaigns/" + id(w.CampaignA1.ID), nil, prof, 200},
		{"GET", "/api/v1/campaigns/{id}/kpis", "/api/v1/campaigns/" + id(w.CampaignA1.ID) + "/kpis?after_from=2025-10-01&after_to=2025-10-31", nil, prof, 200},
		{"GET", "/api/v1/campaigns/{id}/metrics", "/api/v1/campaigns/" + id(w.CampaignA1.ID) + "/metrics", nil, prof, 200},
		{"PATCH", "/api/v1/metrics/{id}", "/api/v1/metrics/" + id(w.MetricDraft.ID), map[string]any{"spend_krw": 1, "version": 99}, prof, 409},
		{"POST", "/api/v1/metrics/{id}/approve", "/api/v1/metrics/" + id(w.MetricSubmitted.ID) + "/approve", map[string]any{}, prof, 200},
		{"GET", "/api/v1/sales/{id}", "/api/v1/sales/" + id(w.SalesDraft.ID), nil, prof, 200},
		{"GET", "/api/v1/evaluations/{id}", "/api/v1/evaluations/" + id(w.Evaluation.ID), nil, prof, 200},
		{"GET", "/api/v1/rubric", "/api/v1/rubric", nil, prof, 200},
		{"GET", "/api/v1/audit", "/api/v1/audit?limit=5", nil, admin, 200},
		{"GET", "/healthz", "/healthz", nil, "", 200},
		{"GET", "/readyz", "/readyz", nil, "", 200},
	}
	for _, tc := range cases {
		name := tc.method + " " + tc.url + " → " + strconv.Itoa(tc.status)
		rec := env.do(tc.method, tc.url, tc.body, tc.token)
		if rec.Code != tc.status {
			t.Errorf("%s: got %d (%s)", name, rec.Code, rec.Body.String())
			continue
		}
		op := doc.Paths.Value(tc.route).GetOperation(tc.method)
		if op == nil {
			t.Errorf("%s: %s %s is not documented", name, tc.method, tc.route)
			continue
		}
		resp := op.Responses.Status(tc.status)
		if resp == nil {
			t.Errorf("%s: status %d is not documented", name, tc.status)
			continue
		}
		mt := resp.Value.Content.Get("application/json")
		if tc.status == http.StatusNoContent {
			if mt != nil || rec.Body.Len() != 0 {
				t.Errorf("%s: 204 with a body", name)
			}
			continue
		}
		if mt == nil {
			t.Errorf("%s: no JSON schema documented", name)
			continue
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := mt.Schema.Value.VisitJSON(body); err != nil {
			t.Errorf("%s: the answer does not fit the documented schema: %v\n%s", name, err, rec.Body.String())
		}
	}
	if env.do("GET", "/api/v1/openapi.json", nil, "").Code != http.StatusOK {
		t.Error("the document is not public")
	}
}
