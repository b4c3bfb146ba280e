package api

import (
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// TestSalesDispute: the merchant's "달라요" returns a confirmed sales record
// to the team with the note, withdraws the confirmation, is audited as
// "dispute", and the team can correct and resubmit it.
func TestSalesDispute(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	merchant, student := env.token(w.Merchant), env.token(w.Student)
	url := "/api/v1/sales/" + itoa(w.SalesSubmitted.ID)

	confirmed := decode[models.SalesRecord](t, env.do("POST", url+"/confirm", map[string]any{}, merchant))
	if confirmed.ConfirmedBy == nil || *confirmed.ConfirmedBy != w.Merchant.ID || confirmed.ConfirmedByName != w.Merchant.Name {
		t.Fatalf("confirmed_by = %v (%q)", confirmed.ConfirmedBy, confirmed.ConfirmedByName)
	}
	// Who confirmed is answered by name, in the list too.
	list := decode[models.Page[models.SalesRecord]](t, env.do("GET", "/api/v1/teams/"+itoa(w.TeamA1.ID)+"/sales", nil, student))
	named := false
	for _, r := range list.Items {
		named = named || r.ID == w.SalesSubmitted.ID && r.ConfirmedByName == w.Merchant.Name
	}
	if !named {
		t.Errorf("the list does not name who confirmed: %+v", list.Items)
	}

	// A note is required; a stale version is a conflict; neither writes.
	rec := env.do("POST", url+"/dispute", map[string]any{"note": "  "}, merchant)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	if got := decode[disputeError](t, rec); got.Error.Fields["note"] == "" {
		t.Errorf("422 without fields.note: %+v", got)
	}
	expectStatus(t, env.do("POST", url+"/dispute", map[string]any{"note": "다릅니다", "version": confirmed.Version - 1}, merchant), http.StatusConflict)

	rec = env.do("POST", url+"/dispute", map[string]any{"note": "10월 매출은 580만 원입니다", "version": confirmed.Version}, merchant)
	expectStatus(t, rec, http.StatusOK)
	got := decode[models.SalesRecord](t, rec)
	if got.Status != models.StatusReturned || got.ReviewNote != "10월 매출은 580만 원입니다" || got.ConfirmedBy != nil || got.ConfirmedByName != "" ||
		got.ConfirmedAt != nil || got.Version != confirmed.Version+1 || got.ID != w.SalesSubmitted.ID {
		t.Errorf("after the dispute: %+v", got)
	}
	stored := decode[models.SalesRecord](t, env.do("GET", url, nil, student))
	if stored.Status != models.StatusReturned || stored.ReviewNote != got.ReviewNote || stored.ConfirmedBy != nil {
		t.Errorf("stored: %+v", stored)
	}

	// A returned record is with the team already: disputing it again is a
	// conflict, as is disputing a draft.
	expectStatus(t, env.do("POST", url+"/dispute", map[string]any{"note": "또"}, merchant), http.StatusConflict)
	expectStatus(t, env.do("POST", "/api/v1/sales/"+itoa(w.SalesDraft.ID)+"/dispute", map[string]any{"note": "초안"}, env.token(w.Admin)), http.StatusConflict)

	// One audit event, action dispute, before (confirmed) and after.
	var events []models.AuditEvent
	if err := env.db.Where("entity = ? AND entity_id = ? AND action = ?", "sales", w.SalesSubmitted.ID, "dispute").Find(&events).Error; err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].UserID == nil || *events[0].UserID != w.Merchant.ID {
		t.Fatalf("dispute audit events: %+v", events)
	}

	// The team corrects and resubmits; the merchant can confirm again.
	fixed := decode[models.SalesRecord](t, env.do("PATCH", url, map[string]any{"sales_krw": 5_800_000, "version": got.Version}, student))
	resub := decode[models.SalesRecord](t, env.do("POST", url+"/submit", map[string]any{"version": fixed.Version}, student))
	if resub.Status != models.StatusSubmitted {
		t.Fatalf("resubmitted: %+v", resub)
	}
	expectStatus(t, env.do("POST", url+"/confirm", map[string]any{}, merchant), http.StatusOK)
}

// TestSalesDisputeQueryCount: a dispute sends as many statements in a
// program of six teams of six as in one of three teams of three.
func TestSalesDisputeQueryCount(t *testing.T) {
	var counts []int64
	for _, k := range []int{3, 6} {
		w := newCountedWorld(t, k)
		before := w.queries.Load()
		rec := w.env.do(http.MethodPost, "/api/v1/sales/"+itoa(w.ids["sales"])+"/dispute",
			map[string]any{"note": "다릅니다"}, w.env.token(w.users[models.RoleMerchant]))
		expectStatus(t, rec, http.StatusOK)
		counts = append(counts, w.queries.Load()-before)
	}
	if counts[0] != counts[1] {
		t.Errorf("dispute: %d statements for 3 teams of 3, %d for 6 teams of 6", counts[0], counts[1])
	}
}

type disputeError struct {
	Error struct {
		Code   string            `json:"code"`
		Fields map[string]string `json:"fields"`
	} `json:"error"`
}
