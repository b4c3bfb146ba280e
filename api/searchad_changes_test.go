package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// A pull's answer lists each day it creates, updates or keeps because it is
// approved, with SearchAd's figures (the campaign page shows them before an
// apply); a file import's answer has no such list. Both fit the document.
func TestSearchAdPullListsItsChanges(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	student, prof := env.token(w.Student), env.token(w.Prof)
	camp := BasePath + "/campaigns/" + itoa(w.CampaignA1.ID)
	// The world's entries: 2025-10-01 a draft, 2025-10-02 submitted, approved here.
	approved := decode[models.MetricEntry](t, env.do("POST", BasePath+"/metrics/"+itoa(w.MetricSubmitted.ID)+"/approve", map[string]any{}, prof))
	var draft models.MetricEntry
	if err := env.db.Where("campaign_id = ? AND date = ?", w.CampaignA1.ID, "2025-10-01").First(&draft).Error; err != nil {
		t.Fatal(err)
	}
	expectStatus(t, env.do("PUT", camp+"/searchad-link", linkBody(fakeSecret), student), 200)

	days := fakeDays()
	for _, dry := range []bool{true, false} {
		rec := env.do("POST", camp+"/searchad-pull", map[string]any{"from": "2025-10-01", "to": "2025-10-30", "dry_run": dry}, student)
		expectStatus(t, rec, 200)
		res := decode[models.ImportResult](t, rec)
		if len(res.Changes) != len(days) {
			t.Fatalf("dry_run %v: %d changes for %d days: %+v", dry, len(res.Changes), len(days), res.Changes)
		}
		byAction := map[string]int{}
		for i, c := range res.Changes {
			d := days[i]
			want := "created"
			switch {
			case d.Date == approved.Date:
				want = "kept_approved"
			case d.Date == draft.Date:
				want = "updated"
			}
			if c.Date != d.Date || c.Action != want || c.SpendKRW != d.SpendKRW || c.RevenueKRW != d.RevenueKRW ||
				c.Impressions != d.Impressions || c.Clicks != d.Clicks || c.Conversions != d.Conversions {
				t.Errorf("dry_run %v: change %+v, want %s of %+v", dry, c, want, d)
			}
			byAction[c.Action]++
		}
		if byAction["created"] != res.Created || byAction["updated"] != res.Updated || byAction["kept_approved"] != 1 {
			t.Errorf("dry_run %v: changes %v against counts %+v", dry, byAction, res)
		}
		checkFitsDocument(t, env, "/searchad-pull", rec.Body.Bytes())
	}
	// Again: nothing changes, nothing listed but the approved day kept.
	rec := env.do("POST", camp+"/searchad-pull", map[string]any{"from": "2025-10-01", "to": "2025-10-30", "dry_run": true}, student)
	if res := decode[models.ImportResult](t, rec); len(res.Changes) != 1 || res.Changes[0].Action != "kept_approved" {
		t.Errorf("a second pull lists %+v", res.Changes)
	}

	// A file import answers an empty list (never null).
	c := env.newCampaign(w.TeamA1.ID, models.KindSearchAd, "파워링크 파일")
	rec = env.upload(BasePath+"/campaigns/"+itoa(c.ID)+"/imports", "searchad.tsv", importFixture(t, "searchad.tsv"), student)
	expectStatus(t, rec, 200)
	if !strings.Contains(rec.Body.String(), `"changes":[]`) {
		t.Errorf("a file import's changes: %s", rec.Body.String())
	}
}

func checkFitsDocument(t *testing.T, env *testEnv, suffix string, body []byte) {
	t.Helper()
	doc := servedOpenAPI(t, env)
	op := doc.Paths.Value("/api/v1/campaigns/{id}" + suffix).Post
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	schema := op.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	if err := schema.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("the pull's answer does not fit the document: %v", err)
	}
}
