package api

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Bad targets and comparison teams answer 422 naming the field, and write
// nothing: neither the row nor an audit event.
func TestTargetsAndComparisonRefused(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	student, prof := env.token(w.Student), env.token(w.Prof)
	targets := "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/targets"

	// A comparison team, created by the professor.
	rec := env.do("POST", "/api/v1/programs/"+itoa(w.ProgramA.ID)+"/teams",
		map[string]any{"name": "비교군 상점", "merchant_id": w.MerchantB1.ID, "comparison": true}, prof)
	expectStatus(t, rec, http.StatusCreated)
	comp := decode[models.Team](t, rec)
	if !comp.Comparison {
		t.Fatalf("created team is not a comparison team: %s", rec.Body)
	}

	cases := []struct {
		name, method, url, token, table, field string
		body                                   any
	}{
		{"unknown KPI", "POST", targets, student, "targets", "kpi", map[string]any{"kpi": "happiness_pct", "target": 10}},
		{"kind on sales_growth_pct", "POST", targets, student, "targets", "kind", map[string]any{"kpi": "sales_growth_pct", "kind": "search_ad", "target": 50}},
		{"kind on sales_after_krw", "POST", targets, student, "targets", "kind", map[string]any{"kpi": "sales_after_krw", "kind": "live_commerce", "target": 5}},
		{"unknown kind", "POST", targets, student, "targets", "kind", map[string]any{"kpi": "roas_pct", "kind": "tv_ad", "target": 300}},
		{"no target value", "POST", targets, student, "targets", "target", map[string]any{"kpi": "roas_pct"}},
		{"target as a string", "POST", targets, student, "targets", "target", map[string]any{"kpi": "roas_pct", "target": "300"}},
		{"unknown direction", "POST", targets, student, "targets", "direction", map[string]any{"kpi": "cpa_krw", "target": 3000, "direction": "sideways"}},
		{"PATCH without version", "PATCH", "/api/v1/targets/" + itoa(w.Target.ID), student, "", "version", map[string]any{"target": 1}},
		{"PATCH a kind onto a sales KPI", "PATCH", "/api/v1/targets/" + itoa(w.Target.ID), student, "", "kind",
			map[string]any{"kpi": "sales_growth_pct", "version": w.Target.Version}},
		{"a member on a comparison team", "POST", "/api/v1/teams/" + itoa(comp.ID) + "/members", prof, "team_members", "user_id",
			map[string]any{"user_id": w.Student.ID}},
		{"a campaign on a comparison team", "POST", "/api/v1/teams/" + itoa(comp.ID) + "/campaigns", prof, "campaigns", "team_id",
			map[string]any{"kind": "search_ad", "name": "광고", "starts_on": "2025-10-01"}},
		{"a target on a comparison team", "POST", "/api/v1/teams/" + itoa(comp.ID) + "/targets", prof, "targets", "team_id",
			map[string]any{"kpi": "sales_growth_pct", "target": 10}},
		{"comparison changed after creation", "PATCH", "/api/v1/teams/" + itoa(w.TeamA1.ID), prof, "", "comparison",
			map[string]any{"comparison": true, "version": w.TeamA1.Version}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rows int64
			if c.table != "" {
				rows = countRows(t, env, c.table)
			}
			events := countRows(t, env, "audit_events")
			rec := env.do(c.method, c.url, c.body, c.token)
			expectStatus(t, rec, http.StatusUnprocessableEntity)
			var body struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Fields[c.field] == "" {
				t.Fatalf("answer %s, want fields.%s", rec.Body, c.field)
			}
			if c.table != "" && countRows(t, env, c.table) != rows {
				t.Fatalf("%s changed by a refused request", c.table)
			}
			if countRows(t, env, "audit_events") != events {
				t.Fatal("a refused request was audited")
			}
		})
	}
	// The stored target is as it was.
	got := decode[models.Target](t, env.do("GET", "/api/v1/targets/"+itoa(w.Target.ID), nil, student))
	if got.Version != w.Target.Version || got.KPI != models.TargetRoasPct || got.Target != 300 {
		t.Fatalf("target changed: %+v", got)
	}
	// Comparison teams stay out of the report.
	report := ktGet(t, env, prof, "/api/v1/programs/"+itoa(w.ProgramA.ID)+"/report")
	for _, r := range report["teams"].([]any) {
		row, _ := ktObject(r)
		if row["team_name"] == "비교군 상점" {
			t.Fatal("the report lists a comparison team")
		}
	}
}

// A kept team KPI answer is not served after a write it depends on: its own
// target, or a comparison team's sales (the difference-in-differences of
// every team of the program).
func TestKeptKPIsFollowTargetsAndComparisonSales(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	prof := env.token(w.Prof)
	kpis := "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/kpis?after_from=2025-10-01&after_to=2025-10-31"
	get := func() map[string]any { return ktGet(t, env, prof, kpis) }

	first := get()
	if n := len(first["targets"].([]any)); n != 1 {
		t.Fatalf("%d targets, want 1", n)
	}
	rec := env.do("POST", "/api/v1/teams/"+itoa(w.TeamA1.ID)+"/targets", map[string]any{"kpi": "sales_after_krw", "target": 5000000}, prof)
	expectStatus(t, rec, http.StatusCreated)
	if n := len(get()["targets"].([]any)); n != 2 {
		t.Fatalf("after a new target the answer has %d targets, want 2 (a stale kept answer)", n)
	}

	did := func(m map[string]any) any {
		methods, _ := ktObject(m["sales_growth_methods"])
		d, _ := ktObject(methods["difference_in_differences"])
		return d["value_pct"]
	}
	if v := did(get()); v != nil {
		t.Fatalf("difference_in_differences = %v without comparison teams, want null", v)
	}
	rec = env.do("POST", "/api/v1/programs/"+itoa(w.ProgramA.ID)+"/teams",
		map[string]any{"name": "비교군", "merchant_id": w.MerchantB1.ID, "comparison": true}, prof)
	expectStatus(t, rec, http.StatusCreated)
	comp := decode[models.Team](t, rec)
	for _, s := range []map[string]any{
		{"period_start": "2025-09-01", "period_end": "2025-09-30", "sales_krw": 1_000_000},
		{"period_start": "2025-10-01", "period_end": "2025-10-31", "sales_krw": 1_500_000},
	} {
		expectStatus(t, env.do("POST", "/api/v1/teams/"+itoa(comp.ID)+"/sales", s, prof), http.StatusCreated)
	}
	// Team A1: 3,000,000 before (September, draft) and 6,000,000 after
	// (October, submitted): +100%; the comparison grew +50%: +50%p.
	if v, _ := did(get()).(json.Number); v != "50" {
		t.Fatalf("difference_in_differences = %v after the comparison team's sales, want 50", did(get()))
	}
}
