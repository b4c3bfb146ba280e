package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// testShareToken is the share token the access matrix gives publication 1.
const testShareToken = "matrix-share-token-0123456789abcdef"

// publishA publishes program A's report (publication 1 of a fresh world),
// shared with testShareToken when shared is set.
func publishA(w *modelstest.World, shared bool) func(t testing.TB, env *testEnv) any {
	return func(t testing.TB, env *testEnv) any {
		t.Helper()
		pub, err := env.store.Publish(context.Background(), modelstest.System, w.ProgramA.ID,
			models.PublicationInput{Title: "보도자료", Lang: models.LocaleKo})
		if err != nil {
			t.Fatalf("publish: %v", err)
		}
		if pub.ID != 1 {
			t.Fatalf("publication id %d, want 1 in a fresh world", pub.ID)
		}
		if shared {
			if err := env.db.Model(&models.Publication{}).Where("id = ?", pub.ID).Update("share_token", testShareToken).Error; err != nil {
				t.Fatal(err)
			}
		}
		return nil
	}
}

// publicationAccessRows are SPEC §11's routes in the access matrix:
// publications are read and shared by the report's readers (students and
// merchants get 404 as for anything outside their reach), the public link
// by anyone.
func publicationAccessRows(w *modelstest.World) []accessRow {
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }
	pa, ma1 := w.ProgramA.ID, w.MerchantA1.ID
	// want: admin prof other_prof student other_student merchant city other_city anon
	return []accessRow{
		{method: "GET", path: "/api/v1/merchants/:id/consents", url: v1("/merchants/%d/consents", ma1),
			want: "200 200 404 404 404 200 200 404 401"},
		{method: "PUT", path: "/api/v1/merchants/:id/consents/:program_id", url: v1("/merchants/%d/consents/%d", ma1, pa),
			body: map[string]any{"granted": true, "note": "2026-11-30 종이 동의서"},
			want: "200 200 404 403 403 200 403 404 401"},
		{method: "GET", path: "/api/v1/programs/:id/publications", url: v1("/programs/%d/publications", pa),
			setup: publishA(w, false),
			want:  "200 200 404 403 403 403 200 404 401"},
		{method: "POST", path: "/api/v1/programs/:id/publications", url: v1("/programs/%d/publications", pa),
			body: map[string]any{"title": "2025 하반기 성과", "lang": "ko", "from": "2025-10-01", "to": "2025-12-31"},
			want: "201 201 404 403 403 403 201 404 401"},
		{method: "POST", path: "/api/v1/programs/:id/unlock", url: v1("/programs/%d/unlock", pa),
			body: map[string]any{"reason": "보도 후 오타 수정"},
			want: "200 403 404 403 403 403 403 404 401"},
		{method: "GET", path: "/api/v1/publications/:id", url: v1("/publications/1"), setup: publishA(w, false),
			want: "200 200 404 404 404 404 200 404 401"},
		{method: "GET", path: "/api/v1/publications/:id/report.json", url: v1("/publications/1/report.json"), setup: publishA(w, false),
			want: "200 200 404 404 404 404 200 404 401"},
		{method: "GET", path: "/api/v1/publications/:id/report.csv", url: v1("/publications/1/report.csv"), setup: publishA(w, false),
			want: "200 200 404 404 404 404 200 404 401"},
		{method: "GET", path: "/api/v1/publications/:id/report.xlsx", url: v1("/publications/1/report.xlsx"), setup: publishA(w, false),
			want: "200 200 404 404 404 404 200 404 401"},
		{method: "POST", path: "/api/v1/publications/:id/share", url: v1("/publications/1/share"), setup: publishA(w, false),
			want: "201 201 404 404 404 404 201 404 401"},
		{method: "DELETE", path: "/api/v1/publications/:id/share", url: v1("/publications/1/share"), setup: publishA(w, true),
			want: "204 204 404 404 404 404 204 404 401"},
		{method: "GET", path: "/api/v1/public/publications/:token", url: v1("/public/publications/" + testShareToken), setup: publishA(w, true),
			want: "200 200 200 200 200 200 200 200 200"},
	}
}

// addPublication gives the counted world consents (every other merchant)
// and a shared publication whose period then sees k edits, so that the
// publication routes and edits_since are counted at both sizes.
func (w *countedWorld) addPublication(t *testing.T, k int) {
	t.Helper()
	ctx := context.Background()
	s, admin := w.env.store, models.Actor{UserID: w.users[models.RoleAdmin].ID, Role: models.RoleAdmin}
	var merchants []models.Merchant
	if err := w.env.db.Order("id").Find(&merchants).Error; err != nil {
		t.Fatal(err)
	}
	for i, m := range merchants {
		if _, err := s.SetConsent(ctx, admin, m.ID, w.ids["program"], models.ConsentInput{Granted: ptrTo(i%2 == 0), Note: "종이 동의서"}); err != nil {
			t.Fatal(err)
		}
	}
	pub, err := s.Publish(ctx, admin, w.ids["program"], models.PublicationInput{Title: "보도자료", Lang: models.LocaleKo})
	if err != nil {
		t.Fatal(err)
	}
	w.ids["publication"] = pub.ID
	if _, err := s.UnlockProgram(ctx, admin, w.ids["program"], "정정"); err != nil {
		t.Fatal(err)
	}
	var entries []models.MetricEntry
	if err := w.env.db.Where("status = ?", models.StatusApproved).Order("id").Limit(k).Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := s.UpdateMetric(ctx, admin, e.ID, models.MetricInput{SpendKRW: ptrTo(int64(101)), Version: &e.Version}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.env.db.Model(&models.Publication{}).Where("id = ?", pub.ID).Update("share_token", testShareToken).Error; err != nil {
		t.Fatal(err)
	}
}
