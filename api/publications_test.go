package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// pubWorld is the test world with program A's results approved: team A1
// (이도공감, consents) with search ads and a live campaign, A2 (아뮤즈마켓,
// said no) with shopping and search ads, and a third team A3 without an
// answer with search ads — so that search_ad is made of 3 teams, shopping_ad
// of one non-consenting team and live_commerce of the consenting one.
type pubWorld struct {
	*modelstest.World
	env             *testEnv
	teamA3          *models.Team
	merchantA3      *models.Merchant
	approvedMetric  *models.MetricEntry // A1's search-ad entry of 2025-10-02
	approvedSales   *models.SalesRecord // A1's October sales
	adminT, profT   string
	merchantT, anyT string
}

func newPubWorld(t *testing.T) *pubWorld {
	t.Helper()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	ctx := context.Background()
	s, sys := env.store, modelstest.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pw := &pubWorld{World: w, env: env, adminT: env.token(w.Admin), profT: env.token(w.Prof), merchantT: env.token(w.Merchant)}
	name := "세번째상점"
	m3, err := s.CreateMerchant(ctx, sys, models.MerchantInput{Name: &name})
	must(err)
	teamName := "A3팀"
	t3, err := s.CreateTeam(ctx, sys, w.ProgramA.ID, models.TeamInput{Name: &teamName, MerchantID: &m3.ID})
	must(err)
	pw.teamA3, pw.merchantA3 = t3, m3
	approve := func(teamID uint64, kind models.Kind, day string, spend, revenue int64) {
		start, end, cname := civil.MustParse("2025-10-01"), civil.MustParse("2025-10-31"), string(kind)+" 10월"
		c, err := s.CreateCampaign(ctx, sys, teamID, models.CampaignInput{Kind: &kind, Name: &cname, StartsOn: &start, EndsOn: &end})
		must(err)
		d, imp, clicks, conv := civil.MustParse(day), int64(1000), int64(40), int64(2)
		e, _, err := s.UpsertMetric(ctx, sys, c.ID, models.MetricInput{Date: &d, SpendKRW: &spend, RevenueKRW: &revenue, Impressions: &imp, Clicks: &clicks, Conversions: &conv})
		must(err)
		_, err = s.TransitionMetric(ctx, sys, e.ID, models.ActionSubmit, "", nil)
		must(err)
		_, err = s.TransitionMetric(ctx, sys, e.ID, models.ActionApprove, "", nil)
		must(err)
	}
	approve(w.TeamA2.ID, models.KindShoppingAd, "2025-10-05", 10_000, 62_900)
	approve(w.TeamA2.ID, models.KindSearchAd, "2025-10-06", 10_000, 20_000)
	approve(t3.ID, models.KindSearchAd, "2025-10-07", 10_000, 15_000)
	pw.approvedMetric, err = s.TransitionMetric(ctx, sys, w.MetricSubmitted.ID, models.ActionApprove, "", nil)
	must(err)
	pw.approvedSales, err = s.TransitionSales(ctx, sys, w.SalesSubmitted.ID, models.ActionApprove, "", nil)
	must(err)

	// Consent: the owner says yes; the professor records A2's paper "no".
	rec := env.do("PUT", fmt.Sprintf("%s/merchants/%d/consents/%d", BasePath, w.MerchantA1.ID, w.ProgramA.ID), map[string]any{"granted": true}, pw.merchantT)
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("PUT", fmt.Sprintf("%s/merchants/%d/consents/%d", BasePath, w.MerchantA2.ID, w.ProgramA.ID), map[string]any{"granted": false}, pw.profT)
	expectStatus(t, rec, http.StatusUnprocessableEntity) // a recorded consent needs its note
	rec = env.do("PUT", fmt.Sprintf("%s/merchants/%d/consents/%d", BasePath, w.MerchantA2.ID, w.ProgramA.ID), map[string]any{"granted": false, "note": "서면으로 거절"}, pw.profT)
	expectStatus(t, rec, http.StatusOK)
	return pw
}

func (pw *pubWorld) publish(t *testing.T, body map[string]any) models.Publication {
	t.Helper()
	rec := pw.env.do("POST", fmt.Sprintf("%s/programs/%d/publications", BasePath, pw.ProgramA.ID), body, pw.profT)
	expectStatus(t, rec, http.StatusCreated)
	return decode[models.Publication](t, rec)
}

func (pw *pubWorld) get(t *testing.T, path, token string, want int) []byte {
	t.Helper()
	rec := pw.env.do("GET", BasePath+path, nil, token)
	expectStatus(t, rec, want)
	return rec.Body.Bytes()
}

// The consent matrix: names, team names, highlights, exports and the
// suppression of small by_kind blocks, in both languages.
func TestPublicationConsentMatrix(t *testing.T) {
	pw := newPubWorld(t)

	// What consent the merchants gave, as the API answers it.
	var consents models.Page[models.MerchantConsent]
	if err := json.Unmarshal(pw.get(t, fmt.Sprintf("/merchants/%d/consents", pw.MerchantA1.ID), pw.merchantT, 200), &consents); err != nil {
		t.Fatal(err)
	}
	if len(consents.Items) != 1 || !consents.Items[0].Granted {
		t.Fatalf("A1's consents: %+v", consents.Items)
	}

	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			pub := pw.publish(t, map[string]any{"title": "10월 성과", "lang": lang, "from": "2025-10-01", "to": "2025-10-31"})
			frozen := pw.get(t, fmt.Sprintf("/publications/%d/report.json", pub.ID), pw.profT, 200)
			var live models.ProgramReport
			if err := json.Unmarshal(pw.get(t, fmt.Sprintf("/programs/%d/report?lang=%s&from=2025-10-01&to=2025-10-31", pw.ProgramA.ID, lang), pw.profT, 200), &live); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Teams []struct {
					TeamID       uint64 `json:"team_id"`
					TeamName     string `json:"team_name"`
					MerchantName string `json:"merchant_name"`
				} `json:"teams"`
				ByKind     map[string]json.RawMessage `json:"by_kind"`
				Highlights []string                   `json:"highlights"`
			}
			if err := json.Unmarshal(frozen, &got); err != nil {
				t.Fatal(err)
			}
			label := map[string][2]string{"ko": {"참여 업체 %d", "팀 %d"}, "en": {"Participant %d", "Team %d"}}[lang]
			want := map[uint64][2]string{
				pw.TeamA1.ID: {pw.MerchantA1.Name, pw.TeamA1.Name},
				pw.TeamA2.ID: {fmt.Sprintf(label[0], 1), fmt.Sprintf(label[1], 1)},
				pw.teamA3.ID: {fmt.Sprintf(label[0], 2), fmt.Sprintf(label[1], 2)},
			}
			for _, tm := range got.Teams {
				if w := want[tm.TeamID]; tm.MerchantName != w[0] || tm.TeamName != w[1] {
					t.Errorf("team %d: %q / %q, want %q / %q", tm.TeamID, tm.MerchantName, tm.TeamName, w[0], w[1])
				}
			}
			for _, secret := range []string{pw.MerchantA2.Name, pw.TeamA2.Name, pw.merchantA3.Name, pw.teamA3.Name} {
				if strings.Contains(string(frozen), secret) {
					t.Errorf("the frozen report names %q", secret)
				}
			}
			// Each highlight of the live report reappears with the label.
			if len(got.Highlights) != len(live.Highlights) || len(live.Highlights) != 3 {
				t.Fatalf("highlights: frozen %q, live %q", got.Highlights, live.Highlights)
			}
			for i, h := range live.Highlights {
				w := h
				for _, tm := range live.Teams {
					if strings.HasPrefix(h, tm.MerchantName+":") {
						w = want[tm.TeamID][0] + strings.TrimPrefix(h, tm.MerchantName)
					}
				}
				if got.Highlights[i] != w {
					t.Errorf("highlight %d: %q, want %q", i, got.Highlights[i], w)
				}
			}
			// Suppression, from the teams' campaigns and the consents.
			consenting := map[uint64]bool{pw.TeamA1.ID: true}
			for kind := range live.ByKind {
				teams, anonymous := 0, false
				for _, tm := range live.Teams {
					if _, ok := tm.ByKind[kind]; ok {
						teams++
						anonymous = anonymous || !consenting[tm.TeamID]
					}
				}
				var block map[string]any
				if err := json.Unmarshal(got.ByKind[string(kind)], &block); err != nil {
					t.Fatal(err)
				}
				suppressed := block["suppressed"] == true
				if suppressed != (teams < 3 && anonymous) {
					t.Errorf("by_kind.%s (%d teams, anonymous %v): %v", kind, teams, anonymous, block)
				}
				if suppressed && block["teams"] != float64(teams) {
					t.Errorf("by_kind.%s says %v teams, want %d", kind, block["teams"], teams)
				}
			}
			for kind, wantSuppressed := range map[string]bool{"search_ad": false, "shopping_ad": true, "live_commerce": false} {
				if strings.Contains(string(got.ByKind[kind]), `"suppressed":true`) != wantSuppressed {
					t.Errorf("by_kind.%s: %s, want suppressed %v", kind, got.ByKind[kind], wantSuppressed)
				}
			}
			// The exports carry the labels, never the names.
			for _, ext := range []string{"csv", "xlsx"} {
				rec := pw.env.do("GET", fmt.Sprintf("%s/publications/%d/report.%s", BasePath, pub.ID, ext), nil, pw.profT)
				expectStatus(t, rec, 200)
				text := responseText(t, rec)
				for _, secret := range []string{pw.MerchantA2.Name, pw.merchantA3.Name} {
					if strings.Contains(text, secret) {
						t.Errorf("the %s export names %q", ext, secret)
					}
				}
				for _, named := range []string{pw.MerchantA1.Name, fmt.Sprintf(label[0], 1), fmt.Sprintf(label[0], 2)} {
					if !strings.Contains(text, named) {
						t.Errorf("the %s export does not show %q", ext, named)
					}
				}
			}
		})
	}
}

// The stored bytes, their sha256 and the audit event that records it.
func TestPublicationHashAndShareLink(t *testing.T) {
	pw := newPubWorld(t)
	pub := pw.publish(t, map[string]any{"title": "보도자료", "lang": "ko"})
	body := pw.get(t, fmt.Sprintf("/publications/%d/report.json", pub.ID), pw.profT, 200)
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != pub.SHA256 {
		t.Fatalf("sha256 of report.json %x, publication says %s", sum, pub.SHA256)
	}
	var events []models.AuditEvent
	pw.env.db.Where("entity = ? AND action = ? AND entity_id = ?", "publication", "publish", pub.ID).Find(&events)
	if len(events) != 1 || !strings.Contains(string(events[0].After), `"sha256":"`+pub.SHA256+`"`) {
		t.Fatalf("publish audit events: %+v", events)
	}
	// Another copy answers the same bytes; nobody but the report's readers.
	if again := pw.get(t, fmt.Sprintf("/publications/%d/report.json", pub.ID), pw.adminT, 200); string(again) != string(body) {
		t.Fatal("report.json changed between two reads")
	}
	pw.get(t, fmt.Sprintf("/publications/%d/report.json", pub.ID), pw.merchantT, 404)

	// Share: a token of at least 128 bits, answered without login.
	rec := pw.env.do("POST", fmt.Sprintf("%s/publications/%d/share", BasePath, pub.ID), nil, pw.profT)
	expectStatus(t, rec, http.StatusCreated)
	token := *decode[models.Publication](t, rec).ShareToken
	if len(token)*6 < 128 {
		t.Fatalf("share token %q is shorter than 128 bits", token)
	}
	if public := pw.get(t, "/public/publications/"+token, "", 200); string(public) != string(body) {
		t.Fatal("the public link answers other bytes than report.json")
	}
	pw.get(t, "/public/publications/"+token+"x", "", 404)
	rec = pw.env.do("DELETE", fmt.Sprintf("%s/publications/%d/share", BasePath, pub.ID), nil, pw.profT)
	expectStatus(t, rec, http.StatusNoContent)
	pw.get(t, "/public/publications/"+token, "", 404)
	if strings.Contains(auditText(t, pw), token) {
		t.Fatal("the share token is in the audit log")
	}
}

func auditText(t *testing.T, pw *pubWorld) string {
	t.Helper()
	var events []models.AuditEvent
	pw.env.db.Find(&events)
	b, _ := json.Marshal(events)
	return string(b)
}

func conflictCode(t *testing.T, rec interface{ Result() *http.Response }, body []byte) string {
	t.Helper()
	var e ErrorBody
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}

// Every write path on a locked record answers 409 locked; an import that
// would change a locked day fails as a whole, naming it; the admin's unlock
// lifts the locks and edits_since counts what follows.
func TestPublicationLocks(t *testing.T) {
	pw := newPubWorld(t)
	env, m, r := pw.env, pw.approvedMetric, pw.approvedSales
	pub := pw.publish(t, map[string]any{"title": "10월", "lang": "ko", "from": "2025-10-01", "to": "2025-10-31"})

	locked := []struct {
		name, method, url string
		body              any
	}{
		{"PATCH metric", "PATCH", fmt.Sprintf("/metrics/%d", m.ID), map[string]any{"spend_krw": 1, "version": m.Version}},
		{"upsert metric", "POST", fmt.Sprintf("/campaigns/%d/metrics", m.CampaignID), map[string]any{"date": "2025-10-02", "spend_krw": 1}},
		{"return metric", "POST", fmt.Sprintf("/metrics/%d/return", m.ID), map[string]any{"note": "다시"}},
		{"DELETE metric", "DELETE", fmt.Sprintf("/metrics/%d", m.ID), nil},
		{"PATCH sales", "PATCH", fmt.Sprintf("/sales/%d", r.ID), map[string]any{"sales_krw": 1, "version": r.Version}},
		{"return sales", "POST", fmt.Sprintf("/sales/%d/return", r.ID), map[string]any{"note": "다시"}},
		{"confirm sales", "POST", fmt.Sprintf("/sales/%d/confirm", r.ID), nil},
		{"DELETE sales", "DELETE", fmt.Sprintf("/sales/%d", r.ID), nil},
	}
	for _, c := range locked {
		rec := env.do(c.method, BasePath+c.url, c.body, pw.adminT)
		if rec.Code != http.StatusConflict || conflictCode(t, rec, rec.Body.Bytes()) != "locked" {
			t.Errorf("%s on a published record: %d %s, want 409 locked", c.name, rec.Code, rec.Body.String())
		}
	}
	// A draft of the period is not published: it stays editable.
	rec := env.do("PATCH", fmt.Sprintf("%s/metrics/%d", BasePath, pw.MetricDraft.ID), map[string]any{"spend_krw": 11000, "version": pw.MetricDraft.Version}, pw.adminT)
	expectStatus(t, rec, http.StatusOK)

	// Imports: a file that changes the locked day fails whole, naming it,
	// and writes nothing (its other, new day included).
	file := "일별,노출수,클릭수,총비용,전환수,전환매출액(원)\n2025.10.02.,1000,50,1,3,90000\n2025.10.03.,100,5,1000,0,0\n"
	rec = env.upload(fmt.Sprintf("%s/campaigns/%d/imports?dry_run=false", BasePath, m.CampaignID), "report.csv", []byte(file), pw.adminT)
	var e ErrorBody
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	if rec.Code != http.StatusConflict || e.Error.Code != "locked" || !slices.Equal(e.Error.Days, []string{"2025-10-02"}) {
		t.Errorf("import over a locked day: %d %s", rec.Code, rec.Body.String())
	}
	var n int64
	env.db.Model(&models.MetricEntry{}).Where("campaign_id = ? AND date = ?", m.CampaignID, civil.MustParse("2025-10-03")).Count(&n)
	if n != 0 {
		t.Error("the refused import wrote its other day")
	}
	sales := "period_start,period_end,channel,sales_krw,orders\n2025-10-01,2025-10-31,all,1,\n"
	rec = env.upload(fmt.Sprintf("%s/teams/%d/sales/imports?dry_run=false", BasePath, pw.TeamA1.ID), "sales.csv", []byte(sales), pw.adminT)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), `"locked"`) {
		t.Errorf("sales import over a locked period: %d %s", rec.Code, rec.Body.String())
	}
	// Re-importing the published figures unchanged is no change: allowed.
	same := "일별,노출수,클릭수,총비용,전환수,전환매출액(원)\n2025.10.02.,1000,50,20000,3,90000\n"
	rec = env.upload(fmt.Sprintf("%s/campaigns/%d/imports?dry_run=false", BasePath, m.CampaignID), "same.csv", []byte(same), pw.adminT)
	expectStatus(t, rec, http.StatusOK)

	// Unlock: admins only, with a reason.
	unlock := fmt.Sprintf("%s/programs/%d/unlock", BasePath, pw.ProgramA.ID)
	expectStatus(t, env.do("POST", unlock, map[string]any{"reason": "정정"}, pw.profT), http.StatusForbidden)
	expectStatus(t, env.do("POST", unlock, map[string]any{}, pw.adminT), http.StatusUnprocessableEntity)
	expectStatus(t, env.do("POST", unlock, map[string]any{"reason": "보도 후 오기 정정"}, pw.adminT), http.StatusOK)
	var meta models.Publication
	_ = json.Unmarshal(pw.get(t, fmt.Sprintf("/publications/%d", pub.ID), pw.profT, 200), &meta)
	if meta.EditsSince != 0 {
		t.Fatalf("edits_since %d before any edit of a published figure (the draft's edit does not count)", meta.EditsSince)
	}
	rec = env.do("PATCH", fmt.Sprintf("%s/metrics/%d", BasePath, m.ID), map[string]any{"spend_krw": 20500, "version": m.Version}, pw.adminT)
	expectStatus(t, rec, http.StatusOK)
	_ = json.Unmarshal(pw.get(t, fmt.Sprintf("/publications/%d", pub.ID), pw.profT, 200), &meta)
	if meta.EditsSince != 1 {
		t.Fatalf("edits_since %d after one edit of a published entry, want 1", meta.EditsSince)
	}

	// A publication of one kind locks that kind's entries and every sales
	// record of its period.
	pw.publish(t, map[string]any{"title": "라이브", "lang": "ko", "kind": "live_commerce"})
	m2 := decode[models.MetricEntry](t, env.do("GET", fmt.Sprintf("%s/metrics/%d", BasePath, m.ID), nil, pw.adminT))
	rec = env.do("PATCH", fmt.Sprintf("%s/metrics/%d", BasePath, m.ID), map[string]any{"spend_krw": 20000, "version": m2.Version}, pw.adminT)
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("PATCH", fmt.Sprintf("%s/sales/%d", BasePath, r.ID), map[string]any{"sales_krw": 1, "version": r.Version}, pw.adminT)
	if rec.Code != http.StatusConflict {
		t.Errorf("sales under a live_commerce publication: %d, want 409", rec.Code)
	}
}

// Closing a program makes every write into it 409 program_closed, an
// admin's too, until an admin reopens it.
func TestClosedProgramRefusesEveryWrite(t *testing.T) {
	pw := newPubWorld(t)
	env, w := pw.env, pw.World
	prog := decode[models.Program](t, env.do("GET", fmt.Sprintf("%s/programs/%d", BasePath, w.ProgramA.ID), nil, pw.adminT))
	rec := env.do("PATCH", fmt.Sprintf("%s/programs/%d", BasePath, w.ProgramA.ID), map[string]any{"status": "closed", "version": prog.Version}, pw.adminT)
	expectStatus(t, rec, http.StatusOK)
	prog = decode[models.Program](t, rec)

	writes := []struct {
		method, url string
		body        any
	}{
		{"PATCH", fmt.Sprintf("/programs/%d", w.ProgramA.ID), map[string]any{"name": "새 이름"}},
		{"DELETE", fmt.Sprintf("/programs/%d", w.ProgramA.ID), nil},
		{"POST", fmt.Sprintf("/programs/%d/teams", w.ProgramA.ID), map[string]any{"name": "새 팀", "merchant_id": w.MerchantA1.ID}},
		{"PATCH", fmt.Sprintf("/teams/%d", w.TeamA1.ID), map[string]any{"name": "새 이름"}},
		{"DELETE", fmt.Sprintf("/teams/%d", w.TeamA2.ID), nil},
		{"POST", fmt.Sprintf("/teams/%d/members", w.TeamA1.ID), map[string]any{"user_id": w.OtherStudent.ID}},
		{"DELETE", fmt.Sprintf("/teams/%d/members/%d", w.TeamA1.ID, w.Student.ID), nil},
		{"POST", fmt.Sprintf("/teams/%d/campaigns", w.TeamA1.ID), map[string]any{"kind": "sns", "name": "x", "starts_on": "2025-10-01"}},
		{"PATCH", fmt.Sprintf("/campaigns/%d", w.CampaignA1.ID), map[string]any{"name": "x"}},
		{"DELETE", fmt.Sprintf("/campaigns/%d", w.LiveA1.ID), nil},
		{"POST", fmt.Sprintf("/campaigns/%d/metrics", w.CampaignA1.ID), map[string]any{"date": "2025-10-09", "spend_krw": 1}},
		{"PATCH", fmt.Sprintf("/metrics/%d", w.MetricDraft.ID), map[string]any{"spend_krw": 1, "version": w.MetricDraft.Version}},
		{"DELETE", fmt.Sprintf("/metrics/%d", w.MetricDraft.ID), nil},
		{"POST", fmt.Sprintf("/metrics/%d/submit", w.MetricDraft.ID), nil},
		{"POST", fmt.Sprintf("/metrics/%d/return", pw.approvedMetric.ID), map[string]any{"note": "x"}},
		{"POST", fmt.Sprintf("/teams/%d/sales", w.TeamA1.ID), map[string]any{"period_start": "2025-11-01", "period_end": "2025-11-30", "sales_krw": 1}},
		{"PATCH", fmt.Sprintf("/sales/%d", w.SalesDraft.ID), map[string]any{"sales_krw": 1, "version": w.SalesDraft.Version}},
		{"DELETE", fmt.Sprintf("/sales/%d", w.SalesDraft.ID), nil},
		{"POST", fmt.Sprintf("/sales/%d/submit", w.SalesDraft.ID), nil},
		{"POST", fmt.Sprintf("/sales/%d/confirm", pw.approvedSales.ID), nil},
		{"POST", fmt.Sprintf("/teams/%d/comments", w.TeamA1.ID), map[string]any{"body": "x"}},
		{"DELETE", fmt.Sprintf("/comments/%d", w.Comment.ID), nil},
		{"POST", fmt.Sprintf("/teams/%d/evaluations", w.TeamA1.ID), map[string]any{"scores": map[string]int{"planning": 1}}},
		{"PATCH", fmt.Sprintf("/evaluations/%d", w.Evaluation.ID), map[string]any{"feedback": "x"}},
		{"POST", fmt.Sprintf("/teams/%d/targets", w.TeamA1.ID), map[string]any{"kpi": "revenue_krw", "target": 1000000}},
		{"PUT", fmt.Sprintf("/programs/%d/grading", w.ProgramA.ID), map[string]any{"rubric_weight": 60, "merchant_weight": 20, "targets_weight": 20}},
		{"PUT", fmt.Sprintf("/programs/%d/rubric", w.ProgramA.ID), map[string]any{"criteria": []map[string]any{
			{"key": "work", "label_ko": "작업", "label_en": "Work", "max_points": 100}}}},
		{"PATCH", fmt.Sprintf("/teams/%d/merchant-rating", w.TeamA1.ID), map[string]any{"visible_to_team": true}},
	}
	for _, c := range writes {
		rec := env.do(c.method, BasePath+c.url, c.body, pw.adminT)
		if rec.Code != http.StatusConflict || conflictCode(t, rec, rec.Body.Bytes()) != "program_closed" {
			t.Errorf("%s %s on a closed program: %d %s, want 409 program_closed", c.method, c.url, rec.Code, rec.Body.String())
		}
	}
	for _, up := range []struct{ url, name, data string }{
		{fmt.Sprintf("/campaigns/%d/imports?dry_run=false", w.CampaignA1.ID), "r.csv", "일별,노출수,클릭수,총비용\n2025.10.09.,100,5,1000\n"},
		{fmt.Sprintf("/teams/%d/sales/imports?dry_run=false", w.TeamA1.ID), "s.csv", "period_start,period_end,channel,sales_krw,orders\n2025-11-01,2025-11-30,all,1,\n"},
	} {
		rec := env.upload(BasePath+up.url, up.name, []byte(up.data), pw.adminT)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "program_closed") {
			t.Errorf("import %s on a closed program: %d %s", up.url, rec.Code, rec.Body.String())
		}
	}
	// Reads, publishing and consent stay open; an admin reopens.
	pw.get(t, fmt.Sprintf("/programs/%d/report", w.ProgramA.ID), pw.profT, 200)
	pw.publish(t, map[string]any{"title": "최종", "lang": "ko"})
	reopen := map[string]any{"status": "active", "version": prog.Version}
	expectStatus(t, env.do("PATCH", fmt.Sprintf("%s/programs/%d", BasePath, w.ProgramA.ID), reopen, pw.profT), http.StatusForbidden)
	expectStatus(t, env.do("PATCH", fmt.Sprintf("%s/programs/%d", BasePath, w.ProgramA.ID), reopen, pw.adminT), http.StatusOK)
	rec = env.do("POST", fmt.Sprintf("%s/teams/%d/comments", BasePath, w.TeamA1.ID), map[string]any{"body": "다시 열렸습니다"}, pw.adminT)
	expectStatus(t, rec, http.StatusCreated)
}
