package api

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// After a series of writes through the API, some of them at once, the audit
// chain is intact and holds every event.
func TestAuditChainAfterAPIWrites(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	student, prof := env.token(w.Student), env.token(w.Prof)
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }

	rec := env.do("POST", v1("/auth/login"), map[string]string{"email": w.Student.Email, "password": modelstest.Password}, "")
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("POST", v1("/auth/login"), map[string]string{"email": w.Student.Email, "password": "wrong-password"}, "")
	expectStatus(t, rec, http.StatusUnauthorized)

	const writers = 6
	var wg sync.WaitGroup
	codes := make(chan string, 4*writers)
	for g := range writers {
		wg.Go(func() {
			day := fmt.Sprintf("2025-10-%02d", 10+g)
			rec := env.do("POST", v1("/campaigns/%d/metrics", w.CampaignA1.ID), map[string]any{"date": day, "spend_krw": 1000 * (g + 1),
				"impressions": 100, "clicks": 10, "conversions": 1, "revenue_krw": 5000}, student)
			if rec.Code != http.StatusCreated {
				codes <- fmt.Sprintf("upsert %s: %d %s", day, rec.Code, rec.Body.String())
				return
			}
			m := decode[models.MetricEntry](t, rec)
			rec = env.do("POST", v1("/metrics/%d/submit", m.ID), map[string]any{"version": m.Version}, student)
			if rec.Code != http.StatusOK {
				codes <- fmt.Sprintf("submit %d: %d %s", m.ID, rec.Code, rec.Body.String())
				return
			}
			m = decode[models.MetricEntry](t, rec)
			rec = env.do("POST", v1("/metrics/%d/approve", m.ID), map[string]any{"version": m.Version}, prof)
			if rec.Code != http.StatusOK {
				codes <- fmt.Sprintf("approve %d: %d %s", m.ID, rec.Code, rec.Body.String())
			}
			rec = env.do("POST", v1("/teams/%d/comments", w.TeamA1.ID), map[string]any{"body": "승인했습니다 " + day}, prof)
			if rec.Code != http.StatusCreated {
				codes <- fmt.Sprintf("comment: %d %s", rec.Code, rec.Body.String())
			}
		})
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		t.Error(c)
	}
	rec = env.do("PATCH", v1("/teams/%d", w.TeamA1.ID), map[string]any{"name": "A1팀 (이도공감)", "version": w.TeamA1.Version}, prof)
	expectStatus(t, rec, http.StatusOK)

	v, err := models.VerifyAuditChain(t.Context(), env.db)
	if err != nil {
		t.Fatal(err)
	}
	if v.Break != nil {
		t.Fatalf("chain broken after %d events: %v", v.Events, v.Break)
	}
	var n int64
	env.db.Model(&models.AuditEvent{}).Count(&n)
	if v.Events != n {
		t.Fatalf("verify walked %d events; the log holds %d", v.Events, n)
	}
	// Each answer about an event carries its link: an event's prev_hash is
	// the hash of the event before it in its chain. With several chains
	// (20261233_audit_chains), writes at once may append to different
	// chains, so the event before in the log need not be the one before in
	// the chain.
	rec = env.do("GET", v1("/audit?limit=100"), nil, env.token(w.Admin))
	expectStatus(t, rec, http.StatusOK)
	page := decode[struct {
		Items []struct {
			Hash     string `json:"hash"`
			PrevHash string `json:"prev_hash"`
			Chain    uint64 `json:"chain"`
		} `json:"items"`
	}](t, rec)
	links := 0
	for i, e := range page.Items { // newest first
		if len(e.Hash) != 64 {
			t.Fatalf("event %d of the page: hash %q", i, e.Hash)
		}
		for _, before := range page.Items[i+1:] {
			if before.Chain == e.Chain {
				if before.Hash != e.PrevHash {
					t.Fatalf("event %d of the page (chain %d) does not link to the one before it in its chain: %+v, %+v", i, e.Chain, e, before)
				}
				links++
				break
			}
		}
	}
	if int64(len(page.Items)) != min(n, 100) || links == 0 {
		t.Fatalf("%d events on the page of %d, %d links checked", len(page.Items), n, links)
	}
}
