package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
)

// linkBody is a valid link of the stand-in's account; the customer id is a
// JSON number, which SPEC accepts too.
func linkBody(secret string) map[string]any {
	return map[string]any{"customer_id": 1234567, "api_key": fakeAPIKey, "secret_key": secret, "searchad_campaign_id": fakeCampaign}
}

type pullAnswer struct {
	models.ImportResult
}

// The "done when" of issue 16: a student links a campaign, previews a pull
// of 30 days, applies it, and the campaign's KPIs are the server's sums (an
// approved day kept as it was); pulling again changes nothing; a wrong
// secret leaves last_error and no rows. No answer, log line, audit event,
// user export or database byte shows the secret.
func TestSearchAdLinkAndPull(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(logger)

	db := modelstest.NewDB(t)
	env := newEnvOn(t, db)
	env.srv = New(Config{Store: env.store, Tokens: env.tokens, Version: "test", LoginPerMinute: 10000, Logger: logger})
	w := modelstest.BuildWorld(t, env.store)
	student, prof, admin := env.token(w.Student), env.token(w.Prof), env.token(w.Admin)
	var answers []string
	call := func(method, path string, body any, token string, want int) *httptest.ResponseRecorder {
		t.Helper()
		rec := env.do(method, path, body, token)
		expectStatus(t, rec, want)
		answers = append(answers, rec.Body.String())
		return rec
	}
	camp := BasePath + "/campaigns/" + itoa(w.CampaignA1.ID)

	// The professor approves the submitted entry of 2025-10-02: a pull must keep it.
	approved := decode[models.MetricEntry](t, call("POST", BasePath+"/metrics/"+itoa(w.MetricSubmitted.ID)+"/approve", map[string]any{}, prof, 200))

	call("GET", camp+"/searchad-link", nil, student, 404)
	call("POST", camp+"/searchad-pull", map[string]any{"from": "2025-10-01", "to": "2025-10-30", "dry_run": true}, student, 409)
	link := decode[models.SearchAdLink](t, call("PUT", camp+"/searchad-link", linkBody(fakeSecret), student, 200))
	if link.CustomerID != fakeCustomer || link.APIKeyLast4 != fakeAPIKey[len(fakeAPIKey)-4:] || link.LastPulledAt != nil {
		t.Fatalf("link answer %+v", link)
	}
	got := decode[models.SearchAdLink](t, call("GET", camp+"/searchad-link", nil, env.token(w.Merchant), 200))
	if got.SearchAdCampaignID != fakeCampaign {
		t.Fatalf("GET link %+v", got)
	}

	// Preview of 30 days: nothing written.
	before := countEntries(t, env, w.CampaignA1.ID)
	body := map[string]any{"from": "2025-10-01", "to": "2025-10-30", "dry_run": true}
	prev := decode[pullAnswer](t, call("POST", camp+"/searchad-pull", body, student, 200))
	days := fakeDays()
	// The world has entries on 10-01 (draft) and 10-02 (approved).
	if !prev.DryRun || prev.Format != "searchad_api" || prev.RowsRead != len(days) || prev.Days != len(days) ||
		prev.Created != len(days)-2 || prev.Updated != 1 || prev.Unchanged != 1 || len(prev.Errors) != 0 || len(prev.Warnings) != 1 {
		t.Fatalf("preview %+v", prev)
	}
	if !strings.Contains(prev.Warnings[0].Message, "2025-10-02") || prev.Warnings[0].Column != "dateStart" {
		t.Fatalf("approved-day warning %+v", prev.Warnings[0])
	}
	if n := countEntries(t, env, w.CampaignA1.ID); n != before {
		t.Fatalf("a preview wrote entries: %d, was %d", n, before)
	}

	body["dry_run"] = false
	applied := decode[pullAnswer](t, call("POST", camp+"/searchad-pull", body, student, 200))
	if applied.DryRun || applied.Created != len(days)-2 || applied.Updated != 1 || applied.Unchanged != 1 {
		t.Fatalf("apply %+v", applied)
	}
	// KPIs: the stand-in's sums, with 10-02 as approved, summed here independently.
	var want struct{ spend, revenue, imp, clk, conv int64 }
	for _, d := range days {
		if d.Date == approved.Date {
			want.spend += approved.SpendKRW
			want.revenue += approved.RevenueKRW
			want.imp += approved.Impressions
			want.clk += approved.Clicks
			want.conv += approved.Conversions
			continue
		}
		want.spend += d.SpendKRW
		want.revenue += d.RevenueKRW
		want.imp += d.Impressions
		want.clk += d.Clicks
		want.conv += d.Conversions
	}
	k := decode[models.CampaignKPIs](t, call("GET", camp+"/kpis", nil, student, 200))
	if k.Total.SpendKRW != want.spend || k.Total.RevenueKRW != want.revenue || k.Total.Impressions != want.imp ||
		k.Total.Clicks != want.clk || k.Total.Conversions != want.conv {
		t.Fatalf("KPIs %+v, want %+v", k.Total, want)
	}
	// Pulled entries are drafts from searchad-api; the approved day is as it was.
	var entries []models.MetricEntry
	if err := db.Where("campaign_id = ?", w.CampaignA1.ID).Order("date").Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch {
		case e.ID == approved.ID:
			if e.Status != models.StatusApproved || e.Version != approved.Version || e.Source == models.SourceSearchAdAPI {
				t.Errorf("the approved entry changed: %+v", e)
			}
		case e.Status != models.StatusDraft || e.Source != models.SourceSearchAdAPI:
			t.Errorf("pulled entry %s: status %s, source %q", e.Date, e.Status, e.Source)
		}
	}
	got = decode[models.SearchAdLink](t, call("GET", camp+"/searchad-link", nil, student, 200))
	if got.LastPulledAt == nil || got.LastError != "" {
		t.Fatalf("after a pull: %+v", got)
	}

	// Again: nothing changes, and no audit event is added.
	auditBefore := countAudit(t, env)
	again := decode[pullAnswer](t, call("POST", camp+"/searchad-pull", body, student, 200))
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != len(days) || countAudit(t, env) != auditBefore {
		t.Fatalf("a second pull %+v (audit %d → %d)", again, auditBefore, countAudit(t, env))
	}

	// Validation and access.
	bad := decode[ErrorBody](t, call("POST", camp+"/searchad-pull", map[string]any{"from": "2025-10-05", "to": "2025-10-01"}, student, 422))
	if bad.Error.Fields["to"] == "" || bad.Error.Fields["dry_run"] == "" {
		t.Fatalf("validation %+v", bad)
	}
	call("POST", camp+"/searchad-pull", body, env.token(w.Merchant), 403)
	call("POST", camp+"/searchad-pull", body, env.token(w.OtherStudent), 404)
	call("PUT", camp+"/searchad-link", linkBody(fakeSecret), env.token(w.City), 403)
	call("GET", camp+"/searchad-link", nil, env.token(w.OtherProf), 404)
	badLink := decode[ErrorBody](t, call("PUT", camp+"/searchad-link", map[string]any{"customer_id": "12a", "searchad_campaign_id": "x y"}, student, 422))
	if badLink.Error.Fields["customer_id"] == "" || badLink.Error.Fields["searchad_campaign_id"] == "" {
		t.Fatalf("link validation %+v", badLink)
	}
	call("PUT", BasePath+"/campaigns/"+itoa(w.LiveA1.ID)+"/searchad-link", linkBody(fakeSecret), student, 409)

	// A wrong secret: 502 searchad_refused, last_error, no rows.
	call("PUT", camp+"/searchad-link", map[string]any{"secret_key": "not-" + fakeSecret, "version": got.Version}, student, 200)
	n := countEntries(t, env, w.CampaignA1.ID)
	refused := decode[ErrorBody](t, call("POST", camp+"/searchad-pull", map[string]any{"from": "2025-09-01", "to": "2025-10-30", "dry_run": false}, student, 502))
	if refused.Error.Code != "searchad_refused" {
		t.Fatalf("wrong secret: %+v", refused)
	}
	if m := countEntries(t, env, w.CampaignA1.ID); m != n {
		t.Fatalf("a refused pull wrote entries: %d, was %d", m, n)
	}
	got = decode[models.SearchAdLink](t, call("GET", camp+"/searchad-link", nil, student, 200))
	if !strings.Contains(got.LastError, "401") {
		t.Fatalf("last_error after a refusal: %q", got.LastError)
	}

	// The secret, nowhere.
	answers = append(answers, call("GET", BasePath+"/audit?limit=500", nil, admin, 200).Body.String(),
		call("GET", BasePath+"/users/"+itoa(w.Student.ID)+"/export", nil, admin, 200).Body.String(),
		call("GET", "/metrics", nil, "", 200).Body.String())
	for _, a := range answers {
		assertNoSecret(t, "an answer", a)
	}
	if !strings.Contains(answers[len(answers)-1], `nalgae_searchad_pulls_total{outcome="refused",trigger="manual"} 1`) {
		t.Errorf("/metrics lacks the refused pull")
	}
	assertNoSecret(t, "the log", logs.String())
	if database.DialectOf(db) == database.SQLite {
		path := modelsDatabasePath(t, db)
		for _, suffix := range []string{"", "-wal"} {
			raw, err := os.ReadFile(path + suffix)
			if err != nil && suffix == "" {
				t.Fatal(err)
			}
			assertNoSecret(t, "the database file "+suffix, string(raw))
		}
	}
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range []string{fakeSecret, "not-" + fakeSecret, fakeAPIKey} {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows a SearchAd key", where)
		}
	}
}

// modelsDatabasePath is the SQLite file behind db.
func modelsDatabasePath(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var rows []struct {
		Name string
		File string
	}
	if err := db.Raw("PRAGMA database_list").Scan(&rows).Error; err != nil || len(rows) == 0 || rows[0].File == "" {
		t.Fatalf("the database file: %v %+v", err, rows)
	}
	return rows[0].File
}

func countEntries(t *testing.T, env *testEnv, campaignID uint64) int64 {
	t.Helper()
	var n int64
	if err := env.db.Model(&models.MetricEntry{}).Where("campaign_id = ?", campaignID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func countAudit(t *testing.T, env *testEnv) int64 {
	t.Helper()
	var n int64
	if err := env.db.Model(&models.AuditEvent{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A 429 is retried: two 429s, then the days.
func TestSearchAdPullRetries429(t *testing.T) {
	fake := searchadfake.New(searchadfake.DemoAccount(fakeCustomer, fakeAPIKey, fakeSecret, fakeCampaign, civil.MustParse(fakeDaysFrom), 5))
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env := newEnv(t)
	client, _ := searchad.New(srv.URL, searchad.WithBackoff(time.Millisecond))
	env.store.SetSearchAd(client)
	w := modelstest.BuildWorld(t, env.store)
	camp := BasePath + "/campaigns/" + itoa(w.CampaignA1.ID)
	expectStatus(t, env.do("PUT", camp+"/searchad-link", linkBody(fakeSecret), env.token(w.Student)), 200)
	fake.Throttle(2)
	rec := env.do("POST", camp+"/searchad-pull", map[string]any{"from": "2025-10-01", "to": "2025-10-05", "dry_run": false}, env.token(w.Student))
	expectStatus(t, rec, http.StatusOK)
	if res := decode[pullAnswer](t, rec); res.Created+res.Updated+res.Unchanged != 5 {
		t.Fatalf("after two 429s: %+v", res)
	}
	if all, _ := fake.Requests(); all != 3 {
		t.Fatalf("the stand-in saw %d requests, want 3", all)
	}
}
