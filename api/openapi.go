package api

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/kpi"
)

// The OpenAPI document is generated from the route table (Routes) and the Go
// types its routes take and give, so that it cannot drift from what the
// server does; openapi_test.go fails when echo serves a route the document
// does not have.

// apiDescription introduces the document (CommonMark).
const apiDescription = `The HTTP API of 날개 (Nalgae): programs, teams, campaigns, daily results, sales and KPIs.

**Authentication.** ` + "`POST /api/v1/auth/login {email, password}`" + ` answers an access token (a JWT, valid
15 minutes) and a refresh token. Send the access token as ` + "`Authorization: Bearer <token>`" + `.
Refresh tokens are opaque and single-use: ` + "`POST /api/v1/auth/refresh`" + ` takes one (JSON body
` + "`{\"refresh_token\": …}`" + ` or the HttpOnly, SameSite ` + "`nalgae_refresh`" + ` cookie that login sets) and
answers new tokens; replaying a used refresh token revokes its whole family. ` + "`POST /api/v1/auth/logout`" + `
revokes the family and clears the cookie. A request that uses the cookie must carry the header
` + "`X-Requested-With`" + ` (any value), and login, refresh and logout refuse requests a browser marks as
coming from another site (403, code ` + "`cross_origin`" + `). Login and refresh are rate limited per client
address, and after 10 failed logins of one account (or 50 from one address) in 15 minutes login answers
429 with ` + "`Retry-After`" + ` (seconds) until the oldest failure is 15 minutes old; a successful login
forgives the account's failures. Disabling a user, changing their role or setting their password ends
their sessions at once. Passwords are 10 to 128 bytes and may not contain the email address or its name
part.

**Errors** always have one shape: ` + "`{\"error\": {\"code\": \"validation_failed\", \"message\": \"…\", \"fields\": {\"spend_krw\": \"must be ≥ 0\"}}}`" + `
with 400 (malformed JSON), 401 (no or bad token), 403 (you may see this but not do that), 404 (not found, also
for what you may not see), 409 (stale ` + "`version`" + ` or duplicate), 413 (a JSON body over 1 MiB, an import file over
20 MiB, an evidence file over 10 MiB), 415 (an upload that is not multipart, an import that is not a CSV, TSV or
XLSX, evidence that is not a PNG, JPEG, PDF, XLSX or CSV), 422 (invalid values,
per field in ` + "`fields`" + `) or 429 (rate limited).

**Lists** answer ` + "`{\"items\": [...], \"next_cursor\": \"...\"}`" + `; pass ` + "`next_cursor`" + ` back as ` + "`?cursor=`" + ` for the
next page (an empty ` + "`next_cursor`" + ` is the last page). ` + "`?limit=`" + ` defaults to 50, at most 500.

**Versions.** Entries, sales records and the other editable resources carry ` + "`version`" + `; send it back on
PATCH and on review transitions, and a stale version answers 409.

**KPIs.** Ratios (` + "`roas_pct`, `ctr_pct`, `cpc_krw`" + ` …) are computed from sums, never averaged, and are ` + "`null`" + ` when
their denominator is zero. KPI endpoints take ` + "`statuses=`" + ` (comma-separated: draft, submitted, approved,
returned) and echo what they counted in ` + "`counted_statuses`" + `: team and campaign KPIs count every status by
default, the program report only approved results. Sales growth compares equal windows before and after the
first campaign; set them explicitly with ` + "`before_from`, `before_to`, `after_from`, `after_to`" + `, or with
` + "`after_from` and `after_to`" + ` alone (the before window is then the equal period just before).

**Imports** (SPEC §5) take ` + "`multipart/form-data`" + ` with the file in the field ` + "`file`" + `: Naver SearchAd reports
(CSV, TSV or XLSX; UTF-8 with or without BOM, or CP949) or the live-commerce template into a campaign's daily
entries (` + "`POST /campaigns/{id}/imports`" + `), the Smart Store sales export or the sales template into a team's sales
records (` + "`POST /teams/{id}/sales/imports`" + `). ` + "`dry_run`" + ` defaults to true: a call only previews, and answers what
would be created, updated or left unchanged with each bad cell's ` + "`line`" + ` (the file's physical line, from 1) and
` + "`column`" + ` (its header as the file writes it); ` + "`dry_run=false`" + ` applies all rows in one transaction, or, with any
error, none (422 with the same body). Re-importing a file changes nothing; imported entries are drafts whose
` + "`source`" + ` names the file. Templates: ` + "`GET /imports/templates/sales.csv`" + ` and
` + "`GET /imports/templates/live_commerce.csv`" + `. **Exports**: ` + "`GET /programs/{id}/report.csv`" + ` (UTF-8 with BOM) and
` + "`report.xlsx`" + ` take the report's filters; text that a spreadsheet would run as a formula is prefixed with ` + "`'`" + `.

**Money** is integer Korean won (fields ending in ` + "`_krw`" + `); dates are ` + "`YYYY-MM-DD`" + ` (Asia/Seoul days);
timestamps are RFC 3339.

**Beyond SPEC §4** this API also offers ` + "`GET /teams`" + ` (every team you may read), ` + "`GET /programs/{id}/staff`" + `,
` + "`GET /programs/{id}/review-queue`" + `, ` + "`PATCH /me`" + ` (own name, language, password), ` + "`GET /users/{id}`" + `,
` + "`GET|PATCH /evaluations/{id}`" + `, ` + "`DELETE /comments/{id}`" + `, ` + "`GET /rubric`" + `, the import templates, and explicit sales-growth windows
given by ` + "`after_from`/`after_to`" + ` only.`

// docRoute is a documented route: a line of the route table, or one of the
// few routes mounted outside it.
type docRoute struct {
	Route
	FullPath    string // echo syntax, from the server's root
	Tag         string
	ContentType string // of the success answer; JSON when empty
	// Errors are error answers beyond those errorStatuses derives from the
	// route (the ops endpoints outside the route table).
	Errors []int
	// OptionalAuth lists a security scheme the route may be configured to
	// require (the metrics token): then calls without it are allowed too.
	OptionalAuth string
}

// documentedRoutes are every route the document describes, in table order.
func documentedRoutes(routes []Route) []docRoute {
	out := make([]docRoute, 0, len(routes)+4)
	for _, r := range routes {
		tag, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		out = append(out, docRoute{Route: r, FullPath: BasePath + r.Path, Tag: tag, ContentType: r.Produces})
	}
	return append(out,
		docRoute{Route: Route{Method: http.MethodGet, Path: "/healthz", Public: true, Who: whoAnyone,
			Summary: "Liveness: the server answers, with its version", Resp: HealthResponse{}, Status: http.StatusOK},
			FullPath: "/healthz", Tag: "healthz"},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/readyz", Public: true, Who: whoAnyone,
			Summary: "Readiness: 200 when the database answers and is fully migrated, else 503 (code not_ready)", Resp: ReadyResponse{}, Status: http.StatusOK},
			FullPath: "/readyz", Tag: "healthz", Errors: []int{http.StatusServiceUnavailable}},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/metrics", Public: true, Who: whoAnyone + " (only holders of the metrics token when the server has one)",
			Summary: "Prometheus metrics: requests by route and status, latencies, database pool, imports", Resp: models.RawJSON(""), Status: http.StatusOK},
			FullPath: "/metrics", Tag: "healthz", ContentType: "text/plain; version=0.0.4",
			Errors: []int{http.StatusUnauthorized}, OptionalAuth: metricsScheme},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/openapi.json", Public: true, Who: whoAnyone,
			Summary: "This OpenAPI 3 document (JSON)", Resp: models.RawJSON(""), Status: http.StatusOK},
			FullPath: BasePath + "/openapi.json", Tag: "docs"},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/openapi.yaml", Public: true, Who: whoAnyone,
			Summary: "This OpenAPI 3 document (YAML)", Resp: models.RawJSON(""), Status: http.StatusOK},
			FullPath: BasePath + "/openapi.yaml", Tag: "docs", ContentType: "application/yaml"},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/docs", Public: true, Who: whoAnyone,
			Summary: "These docs as a web page", Resp: models.RawJSON(""), Status: http.StatusOK},
			FullPath: "/api/docs", Tag: "docs", ContentType: "text/html"},
		docRoute{Route: Route{Method: http.MethodGet, Path: "/docs/docs.css", Public: true, Who: whoAnyone,
			Summary: "The docs page's stylesheet (the CSP allows no inline styles)", Resp: models.RawJSON(""), Status: http.StatusOK},
			FullPath: "/api/docs/docs.css", Tag: "docs", ContentType: "text/css"},
	)
}

// openAPIPath turns echo's /teams/:id into OpenAPI's /teams/{id}.
func openAPIPath(echoPath string) string {
	parts := strings.Split(echoPath, "/")
	for i, p := range parts {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

// pathParams are the :names of an echo path, in order.
func pathParams(echoPath string) []string {
	var out []string
	for p := range strings.SplitSeq(echoPath, "/") {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			out = append(out, name)
		}
	}
	return out
}

// errorResponses name the shared error answers (components/responses).
var errorResponses = []struct {
	status      int
	name, about string
}{
	{http.StatusBadRequest, "BadRequest", "The request body is not a JSON object (code malformed_json)."},
	{http.StatusUnauthorized, "Unauthorized", "No valid access token, or wrong credentials (code unauthorized)."},
	{http.StatusForbidden, "Forbidden", "You may see this but not do that (code forbidden), or a cross-site request to a session endpoint (code cross_origin)."},
	{http.StatusNotFound, "NotFound", "No such resource, or one you may not see (code not_found)."},
	{http.StatusConflict, "Conflict", "A stale version, a duplicate, or a state that forbids the change."},
	{http.StatusRequestEntityTooLarge, "TooLarge", "The request body is over 1 MiB, or an import file over 20 MiB (code too_large)."},
	{http.StatusUnsupportedMediaType, "UnsupportedMedia", "The upload is not multipart/form-data, or its file is not a CSV, TSV or XLSX (codes unsupported_media_type, unsupported_file)."},
	{http.StatusUnprocessableEntity, "Invalid", "Some values are invalid; error.fields says which (code validation_failed)."},
	{http.StatusTooManyRequests, "RateLimited", "Too many attempts from this address, or failed logins of this account; wait Retry-After seconds (code rate_limited)."},
	{http.StatusServiceUnavailable, "NotReady", "The database does not answer or its schema is not up to date (code not_ready)."},
}

// metricsScheme names the security scheme of the metrics token.
const metricsScheme = "metricsToken"

// tagDescriptions describe the document's tags, one per first path segment
// of the route table (a tag without one fails the lint in make test).
var tagDescriptions = map[string]string{
	"auth":          "Log in, refresh and log out: access and refresh tokens.",
	"me":            "The logged-in user's own profile.",
	"users":         "User accounts, their passwords, exports and anonymisation (admin).",
	"programs":      "Programs, their staff, teams, review queue and report.",
	"merchants":     "The small businesses that teams work with.",
	"teams":         "Teams, their members, campaigns, sales, KPIs, comments and evaluations.",
	"campaigns":     "Campaigns, their daily entries, KPIs and imports.",
	"metrics":       "Daily entries of a campaign's results and their review.",
	"sales":         "Sales records of a team's merchant and their review.",
	"comments":      "Comments on teams, campaigns and entries.",
	"evaluations":   "Grades of teams against the rubric.",
	"imports":       "Templates of the files that imports take.",
	"rubric":        "The grading rubric.",
	"targets":       "A team's targets and how far it has come (SPEC §10.1).",
	"publications":  "Frozen, verifiable publications of a program's report and their share links (SPEC §11.2).",
	"public":        "Shared publications, answered without login.",
	"self-reliance": "The digital self-reliance assessment's statements and scale (SPEC §13.1).",
	"assessments":   "Merchants' digital self-reliance assessments with their scores (SPEC §13.1).",
	"followups":     "Follow-ups after a program's end: does the merchant still sell online (SPEC §13.2).",
	"evidence":      "Evidence files (screenshots, statements) attached to daily entries and sales records (SPEC §14.2): download and delete.",
	"audit":         "The audit log of every write.",
	"healthz":       "Operations: liveness, readiness and Prometheus metrics.",
	"docs":          "This document and its web page.",
}

// errorStatuses are the error answers a route can give.
func errorStatuses(r docRoute) []int {
	_, givesTokens := r.Resp.(TokenResponse)
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	var out []int
	add := func(cond bool, status int) {
		if cond {
			out = append(out, status)
		}
	}
	hasBody := r.Body != nil || r.Consumes != ""
	add(hasBody, http.StatusBadRequest)
	add(!r.Public || givesTokens, http.StatusUnauthorized)
	add(!r.Public || strings.HasPrefix(r.Path, "/auth/"), http.StatusForbidden)
	add(len(pathParams(r.Path)) > 0, http.StatusNotFound)
	add(!r.Public && write, http.StatusConflict)
	add(hasBody, http.StatusRequestEntityTooLarge)
	add(r.Consumes != "", http.StatusUnsupportedMediaType)
	add(hasBody || len(r.Query) > 0, http.StatusUnprocessableEntity)
	add(r.limited, http.StatusTooManyRequests)
	return out
}

// alsoAnswers are success statuses beyond a route's main one.
var alsoAnswers = map[string][]int{
	"POST /campaigns/:id/metrics": {http.StatusOK}, // an update of that date's entry
}

// optionalBodies may be sent empty.
var optionalBodies = []reflect.Type{reflect.TypeFor[refreshRequest](), reflect.TypeFor[transitionRequest]()}

// buildOpenAPI builds the document of routes for a server of version.
func buildOpenAPI(version string, routes []docRoute) (*openapi3.T, *schemaBuilder, error) {
	if version == "" {
		version = "dev"
	}
	b := newSchemaBuilder()
	errBody, err := b.schema(ErrorBody{}, true)
	if err != nil {
		return nil, nil, err
	}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:       "Nalgae API",
			Version:     version,
			Description: apiDescription,
		},
		Servers: openapi3.Servers{{URL: "/", Description: "this server"}},
		Paths:   openapi3.NewPathsWithCapacity(len(routes)),
		Components: &openapi3.Components{
			Schemas:   b.components,
			Responses: openapi3.ResponseBodies{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearerAuth": &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().
					WithDescription("The access token from POST /api/v1/auth/login or /auth/refresh (15 minutes).")},
				metricsScheme: &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").
					WithDescription("NALGAE_METRICS_TOKEN (or the content of NALGAE_METRICS_TOKEN_FILE), when the server is given one; /metrics then answers 401 without it.")},
			},
		},
	}
	errRefs := map[int]*openapi3.ResponseRef{}
	for _, e := range errorResponses {
		resp := openapi3.NewResponse().WithDescription(e.about).WithJSONSchemaRef(errBody)
		doc.Components.Responses[e.name] = &openapi3.ResponseRef{Value: resp}
		errRefs[e.status] = &openapi3.ResponseRef{Ref: "#/components/responses/" + e.name, Value: resp}
	}

	var tags []string
	for _, r := range routes {
		op, err := b.operation(r, errRefs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", r.Method, r.FullPath, err)
		}
		path := openAPIPath(r.FullPath)
		if item := doc.Paths.Value(path); item != nil && item.GetOperation(r.Method) != nil {
			return nil, nil, fmt.Errorf("%s %s is in the route table twice", r.Method, path)
		}
		doc.AddOperation(path, r.Method, op)
		if !slices.Contains(tags, r.Tag) {
			tags = append(tags, r.Tag)
		}
	}
	for _, t := range tags {
		doc.Tags = append(doc.Tags, &openapi3.Tag{Name: t, Description: tagDescriptions[t]})
	}
	return doc, b, nil
}

// operation describes one route.
func (b *schemaBuilder) operation(r docRoute, errRefs map[int]*openapi3.ResponseRef) (*openapi3.Operation, error) {
	desc := "Who may call: " + r.Who + "."
	if r.Public {
		desc += " No access token needed."
	}
	if r.limited {
		desc += " Rate limited per client address."
	}
	op := &openapi3.Operation{
		OperationID: operationID(r.Method, r.FullPath),
		Summary:     r.Summary,
		Description: desc,
		Tags:        []string{r.Tag},
		Responses:   openapi3.NewResponsesWithCapacity(8),
	}
	switch {
	case !r.Public:
		op.Security = &openapi3.SecurityRequirements{openapi3.NewSecurityRequirement().Authenticate("bearerAuth")}
	case r.OptionalAuth != "":
		// Either no credentials or the token: which one depends on how the
		// server is configured.
		op.Security = &openapi3.SecurityRequirements{openapi3.NewSecurityRequirement(),
			openapi3.NewSecurityRequirement().Authenticate(r.OptionalAuth)}
	default:
		// Explicitly public: without it a client takes the operation as
		// having no stated security at all.
		op.Security = openapi3.NewSecurityRequirements()
	}
	for _, name := range pathParams(r.Path) {
		p := openapi3.NewPathParameter(name).WithSchema(&openapi3.Schema{
			Type: &openapi3.Types{openapi3.TypeInteger}, Format: "int64", Min: ptrTo(1.0)})
		p.Description = "numeric id"
		op.AddParameter(p)
	}
	for _, name := range r.Query {
		op.AddParameter(queryParameter(name))
	}
	if _, ok := r.Body.(refreshRequest); ok {
		p := openapi3.NewCookieParameter(refreshCookie).WithSchema(openapi3.NewStringSchema())
		p.Description = "the refresh token, when the body has none (set by login and refresh, HttpOnly)"
		op.AddParameter(p)
	}
	if r.Body != nil {
		ref, err := b.schema(r.Body, false)
		if err != nil {
			return nil, err
		}
		body := openapi3.NewRequestBody().WithJSONSchemaRef(ref).
			WithRequired(!slices.Contains(optionalBodies, reflect.TypeOf(r.Body)))
		op.RequestBody = &openapi3.RequestBodyRef{Value: body}
	}
	if r.Consumes != "" {
		form := openapi3.NewObjectSchema().WithProperty("file", openapi3.NewStringSchema().WithFormat("binary"))
		form.Required = []string{"file"}
		body := openapi3.NewRequestBody().WithRequired(true).WithContent(openapi3.NewContentWithSchema(form, []string{r.Consumes}))
		body.Description = "the file, in the field \"file\""
		op.RequestBody = &openapi3.RequestBodyRef{Value: body}
	}
	statuses := append([]int{r.Status}, alsoAnswers[r.Method+" "+r.Path]...)
	for _, status := range statuses {
		resp := openapi3.NewResponse().WithDescription(http.StatusText(status))
		switch {
		case status != http.StatusNoContent && r.ContentType != "":
			file := openapi3.NewStringSchema()
			if media, _, _ := strings.Cut(r.ContentType, ";"); !strings.HasPrefix(media, "text/") && !strings.HasSuffix(media, "yaml") {
				file.Format = "binary"
			}
			resp.Content = openapi3.NewContentWithSchema(file, []string{r.ContentType})
		case status == http.StatusNoContent || r.Resp == nil:
		case reflect.TypeOf(r.Resp) == rawJSONType:
			resp.WithJSONSchema(openapi3.NewObjectSchema())
		default:
			ref, err := b.schema(r.Resp, true)
			if err != nil {
				return nil, err
			}
			resp.WithJSONSchemaRef(ref)
		}
		if _, ok := r.Resp.(TokenResponse); ok || r.Path == "/auth/logout" {
			resp.Headers = openapi3.Headers{"Set-Cookie": &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Description: refreshCookie + ": the refresh token (HttpOnly, SameSite=Strict, path " + refreshPath + "); logout clears it",
				Schema:      openapi3.NewStringSchema().NewRef(),
			}}}}
		}
		op.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Value: resp})
	}
	for _, status := range append(errorStatuses(r), r.Errors...) {
		op.Responses.Set(strconv.Itoa(status), errRefs[status])
	}
	if r.Consumes != "" && r.Resp != nil {
		// An apply refused for the file's errors answers the import's own
		// body; a file that cannot be read, the error shape.
		result, err := b.schema(r.Resp, true)
		if err != nil {
			return nil, err
		}
		refused := openapi3.NewResponse().WithDescription("Applied with errors: nothing was written, and the body lists them; " +
			"or the file is not one Nalgae knows (error shape, code unrecognised_file); or invalid values (validation_failed).")
		refused.Content = openapi3.NewContentWithJSONSchema(&openapi3.Schema{OneOf: openapi3.SchemaRefs{result, errRefs[http.StatusUnprocessableEntity].Value.Content.Get("application/json").Schema}})
		op.Responses.Set(strconv.Itoa(http.StatusUnprocessableEntity), &openapi3.ResponseRef{Value: refused})
	}
	return op, nil
}

// operationID names an operation after its method and path:
// GET /api/v1/teams/{id}/kpis is getTeamsByIdKpis.
func operationID(method, echoPath string) string {
	var sb strings.Builder
	sb.WriteString(strings.ToLower(method))
	for p := range strings.SplitSeq(strings.TrimPrefix(echoPath, BasePath), "/") {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			sb.WriteString("By")
			p = name
		}
		for w := range strings.FieldsFuncSeq(p, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			sb.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return sb.String()
}

// queryParameter describes a query parameter by its name, the same across routes.
func queryParameter(name string) *openapi3.Parameter {
	p := openapi3.NewQueryParameter(name)
	str := openapi3.NewStringSchema()
	switch {
	case name == "limit":
		p.Description = "page size (default 50, at most 500)"
		p.Schema = (&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: ptrTo(1.0), Max: ptrTo(float64(models.MaxLimit)),
			Default: models.DefaultLimit}).NewRef()
	case name == "cursor":
		p.Description = "next_cursor of the previous page"
		p.Schema = str.NewRef()
	case name == "statuses":
		p.Description = "comma-separated: draft, submitted, approved, returned"
		p.Schema = str.NewRef()
	case name == "from" || name == "to":
		p.Description = "only entries of days " + map[string]string{"from": "from", "to": "up to"}[name] + " this one"
		p.Schema = openapi3.NewStringSchema().WithFormat("date").NewRef()
	case strings.HasPrefix(name, "before_") || strings.HasPrefix(name, "after_"):
		p.Description = "explicit sales-growth window (all four of before_from, before_to, after_from, after_to, or after_from and after_to alone)"
		p.Schema = openapi3.NewStringSchema().WithFormat("date").NewRef()
	case name == "lang":
		p.Description = "language of the highlights (default ko)"
		p.Schema = openapi3.NewStringSchema().WithEnum(models.LocaleKo, models.LocaleEn).WithDefault(models.LocaleKo).NewRef()
	case name == "ids" || strings.HasSuffix(name, "_id"):
		p.Description = "numeric id"
		p.Schema = (&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Format: "int64", Min: ptrTo(1.0)}).NewRef()
	case name == "dry_run":
		p.Description = "true (the default): only preview what would change; false: apply the file, all rows or none"
		p.Schema = openapi3.NewBoolSchema().WithDefault(true).NewRef()
	case name == "kind":
		p.Description = "comma-separated campaign kinds: " + joinStrings(models.Kinds)
		p.Schema = str.NewRef()
	case name == "role":
		p.Description = "only users of this role: " + joinStrings(models.Roles)
		p.Schema = str.NewRef()
	case name == "q":
		p.Description = "part of the name or email"
		p.Schema = str.NewRef()
	case name == "state":
		p.Description = "only follow-ups that are open (not answered), overdue (due and not answered) or answered; all when absent"
		p.Schema = openapi3.NewStringSchema().WithEnum("open", "overdue", "answered").NewRef()
	case name == "entity":
		p.Description = "only events of this entity type (user, program, program_staff, merchant, team, team_member, campaign, metric, sales, comment, evaluation, target, assessment, followup)"
		p.Schema = str.NewRef()
	default:
		p.Schema = str.NewRef()
	}
	return p
}

func joinStrings[S ~string](values []S) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

func ptrTo[T any](v T) *T { return &v }

var (
	rawJSONType = reflect.TypeFor[models.RawJSON]()
	kindType    = reflect.TypeFor[models.Kind]()
	roleType    = reflect.TypeFor[models.Role]()
	statusType  = reflect.TypeFor[models.Status]()
	timeType    = reflect.TypeFor[time.Time]()
	kpiPkg      = reflect.TypeFor[kpi.Block]().PkgPath()
)

// schemaBuilder turns Go types into schemas with openapi3gen, adjusted to how
// our types marshal, and collects every named struct as a component.
type schemaBuilder struct {
	components openapi3.Schemas
	names      map[string]reflect.Type
	// structs remembers, for every struct schema openapi3gen made, its type,
	// so that componentize can replace it by a $ref.
	structs map[*openapi3.Schema]reflect.Type
	// Fields lists each component's properties in declaration order (JSON
	// objects have none; the HTML page wants one).
	Fields map[string][]string
}

func newSchemaBuilder() *schemaBuilder {
	return &schemaBuilder{
		components: openapi3.Schemas{},
		names:      map[string]reflect.Type{},
		structs:    map[*openapi3.Schema]reflect.Type{},
		Fields:     map[string][]string{},
	}
}

// schema is the schema of v's type; response marks always-present fields
// (those without omitempty) required.
func (b *schemaBuilder) schema(v any, response bool) (*openapi3.SchemaRef, error) {
	ref, err := b.generate(reflect.TypeOf(v), response)
	if err != nil {
		return nil, err
	}
	return b.componentize(ref), nil
}

func (b *schemaBuilder) generate(t reflect.Type, response bool) (*openapi3.SchemaRef, error) {
	g := openapi3gen.NewGenerator(openapi3gen.SchemaCustomizer(
		func(_ string, t reflect.Type, _ reflect.StructTag, s *openapi3.Schema) error {
			return b.customize(t, s, response)
		}))
	return g.GenerateSchemaRef(t)
}

// customize adjusts what openapi3gen made of t (pointers already removed) to
// how the value is written as JSON.
func (b *schemaBuilder) customize(t reflect.Type, s *openapi3.Schema, response bool) error {
	switch {
	case t == dateType:
		*s = openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "date", Nullable: true,
			Description: "YYYY-MM-DD, or null for none"}
	case t == rawJSONType:
		// Stored JSON is always an object (a row as it was, or an import's
		// summary); 3.0's nullable needs a type beside it to mean anything.
		*s = openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Nullable: true, Description: "a JSON object as stored, or null",
			AdditionalProperties: openapi3.AdditionalProperties{Has: ptrTo(true)}}
	case isOptional(t):
		field, _ := t.FieldByName("Value")
		inner, err := b.generate(field.Type.Elem(), response)
		if err != nil {
			return err
		}
		*s = *inner.Value
		s.Nullable = true
		if st, ok := b.structs[inner.Value]; ok {
			b.structs[s] = st
		}
		s.Description = strings.TrimPrefix(s.Description+"; absent: unchanged, null: cleared", "; ")
	case t == kindType:
		s.Enum = enumOf(models.Kinds)
	case t == roleType:
		s.Enum = enumOf(models.Roles)
	case t == statusType:
		s.Enum = enumOf(models.Statuses)
	case t.Kind() == reflect.Uint64:
		s.Max = nil // 2⁶⁴−1 as a float helps nobody
		s.Format = "int64"
	case t.Kind() == reflect.Map && t.Key() == kindType:
		s.Description = "by campaign kind (" + joinStrings(models.Kinds) + "); a kind without campaigns is absent"
	case t.Kind() == reflect.Struct && t != timeType:
		fields := jsonFieldNames(t)
		if response {
			for _, f := range fields {
				if !f.omitEmpty {
					s.Required = append(s.Required, f.name)
				}
			}
		}
		b.structs[s] = t
	}
	return nil
}

// isOptional tells api.Optional[T] apart.
func isOptional(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[Optional[int]]().PkgPath() &&
		strings.HasPrefix(t.Name(), "Optional[")
}

func enumOf[S ~string](values []S) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

type jsonField struct {
	name      string
	omitEmpty bool
}

// jsonFieldNames are the JSON fields of struct t in order, as encoding/json
// writes them (embedded structs without a tag are flattened).
func jsonFieldNames(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, jsonFieldNames(ft)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")})
	}
	return out
}

// componentize replaces every named struct's schema below ref (and ref's own)
// by a $ref to components/schemas, registering the component on first use.
// A nullable struct becomes {type: object, nullable, allOf: [$ref]}, since OpenAPI 3.0
// ignores what sits beside a $ref.
func (b *schemaBuilder) componentize(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref == nil || ref.Value == nil || strings.HasPrefix(ref.Ref, "#/") {
		return ref
	}
	ref.Ref = "" // openapi3gen names every schema after its Go type
	s := ref.Value
	for name, p := range s.Properties {
		s.Properties[name] = b.componentize(p)
	}
	s.Items = b.componentize(s.Items)
	s.AdditionalProperties.Schema = b.componentize(s.AdditionalProperties.Schema)
	for i := range s.AllOf {
		s.AllOf[i] = b.componentize(s.AllOf[i])
	}
	t, ok := b.structs[s]
	if !ok {
		return ref
	}
	name := b.componentName(t)
	comp, ok := b.components[name]
	if !ok {
		c := *s
		c.Nullable = false
		comp = &openapi3.SchemaRef{Value: &c}
		b.components[name] = comp
		for _, f := range jsonFieldNames(t) {
			b.Fields[name] = append(b.Fields[name], f.name)
		}
	}
	link := &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: comp.Value}
	if s.Nullable {
		// OpenAPI 3.0.3 gives nullable a meaning only beside a type in the
		// same schema: without "type" generators type the field as never null.
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Nullable: true, AllOf: openapi3.SchemaRefs{link}}}
	}
	return link
}

// componentName is a type's name in components/schemas: its Go name,
// capitalised; models.Page[T] is TPage, kpi.Block is KPIBlock; a clash adds
// the package's name.
func (b *schemaBuilder) componentName(t reflect.Type) string {
	name := t.Name()
	if base, _, ok := strings.Cut(name, "["); ok {
		if f, found := t.FieldByName("Items"); found && f.Type.Kind() == reflect.Slice {
			name = f.Type.Elem().Name() + base
		} else {
			name = strings.Map(func(r rune) rune {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					return r
				}
				return -1
			}, name)
		}
	}
	if t.PkgPath() == kpiPkg {
		name = "KPI" + name
	}
	name = strings.ToUpper(name[:1]) + name[1:]
	if prev, ok := b.names[name]; ok && prev != t {
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	b.names[name] = t
	return name
}
