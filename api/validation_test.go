package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// validationCase is a bad request: it must answer SPEC §4's error shape with
// the right status, code and fields, and write nothing — neither to Table
// (when named) nor to the audit log.
type validationCase struct {
	apiScenario
	Table string
}

func TestValidationScenarios(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	student, prof, admin := bearerFor(t, w.Student), bearerFor(t, w.Prof), bearerFor(t, w.Admin)
	metricsURL := "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/metrics"
	liveMetricsURL := "/api/v1/campaigns/" + itoa(w.LiveA1.ID) + "/metrics"
	campaignsURL := "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/campaigns"
	salesURL := "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/sales"
	draftURL := "/api/v1/metrics/" + itoa(w.MetricDraft.ID)
	submittedURL := "/api/v1/metrics/" + itoa(w.MetricSubmitted.ID)
	salesDraftURL := "/api/v1/sales/" + itoa(w.SalesDraft.ID)
	future := civil.Today().AddDays(2).String()

	// unchanged checks that a stored record still reads as before.
	unchanged := func(url string, want ...string) func(testing.TB, *testEnv, *httptest.ResponseRecorder) {
		return func(t testing.TB, env *testEnv, _ *httptest.ResponseRecorder) {
			t.Helper()
			apiScenario{Method: "GET", URL: url, Token: admin, ExpectedStatus: 200, ExpectedContent: want}.verify(t, env.do("GET", url, nil, admin))
		}
	}
	metric := func(body string) validationCase {
		return validationCase{apiScenario{Method: "POST", URL: metricsURL, Token: student, Body: body}, "metric_entries"}
	}
	invalid := func(c validationCase, fields ...string) validationCase {
		c.ExpectedStatus, c.ExpectedCode, c.ExpectedFields = http.StatusUnprocessableEntity, "validation_failed", fields
		return c
	}
	malformed := func(c validationCase) validationCase {
		c.ExpectedStatus, c.ExpectedCode = http.StatusBadRequest, "malformed_json"
		return c
	}
	named := func(name string, c validationCase) validationCase {
		c.Name = name
		return c
	}

	cases := []validationCase{
		// Broken JSON is 400.
		named("malformed JSON", malformed(metric(`{`))),
		named("JSON array body", malformed(metric(`[{"date":"2025-10-05","spend_krw":1}]`))),
		named("JSON null body", malformed(metric(`null`))),
		named("JSON string body", malformed(metric(`"2025-10-05"`))),
		named("trailing garbage after the object", malformed(metric(`{"date":"2025-10-05"} {"date":"2025-10-06"}`))),
		named("malformed JSON on login", validationCase{apiScenario{Method: "POST", URL: "/api/v1/auth/login", Body: `{"email":`,
			ExpectedStatus: 400, ExpectedCode: "malformed_json"}, "refresh_tokens"}),

		// Wrong types are 422 against their field.
		named("spend_krw as a string", invalid(metric(`{"date":"2025-10-05","spend_krw":"abc"}`), "spend_krw")),
		named("spend_krw as a fraction", invalid(metric(`{"date":"2025-10-05","spend_krw":1.5}`), "spend_krw")),
		named("spend_krw as a numeric string", invalid(metric(`{"date":"2025-10-05","spend_krw":"1000"}`), "spend_krw")),
		named("date as a number", invalid(metric(`{"date":20251001,"spend_krw":1}`), "date")),
		named("clicks as a boolean", invalid(metric(`{"date":"2025-10-05","clicks":true}`), "clicks")),
		named("spend_krw beyond int64", invalid(metric(`{"date":"2025-10-05","spend_krw":99999999999999999999}`), "spend_krw")),
		named("no date", invalid(metric(`{"spend_krw":1}`), "date")),
		named("empty body", invalid(metric(``), "date")),

		// Money is never negative.
		named("negative spend_krw", invalid(metric(`{"date":"2025-10-05","spend_krw":-1}`), "spend_krw")),
		named("negative revenue_krw", invalid(metric(`{"date":"2025-10-05","revenue_krw":-1}`), "revenue_krw")),
		named("negative budget_krw", invalid(validationCase{apiScenario{Method: "POST", URL: campaignsURL, Token: student,
			Body: map[string]any{"kind": "search_ad", "name": "음수 예산", "starts_on": "2025-10-01", "budget_krw": -5}}, "campaigns"}, "budget_krw")),
		named("negative sales_krw", invalid(validationCase{apiScenario{Method: "POST", URL: salesURL, Token: student,
			Body: map[string]any{"period_start": "2025-08-01", "period_end": "2025-08-31", "sales_krw": -1}}, "sales_records"}, "sales_krw")),
		named("absurd spend_krw", invalid(metric(`{"date":"2025-10-05","spend_krw":1000000000000000}`), "spend_krw")),

		// Dates are real YYYY-MM-DD days, not in the future for an entry.
		named("February 30th", invalid(metric(`{"date":"2025-02-30","spend_krw":1}`), "date")),
		named("month 13", invalid(metric(`{"date":"2025-13-01","spend_krw":1}`), "date")),
		named("two-digit year", invalid(metric(`{"date":"25-10-01","spend_krw":1}`), "date")),
		named("dotted Korean date", invalid(metric(`{"date":"2025.10.01.","spend_krw":1}`), "date")),
		named("RFC 3339 timestamp", invalid(metric(`{"date":"2025-10-01T00:00:00Z","spend_krw":1}`), "date")),
		named("future date", invalid(metric(`{"date":"`+future+`","spend_krw":1}`), "date")),
		named("sales period ending in the future", invalid(validationCase{apiScenario{Method: "POST", URL: salesURL, Token: student,
			Body: map[string]any{"period_start": "2025-08-01", "period_end": future, "sales_krw": 1}}, "sales_records"}, "period_end")),
		named("sales period ending before it starts", invalid(validationCase{apiScenario{Method: "POST", URL: salesURL, Token: student,
			Body: map[string]any{"period_start": "2025-08-31", "period_end": "2025-08-01", "sales_krw": 1}}, "sales_records"}, "period_end")),
		named("unknown sales channel", invalid(validationCase{apiScenario{Method: "POST", URL: salesURL, Token: student,
			Body: map[string]any{"period_start": "2025-08-01", "period_end": "2025-08-31", "sales_krw": 1, "channel": "kiosk"}}, "sales_records"}, "channel")),

		// Enumerations.
		named("unknown campaign kind", invalid(validationCase{apiScenario{Method: "POST", URL: campaignsURL, Token: student,
			Body: map[string]any{"kind": "tv_ad", "name": "TV", "starts_on": "2025-10-01"}}, "campaigns"}, "kind")),

		// Mass assignment: a field the request type does not have.
		func() validationCase {
			c := invalid(validationCase{apiScenario{Method: "PATCH", URL: submittedURL, Token: student,
				Body: map[string]any{"status": "approved", "version": w.MetricSubmitted.Version}}, "metric_entries"}, "status")
			c.Name = "student PATCHes status approved"
			c.NotExpectedContent = []string{`"status":"approved"`}
			c.AfterFunc = unchanged(submittedURL, `"status":"submitted"`, `"version":`+itoa(uint64(w.MetricSubmitted.Version))+`,`)
			return c
		}(),
		func() validationCase {
			c := invalid(validationCase{apiScenario{Method: "PATCH", URL: draftURL, Token: student,
				Body: map[string]any{"spend_krw": 5, "reviewed_by": w.Prof.ID, "version": w.MetricDraft.Version}}, "metric_entries"}, "reviewed_by")
			c.Name = "student PATCHes reviewed_by with a valid change beside it"
			c.AfterFunc = unchanged(draftURL, `"spend_krw":10000,`, `"reviewed_by":null`)
			return c
		}(),
		named("student sends a campaign_id in an entry", invalid(metric(`{"date":"2025-10-05","campaign_id":999}`), "campaign_id")),

		// Size.
		{apiScenario{Name: "body over 1 MiB", Method: "POST", URL: metricsURL, Token: student,
			Body:           `{"date":"2025-10-05","pad":"` + strings.Repeat("가", 400*1024) + `"}`,
			ExpectedStatus: http.StatusRequestEntityTooLarge, ExpectedCode: "too_large"}, "metric_entries"},
		{apiScenario{Name: "body over 1 MiB without Content-Length", Method: "POST", URL: metricsURL, Token: student,
			Body:           &chunked{`{"date":"2025-10-05","pad":"` + strings.Repeat("a", 1<<20+16) + `"}`},
			ExpectedStatus: http.StatusRequestEntityTooLarge, ExpectedCode: "too_large"}, "metric_entries"},

		// Versions.
		{apiScenario{Name: "stale version on PATCH /metrics/{id}", Method: "PATCH", URL: draftURL, Token: student,
			Body:           map[string]any{"spend_krw": 1, "version": w.MetricDraft.Version + 5},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "version_conflict",
			AfterFunc: unchanged(draftURL, `"spend_krw":10000,`, `"version":`+itoa(uint64(w.MetricDraft.Version))+`,`)}, "metric_entries"},
		{apiScenario{Name: "stale version on PATCH /sales/{id}", Method: "PATCH", URL: salesDraftURL, Token: student,
			Body:           map[string]any{"sales_krw": 1, "version": w.SalesDraft.Version + 1},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "version_conflict",
			AfterFunc: unchanged(salesDraftURL, `"sales_krw":3000000,`, `"version":`+itoa(uint64(w.SalesDraft.Version))+`,`)}, "sales_records"},
		{apiScenario{Name: "stale version on approve", Method: "POST", URL: submittedURL + "/approve", Token: prof,
			Body:           map[string]any{"version": w.MetricSubmitted.Version - 1},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "version_conflict",
			AfterFunc: unchanged(submittedURL, `"status":"submitted"`)}, "metric_entries"},
		func() validationCase {
			c := invalid(validationCase{apiScenario{Method: "PATCH", URL: draftURL, Token: student, Body: map[string]any{"spend_krw": 1}}, "metric_entries"}, "version")
			c.Name = "missing version on PATCH /metrics/{id}"
			c.AfterFunc = unchanged(draftURL, `"spend_krw":10000,`)
			return c
		}(),
		func() validationCase {
			c := invalid(validationCase{apiScenario{Method: "PATCH", URL: salesDraftURL, Token: student, Body: map[string]any{"sales_krw": 1}}, "sales_records"}, "version")
			c.Name = "missing version on PATCH /sales/{id}"
			return c
		}(),

		{apiScenario{Name: "stale version on POST upsert of an existing date", Method: "POST", URL: metricsURL, Token: student,
			Body:           map[string]any{"date": w.MetricDraft.Date.String(), "spend_krw": 1, "version": w.MetricDraft.Version + 3},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "version_conflict",
			AfterFunc: unchanged(draftURL, `"spend_krw":10000,`)}, "metric_entries"},
		named("version as a string", invalid(validationCase{apiScenario{Method: "PATCH", URL: draftURL, Token: student,
			Body: `{"spend_krw":1,"version":"1"}`}, "metric_entries"}, "version")),
		{apiScenario{Name: "PATCH an entry onto another entry's date", Method: "PATCH", URL: draftURL, Token: student,
			Body:           map[string]any{"date": w.MetricSubmitted.Date.String(), "version": w.MetricDraft.Version},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "duplicate",
			AfterFunc: unchanged(draftURL, `"date":"`+w.MetricDraft.Date.String()+`"`)}, "metric_entries"},
		{apiScenario{Name: "PATCH a sales record to overlap another", Method: "PATCH", URL: salesDraftURL, Token: student,
			Body:           map[string]any{"period_end": "2025-10-05", "version": w.SalesDraft.Version},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "duplicate",
			AfterFunc: unchanged(salesDraftURL, `"period_end":"2025-09-30"`)}, "sales_records"},
		named("campaign ending before it starts", invalid(validationCase{apiScenario{Method: "POST", URL: campaignsURL, Token: student,
			Body: map[string]any{"kind": "search_ad", "name": "거꾸로", "starts_on": "2025-10-10", "ends_on": "2025-10-01"}}, "campaigns"}, "ends_on")),
		named("budget_krw as a fraction", invalid(validationCase{apiScenario{Method: "POST", URL: campaignsURL, Token: student,
			Body: `{"kind":"search_ad","name":"소수 예산","starts_on":"2025-10-01","budget_krw":1.5}`}, "campaigns"}, "budget_krw")),
		named("unknown role", invalid(validationCase{apiScenario{Method: "POST", URL: "/api/v1/users", Token: admin,
			Body: map[string]any{"email": "new@test.nalgae", "name": "새 사용자", "role": "superuser", "password": "long-enough-pw"}}, "users"}, "role")),
		named("return note with a NUL character", invalid(validationCase{apiScenario{Method: "POST", URL: submittedURL + "/return", Token: prof,
			Body: `{"note":"bad\u0000note"}`}, "metric_entries"}, "note")),
		named("non-numeric audit entity_id", invalid(validationCase{apiScenario{Method: "GET", URL: "/api/v1/audit?entity=metric&entity_id=abc", Token: prof}, ""}, "entity_id")),

		// Lists.
		named("limit=0", invalid(validationCase{apiScenario{Method: "GET", URL: metricsURL + "?limit=0", Token: student}, ""}, "limit")),
		named("limit=abc", invalid(validationCase{apiScenario{Method: "GET", URL: metricsURL + "?limit=abc", Token: student}, ""}, "limit")),
		named("limit=-1", invalid(validationCase{apiScenario{Method: "GET", URL: "/api/v1/teams?limit=-1", Token: student}, ""}, "limit")),
		named("garbage cursor", invalid(validationCase{apiScenario{Method: "GET", URL: metricsURL + "?cursor=garbage!!", Token: student}, ""}, "cursor")),
		named("base64 cursor of something else", invalid(validationCase{apiScenario{Method: "GET", URL: "/api/v1/teams?cursor=eHl6", Token: student}, ""}, "cursor")),
		named("impossible from date", invalid(validationCase{apiScenario{Method: "GET", URL: metricsURL + "?from=2025-02-30", Token: student}, ""}, "from")),
		named("unknown status filter", invalid(validationCase{apiScenario{Method: "GET", URL: metricsURL + "?statuses=approved,bogus", Token: student}, ""}, "statuses")),
		{apiScenario{Name: "limit=100000 is clamped to 500", Method: "GET", URL: metricsURL + "?limit=100000", Token: student,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"items":[`},
			BeforeFunc: func(t testing.TB, env *testEnv) {
				t.Helper()
				rows := make([]models.MetricEntry, 510)
				start := civil.MustParse("2023-01-01")
				for i := range rows {
					rows[i] = models.MetricEntry{CampaignID: w.CampaignA1.ID, Date: start.AddDays(i), Status: models.StatusDraft, Source: "manual", Version: 1}
				}
				if err := env.db.CreateInBatches(rows, 100).Error; err != nil {
					t.Fatal(err)
				}
			},
			AfterFunc: func(t testing.TB, env *testEnv, rec *httptest.ResponseRecorder) {
				t.Helper()
				page := decode[struct {
					Items      []map[string]any `json:"items"`
					NextCursor string           `json:"next_cursor"`
				}](t, rec)
				if len(page.Items) != models.MaxLimit || page.NextCursor == "" {
					t.Errorf("%d items, next_cursor %q; want %d and a cursor", len(page.Items), page.NextCursor, models.MaxLimit)
				}
			}}, ""},

		// Routes.
		{apiScenario{Name: "non-numeric path id", Method: "GET", URL: "/api/v1/teams/abc", Token: student,
			ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}, ""},
		{apiScenario{Name: "zero path id", Method: "PATCH", URL: "/api/v1/metrics/0", Token: student, Body: map[string]any{"version": 1},
			ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}, "metric_entries"},
		{apiScenario{Name: "path id beyond uint64", Method: "GET", URL: "/api/v1/metrics/99999999999999999999999", Token: student,
			ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}, ""},
		{apiScenario{Name: "unknown API route is a JSON 404", Method: "GET", URL: "/api/v1/nope", Token: student,
			ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found", NotExpectedContent: []string{"<html", "<!doctype", "<!DOCTYPE"}}, ""},
		{apiScenario{Name: "unknown API route without a token is a JSON 404", Method: "POST", URL: "/api/v1/nope/deeper", Body: `{}`,
			ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found", NotExpectedContent: []string{"<html", "<!doctype", "<!DOCTYPE"}}, ""},
		{apiScenario{Name: "wrong method on /me", Method: "PUT", URL: "/api/v1/me", Token: student, Body: `{}`,
			ExpectedStatus: http.StatusMethodNotAllowed, ExpectedCode: "method_not_allowed", NotExpectedContent: []string{"<html"}}, "users"},
		{apiScenario{Name: "wrong method on /auth/login", Method: "GET", URL: "/api/v1/auth/login",
			ExpectedStatus: http.StatusMethodNotAllowed, ExpectedCode: "method_not_allowed", NotExpectedContent: []string{"<html"}}, ""},
		{apiScenario{Name: "wrong method on /metrics/{id}", Method: "PUT", URL: draftURL, Token: student, Body: map[string]any{"version": 1},
			ExpectedStatus: http.StatusMethodNotAllowed, ExpectedCode: "method_not_allowed"}, "metric_entries"},

		// Conflicts.
		{apiScenario{Name: "duplicate user email differing in case", Method: "POST", URL: "/api/v1/users", Token: admin,
			Body:           map[string]any{"email": "STUDENT@Test.Nalgae", "name": "동명이인", "role": "student", "password": "another-password-1"},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "duplicate", NotExpectedContent: secretLeaks}, "users"},
		{apiScenario{Name: "changing a user's email to another's in other case", Method: "PATCH", URL: "/api/v1/users/" + itoa(w.OtherStudent.ID), Token: admin,
			Body:           map[string]any{"email": "Student@test.nalgae"},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "duplicate",
			AfterFunc: unchanged("/api/v1/users/"+itoa(w.OtherStudent.ID), `"email":"other-student@test.nalgae"`)}, "users"},
		{apiScenario{Name: "overlapping sales record", Method: "POST", URL: salesURL, Token: student,
			Body:           map[string]any{"period_start": "2025-09-15", "period_end": "2025-09-20", "channel": "online", "sales_krw": 1},
			ExpectedStatus: http.StatusConflict, ExpectedCode: "duplicate"}, "sales_records"},

		// Cross-field rules.
		named("clicks > impressions", invalid(metric(`{"date":"2025-10-05","impressions":10,"clicks":20}`), "clicks")),
		named("clicks > impressions by PATCH", invalid(validationCase{apiScenario{Method: "PATCH", URL: draftURL, Token: student,
			Body: map[string]any{"clicks": 5000, "version": w.MetricDraft.Version}}, "metric_entries"}, "clicks")),
		named("viewers on a search_ad campaign", invalid(metric(`{"date":"2025-10-05","viewers":100}`), "viewers")),
		named("duration_min on a search_ad campaign", invalid(metric(`{"date":"2025-10-05","duration_min":60}`), "duration_min")),
		named("peak_viewers > viewers on live commerce", invalid(validationCase{apiScenario{Method: "POST", URL: liveMetricsURL, Token: student,
			Body: `{"date":"2025-10-05","viewers":100,"peak_viewers":200}`}, "metric_entries"}, "peak_viewers")),
		named("return without a note", invalid(validationCase{apiScenario{Method: "POST", URL: submittedURL + "/return", Token: prof,
			Body: `{}`}, "metric_entries"}, "note")),
	}

	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			env := newEnvOn(t, clone(t))
			if c.BeforeFunc != nil { // rows a case seeds are not the case's writes
				c.BeforeFunc(t, env)
				c.BeforeFunc = nil
			}
			var rowsBefore int64
			if c.Table != "" {
				rowsBefore = countRows(t, env, c.Table)
			}
			auditBefore := countRows(t, env, "audit_events")
			c.test(t, env)
			if c.Table != "" {
				if n := countRows(t, env, c.Table); n != rowsBefore {
					t.Errorf("%s: %d rows, was %d: a refused request wrote", c.Table, n, rowsBefore)
				}
			}
			if n := countRows(t, env, "audit_events"); n != auditBefore && c.ExpectedStatus >= 400 {
				t.Errorf("audit_events: %d rows, was %d: a refused request left an audit event", n, auditBefore)
			}
			if c.Table == "metric_entries" || c.Table == "sales_records" {
				// Nothing changed in place either: no row moved past its version.
				if n := countRows(t, env, c.Table, "version > 2"); n != 0 {
					t.Errorf("%s: %d rows with version > 2 after a refused request", c.Table, n)
				}
			}
		})
	}
}

// chunked is a body of unknown length (no Content-Length), so that only the
// reader's limit can refuse it.
type chunked struct{ s string }

func (c *chunked) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p, c.s)
	c.s = c.s[n:]
	return n, nil
}
