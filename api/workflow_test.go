package api

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// workflowStep is one request of a story told in order on one database:
// scenarios whose URLs may name ids saved by earlier steps ({metric}), and
// the audit event each write must leave behind.
type workflowStep struct {
	apiScenario
	As *models.User
	// Audit is the action of the one AuditEvent the step must append, by As,
	// about the entity Entity whose id the answer carries; "" means the step
	// must append none.
	Audit  string
	Entity string
	// Save keeps the answer's id for later steps' {Save} placeholders.
	Save string
	// Check looks into the decoded answer.
	Check func(t testing.TB, env *testEnv, got map[string]any)
}

// runWorkflow runs the steps in order, stopping at the first failure since
// later steps build on earlier ones.
func runWorkflow(t *testing.T, env *testEnv, steps []workflowStep) {
	t.Helper()
	ids := map[string]string{}
	for _, st := range steps {
		ok := t.Run(st.Name, func(t *testing.T) {
			sc := st.apiScenario
			pairs := make([]string, 0, 2*len(ids))
			for k, v := range ids {
				pairs = append(pairs, "{"+k+"}", v)
			}
			fill := strings.NewReplacer(pairs...)
			sc.URL = fill.Replace(sc.URL)
			sc.ExpectedContent = append([]string(nil), sc.ExpectedContent...)
			for i, c := range sc.ExpectedContent {
				sc.ExpectedContent[i] = fill.Replace(c)
			}
			if st.As != nil {
				sc.Token = bearerFor(t, st.As)
			}
			var lastAudit uint64
			env.db.Model(&models.AuditEvent{}).Select("COALESCE(MAX(id), 0)").Scan(&lastAudit)
			rec := sc.test(t, env)

			var got map[string]any
			if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				_ = json.Unmarshal(rec.Body.Bytes(), &got)
			}
			if st.Save != "" {
				id, _ := got["id"].(float64)
				if id == 0 {
					t.Fatalf("no id to save as {%s}: %s", st.Save, rec.Body.String())
				}
				ids[st.Save] = itoa(uint64(id))
			}
			var events []models.AuditEvent
			if err := env.db.Where("id > ?", lastAudit).Order("id").Find(&events).Error; err != nil {
				t.Fatal(err)
			}
			checkStepAudit(t, st, got, events)
			if st.Check != nil && !t.Failed() {
				st.Check(t, env, got)
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

func checkStepAudit(t testing.TB, st workflowStep, got map[string]any, events []models.AuditEvent) {
	t.Helper()
	if st.Audit == "" {
		if len(events) != 0 {
			t.Errorf("the step left %d audit events (first: %s %s), want none", len(events), events[0].Action, events[0].Entity)
		}
		return
	}
	if len(events) != 1 {
		t.Fatalf("the step left %d audit events, want one %q", len(events), st.Audit)
	}
	ev := events[0]
	if ev.Action != st.Audit || ev.Entity != st.Entity {
		t.Errorf("audit event %s/%s, want %s/%s", ev.Action, ev.Entity, st.Audit, st.Entity)
	}
	if deref(ev.UserID) != st.As.ID {
		t.Errorf("audit user_id %d, want %d (%s)", deref(ev.UserID), st.As.ID, st.As.Email)
	}
	if id, _ := got["id"].(float64); deref(ev.EntityID) != uint64(id) {
		t.Errorf("audit entity_id %d, want %v", deref(ev.EntityID), got["id"])
	}
	if ev.After == "" {
		t.Errorf("audit event without an after image")
	}
}

// number reads a JSON number at a dotted path of a decoded answer.
func number(t testing.TB, got map[string]any, path string) float64 {
	t.Helper()
	var cur any = got
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %v is not an object", path, cur)
		}
		cur = m[key]
	}
	n, ok := cur.(float64)
	if !ok {
		t.Fatalf("%s is %v, not a number", path, cur)
	}
	return n
}

// expectKPIs checks counted_statuses and a spend total of a KPI answer.
func expectKPIs(totalKey string, statuses []string, spend float64) func(testing.TB, *testEnv, map[string]any) {
	return func(t testing.TB, _ *testEnv, got map[string]any) {
		t.Helper()
		var counted []string
		for _, s := range got["counted_statuses"].([]any) {
			counted = append(counted, s.(string))
		}
		if !reflect.DeepEqual(counted, statuses) {
			t.Errorf("counted_statuses %v, want %v", counted, statuses)
		}
		if n := number(t, got, totalKey+".spend_krw"); n != spend {
			t.Errorf("%s.spend_krw %v, want %v", totalKey, n, spend)
		}
	}
}

func expectField(key string, want any) func(testing.TB, *testEnv, map[string]any) {
	return func(t testing.TB, _ *testEnv, got map[string]any) {
		t.Helper()
		if w, ok := want.(uint64); ok {
			want = float64(w)
		}
		if !reflect.DeepEqual(got[key], want) {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}

func testWorkflowMetricReview(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	S, P := w.Student, w.Prof
	metrics := "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/metrics"
	report := "/api/v1/programs/" + itoa(w.ProgramA.ID) + "/report"
	teamKPIs := "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/kpis"
	// The world's own entries of CampaignA1 (a draft and a submitted one).
	worldSpend := float64(w.MetricDraft.SpendKRW + w.MetricSubmitted.SpendKRW)
	all := []string{"draft", "submitted", "approved", "returned"}
	approved := []string{"approved"}
	step := func(name string, as *models.User, method, url string, body any, status int, content ...string) workflowStep {
		return workflowStep{apiScenario: apiScenario{Name: name, Method: method, URL: url, Body: body, ExpectedStatus: status, ExpectedContent: content}, As: as}
	}
	write := func(st workflowStep, action string) workflowStep {
		st.Audit, st.Entity = action, "metric"
		return st
	}
	refused := func(st workflowStep, code string, fields ...string) workflowStep {
		st.ExpectedCode, st.ExpectedFields = code, fields
		return st
	}
	oneRowForTheDay := func(t testing.TB, env *testEnv, got map[string]any) {
		t.Helper()
		if n := countRows(t, env, "metric_entries", "campaign_id = ? AND date = ?", w.CampaignA1.ID, "2025-10-05"); n != 1 {
			t.Errorf("%d entries for 2025-10-05, want 1 (upsert)", n)
		}
	}

	steps := []workflowStep{
		func() workflowStep {
			st := write(step("student posts a day's results", S, "POST", metrics,
				map[string]any{"date": "2025-10-05", "spend_krw": 15000, "impressions": 2000, "clicks": 80, "conversions": 4, "revenue_krw": 60000},
				201, `"status":"draft"`, `"source":"manual"`, `"version":1,`, `"date":"2025-10-05"`, `"spend_krw":15000,`), "create")
			st.Save = "metric"
			return st
		}(),
		func() workflowStep {
			st := write(step("student posts the same date again: upsert", S, "POST", metrics,
				map[string]any{"date": "2025-10-05", "spend_krw": 16000},
				200, `"id":{metric},`, `"spend_krw":16000,`, `"clicks":80,`, `"status":"draft"`, `"version":2,`), "update")
			st.Check = oneRowForTheDay
			return st
		}(),
		write(step("student submits", S, "POST", "/api/v1/metrics/{metric}/submit", map[string]any{"version": 2},
			200, `"status":"submitted"`, `"version":3,`), "submit"),
		func() workflowStep {
			st := step("report before approval counts nothing", P, "GET", report, nil, 200)
			st.Check = expectKPIs("totals", approved, 0)
			return st
		}(),
		write(step("student edits the submitted entry: back to draft", S, "PATCH", "/api/v1/metrics/{metric}",
			map[string]any{"version": 3, "clicks": 90}, 200, `"status":"draft"`, `"clicks":90,`, `"version":4,`), "update"),
		write(step("student resubmits", S, "POST", "/api/v1/metrics/{metric}/submit", map[string]any{"version": 4},
			200, `"status":"submitted"`, `"version":5,`), "submit"),
		refused(step("professor returns without a note", P, "POST", "/api/v1/metrics/{metric}/return", map[string]any{}, 422),
			"validation_failed", "note"),
		refused(step("professor returns with a blank note", P, "POST", "/api/v1/metrics/{metric}/return", map[string]any{"note": "  "}, 422),
			"validation_failed", "note"),
		refused(step("student cannot return", S, "POST", "/api/v1/metrics/{metric}/return", map[string]any{"note": "제가 반려"}, 403),
			"forbidden"),
		func() workflowStep {
			st := write(step("professor returns with a note", P, "POST", "/api/v1/metrics/{metric}/return",
				map[string]any{"note": "전환수 근거 자료를 첨부해 주세요"}, 200,
				`"status":"returned"`, `"review_note":"전환수 근거 자료를 첨부해 주세요"`, `"version":6,`), "return")
			st.Check = expectField("reviewed_by", P.ID)
			return st
		}(),
		write(step("student edits the returned entry", S, "PATCH", "/api/v1/metrics/{metric}",
			map[string]any{"version": 6, "conversions": 5}, 200, `"status":"draft"`, `"conversions":5,`, `"version":7,`), "update"),
		write(step("student resubmits again", S, "POST", "/api/v1/metrics/{metric}/submit", map[string]any{},
			200, `"status":"submitted"`, `"version":8,`), "submit"),
		refused(step("student cannot approve", S, "POST", "/api/v1/metrics/{metric}/approve", map[string]any{}, 403), "forbidden"),
		refused(step("the other program's professor cannot see it", w.OtherProf, "POST", "/api/v1/metrics/{metric}/approve", map[string]any{}, 404), "not_found"),
		func() workflowStep {
			st := write(step("professor approves", P, "POST", "/api/v1/metrics/{metric}/approve", map[string]any{"version": 8},
				200, `"status":"approved"`, `"version":9,`), "approve")
			st.Check = expectField("reviewed_by", P.ID)
			return st
		}(),
		func() workflowStep {
			st := step("report after approval counts the entry", P, "GET", report, nil, 200)
			st.Check = expectKPIs("totals", approved, 16000)
			return st
		}(),
		func() workflowStep {
			st := step("team KPIs count every status by default", S, "GET", teamKPIs, nil, 200)
			st.Check = expectKPIs("total", all, worldSpend+16000)
			return st
		}(),
		func() workflowStep {
			st := step("team KPIs with statuses=approved", S, "GET", teamKPIs+"?statuses=approved", nil, 200)
			st.Check = expectKPIs("total", approved, 16000)
			return st
		}(),
		refused(step("student cannot PATCH the approved entry", S, "PATCH", "/api/v1/metrics/{metric}",
			map[string]any{"version": 9, "spend_krw": 1}, 403), "forbidden"),
		refused(step("student cannot change it by posting its date", S, "POST", metrics,
			map[string]any{"date": "2025-10-05", "spend_krw": 1}, 403), "forbidden"),
		refused(step("student cannot DELETE the approved entry", S, "DELETE", "/api/v1/metrics/{metric}", nil, 403), "forbidden"),
		func() workflowStep {
			st := step("the refused edits changed nothing", S, "GET", "/api/v1/metrics/{metric}", nil, 200,
				`"status":"approved"`, `"spend_krw":16000,`, `"version":9,`)
			return st
		}(),
		write(step("professor can still PATCH it: stays approved", P, "PATCH", "/api/v1/metrics/{metric}",
			map[string]any{"version": 9, "spend_krw": 17000}, 200, `"status":"approved"`, `"spend_krw":17000,`, `"version":10,`), "update"),
		func() workflowStep {
			st := step("report follows the professor's change", P, "GET", report, nil, 200)
			st.Check = expectKPIs("totals", approved, 17000)
			return st
		}(),
		refused(step("approve of a draft", P, "POST", "/api/v1/metrics/"+itoa(w.MetricDraft.ID)+"/approve", map[string]any{}, 409), "invalid_state"),
		refused(step("submit of an approved entry", S, "POST", "/api/v1/metrics/{metric}/submit", map[string]any{}, 409), "invalid_state"),
		func() workflowStep {
			st := step("professor reads the entry's audit trail", P, "GET", "/api/v1/audit?entity=metric&entity_id={metric}", nil, 200)
			st.NotExpectedContent = secretLeaks
			st.Check = func(t testing.TB, _ *testEnv, got map[string]any) {
				t.Helper()
				var actions []string
				for _, it := range got["items"].([]any) {
					ev := it.(map[string]any)
					actions = append(actions, ev["action"].(string))
					if ev["entity"] != "metric" {
						t.Errorf("audit item of entity %v", ev["entity"])
					}
				}
				want := []string{"update", "approve", "submit", "update", "return", "submit", "update", "submit", "update", "create"}
				if !reflect.DeepEqual(actions, want) {
					t.Errorf("audit actions (newest first) %v, want %v", actions, want)
				}
			}
			return st
		}(),
		refused(step("student may not read the audit log", S, "GET", "/api/v1/audit?entity=metric&entity_id={metric}", nil, 403), "forbidden"),
	}
	runWorkflow(t, env, steps)
}

func testWorkflowSalesConfirmation(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	// A second merchant user, owner of team A2's store.
	ctx := context.Background()
	email, name, role, pw := "merchant2@test.nalgae", "아뮤즈 사장", models.RoleMerchant, modelstest.Password
	otherMerchant, err := env.store.CreateUser(ctx, modelstest.System, models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	owner := &otherMerchant.ID
	if _, err := env.store.UpdateMerchant(ctx, modelstest.System, w.MerchantA2.ID, models.MerchantInput{OwnerUserID: &owner}); err != nil {
		t.Fatal(err)
	}
	S, P, M := w.Student, w.Prof, w.Merchant
	step := func(name string, as *models.User, method, url string, body any, status int, content ...string) workflowStep {
		return workflowStep{apiScenario: apiScenario{Name: name, Method: method, URL: url, Body: body, ExpectedStatus: status, ExpectedContent: content}, As: as}
	}
	write := func(st workflowStep, action string) workflowStep {
		st.Audit, st.Entity = action, "sales"
		return st
	}
	refused := func(st workflowStep, code string) workflowStep {
		st.ExpectedCode = code
		return st
	}
	steps := []workflowStep{
		func() workflowStep {
			st := write(step("student records August's sales", S, "POST", "/api/v1/teams/"+itoa(w.TeamA1.ID)+"/sales",
				map[string]any{"period_start": "2025-08-01", "period_end": "2025-08-31", "channel": "all", "sales_krw": 2500000, "orders": 40},
				201, `"status":"draft"`, `"version":1,`, `"confirmed_by":null`, `"sales_krw":2500000,`), "create")
			st.Save = "sales"
			return st
		}(),
		refused(step("merchant cannot confirm a draft", M, "POST", "/api/v1/sales/{sales}/confirm", map[string]any{}, 409), "invalid_state"),
		write(step("student submits", S, "POST", "/api/v1/sales/{sales}/submit", map[string]any{"version": 1},
			200, `"status":"submitted"`, `"version":2,`), "submit"),
		refused(step("merchant of another store cannot see it", otherMerchant, "POST", "/api/v1/sales/{sales}/confirm", map[string]any{}, 404), "not_found"),
		refused(step("merchant of another store cannot read it", otherMerchant, "GET", "/api/v1/sales/{sales}", nil, 404), "not_found"),
		refused(step("student cannot confirm for the merchant", S, "POST", "/api/v1/sales/{sales}/confirm", map[string]any{}, 403), "forbidden"),
		func() workflowStep {
			st := write(step("merchant confirms", M, "POST", "/api/v1/sales/{sales}/confirm", map[string]any{"version": 2},
				200, `"status":"submitted"`, `"version":3,`), "confirm")
			st.Check = expectField("confirmed_by", M.ID)
			return st
		}(),
		refused(step("merchant cannot edit the figures", M, "PATCH", "/api/v1/sales/{sales}", map[string]any{"version": 3, "sales_krw": 9}, 403), "forbidden"),
		func() workflowStep {
			st := write(step("student edits after confirmation: confirmation cleared", S, "PATCH", "/api/v1/sales/{sales}",
				map[string]any{"version": 3, "sales_krw": 2600000}, 200, `"status":"draft"`, `"sales_krw":2600000,`, `"version":4,`), "update")
			st.Check = expectField("confirmed_by", nil)
			return st
		}(),
		write(step("student resubmits", S, "POST", "/api/v1/sales/{sales}/submit", map[string]any{"version": 4},
			200, `"status":"submitted"`, `"version":5,`), "submit"),
		func() workflowStep {
			st := write(step("professor approves", P, "POST", "/api/v1/sales/{sales}/approve", map[string]any{"version": 5},
				200, `"status":"approved"`, `"version":6,`), "approve")
			st.Check = expectField("reviewed_by", P.ID)
			return st
		}(),
		refused(step("student cannot PATCH the approved record", S, "PATCH", "/api/v1/sales/{sales}", map[string]any{"version": 6, "sales_krw": 1}, 403), "forbidden"),
		refused(step("student cannot DELETE the approved record", S, "DELETE", "/api/v1/sales/{sales}", nil, 403), "forbidden"),
		func() workflowStep {
			st := step("professor reads the record's audit trail", P, "GET", "/api/v1/audit?entity=sales&entity_id={sales}", nil, 200)
			st.Check = func(t testing.TB, _ *testEnv, got map[string]any) {
				t.Helper()
				var actions []string
				users := map[string]float64{}
				for _, it := range got["items"].([]any) {
					ev := it.(map[string]any)
					actions = append(actions, ev["action"].(string))
					users[ev["action"].(string)], _ = ev["user_id"].(float64)
				}
				want := []string{"approve", "submit", "update", "confirm", "submit", "create"}
				if !reflect.DeepEqual(actions, want) {
					t.Errorf("audit actions (newest first) %v, want %v", actions, want)
				}
				if users["confirm"] != float64(M.ID) || users["approve"] != float64(P.ID) || users["create"] != float64(S.ID) {
					t.Errorf("audit actors %v, want confirm by %d, approve by %d, create by %d", users, M.ID, P.ID, S.ID)
				}
			}
			return st
		}(),
		refused(step("merchant may not read the audit log", M, "GET", "/api/v1/audit?entity=sales&entity_id={sales}", nil, 403), "forbidden"),
	}
	runWorkflow(t, env, steps)
}

// testWorkflowSalesOrdersEditClearsConfirmation: the merchant confirmed the
// figures, the order count among them; changing it must ask them again.
func testWorkflowSalesOrdersEditClearsConfirmation(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	S, M := w.Student, w.Merchant
	steps := []workflowStep{
		{apiScenario: apiScenario{Name: "student records August's sales", Method: "POST", URL: "/api/v1/teams/" + itoa(w.TeamA1.ID) + "/sales",
			Body:           map[string]any{"period_start": "2025-08-01", "period_end": "2025-08-31", "sales_krw": 2500000, "orders": 40},
			ExpectedStatus: 201}, As: S, Audit: "create", Entity: "sales", Save: "sales"},
		{apiScenario: apiScenario{Name: "student submits", Method: "POST", URL: "/api/v1/sales/{sales}/submit", Body: map[string]any{},
			ExpectedStatus: 200}, As: S, Audit: "submit", Entity: "sales"},
		{apiScenario: apiScenario{Name: "merchant confirms", Method: "POST", URL: "/api/v1/sales/{sales}/confirm", Body: map[string]any{},
			ExpectedStatus: 200}, As: M, Audit: "confirm", Entity: "sales", Check: expectField("confirmed_by", M.ID)},
		{apiScenario: apiScenario{Name: "student changes only the order count", Method: "PATCH", URL: "/api/v1/sales/{sales}",
			Body: map[string]any{"orders": 400, "version": 3}, ExpectedStatus: 200, ExpectedContent: []string{`"orders":400,`}},
			As: S, Audit: "update", Entity: "sales", Check: expectField("confirmed_by", nil)},
	}
	runWorkflow(t, env, steps)
}

// TestWorkflow runs the review stories on clones of one world.
func TestWorkflow(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	for _, sub := range []struct {
		name string
		fn   func(*testing.T, *modelstest.World, func(testing.TB) *gorm.DB)
	}{
		{"MetricReview", testWorkflowMetricReview},
		{"SalesConfirmation", testWorkflowSalesConfirmation},
		{"SalesOrdersEditClearsConfirmation", testWorkflowSalesOrdersEditClearsConfirmation},
	} {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			sub.fn(t, w, clone)
		})
	}
}
