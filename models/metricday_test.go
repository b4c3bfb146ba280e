package models_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// A day logged with an access token (on PostgreSQL one statement when it is
// a plain new day, the general path otherwise) answers the entry as stored,
// leaves one audit event whose after is that answer, keeps the chain
// intact, and writes nothing at all when it refuses.
func TestLogDayByToken(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	s := models.NewStore(db)
	token := func(u *models.User) models.TokenUser {
		return models.TokenUser{UserID: u.ID, Role: u.Role, TokenVersion: u.TokenVersion, IP: "10.0.0.9"}
	}
	amount := func(v int64) *int64 { return &v }
	staleToken := token(w.Student)
	staleToken.TokenVersion++
	var forbidden *models.ValidationError
	var conflict *models.ConflictError
	cases := []struct {
		name     string
		tok      models.TokenUser
		campaign uint64
		in       models.MetricInput
		closed   bool // program A closed first
		created  bool
		err      func(error) bool
	}{
		{name: "new day", tok: token(w.Student), campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-05"), SpendKRW: amount(12_000), Impressions: amount(800), Clicks: amount(40), RevenueKRW: amount(50_000)}, created: true},
		{name: "the same day again is an update", tok: token(w.Student), campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-05"), SpendKRW: amount(13_000)}},
		{name: "new live day", tok: token(w.Student), campaign: w.LiveA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-06"), Viewers: amount(300), PeakViewers: amount(120), RevenueKRW: amount(900_000)}, created: true},
		{name: "new day by the professor", tok: token(w.Prof), campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-07"), SpendKRW: amount(1)}, created: true},
		{name: "live fields on a search ad", tok: token(w.Student), campaign: w.CampaignA1.ID,
			in:  models.MetricInput{Date: ptrDate("2026-01-08"), Viewers: amount(3)},
			err: func(err error) bool { return errors.As(err, &forbidden) && forbidden.Fields["viewers"] != "" }},
		{name: "a student of another team", tok: token(w.OtherStudent), campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-09")}, err: func(err error) bool { return errors.Is(err, models.ErrNotFound) }},
		{name: "the merchant reads but does not log", tok: token(w.Merchant), campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-09")}, err: func(err error) bool { return errors.Is(err, models.ErrForbidden) }},
		{name: "a refused token", tok: staleToken, campaign: w.CampaignA1.ID,
			in: models.MetricInput{Date: ptrDate("2026-01-09")}, err: func(err error) bool { return errors.Is(err, models.ErrUnauthorized) }},
		{name: "a refused token on a missing campaign", tok: staleToken, campaign: 999_999,
			in: models.MetricInput{Date: ptrDate("2026-01-09")}, err: func(err error) bool { return errors.Is(err, models.ErrUnauthorized) }},
		{name: "a missing campaign", tok: token(w.Student), campaign: 999_999,
			in: models.MetricInput{Date: ptrDate("2026-01-09")}, err: func(err error) bool { return errors.Is(err, models.ErrNotFound) }},
		{name: "a future day", tok: token(w.Student), campaign: w.CampaignA1.ID,
			in:  models.MetricInput{Date: ptrDate("2099-01-01")},
			err: func(err error) bool { return errors.As(err, &forbidden) && forbidden.Fields["date"] != "" }},
		{name: "a closed program", tok: token(w.Student), campaign: w.CampaignA1.ID, closed: true,
			in:  models.MetricInput{Date: ptrDate("2026-01-10")},
			err: func(err error) bool { return errors.As(err, &conflict) && conflict.Code == "program_closed" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.closed {
				if err := db.Model(&models.Program{}).Where("id = ?", w.ProgramA.ID).Update("status", models.ProgramClosed).Error; err != nil {
					t.Fatal(err)
				}
			}
			var entriesBefore, eventsBefore int64
			db.Model(&models.MetricEntry{}).Count(&entriesBefore)
			db.Model(&models.AuditEvent{}).Count(&eventsBefore)
			m, created, err := s.UpsertMetricByToken(t.Context(), tc.tok, tc.campaign, tc.in)
			var entriesAfter, eventsAfter int64
			db.Model(&models.MetricEntry{}).Count(&entriesAfter)
			db.Model(&models.AuditEvent{}).Count(&eventsAfter)
			if tc.err != nil {
				if !tc.err(err) {
					t.Fatalf("answer %v, %v", m, err)
				}
				if entriesAfter != entriesBefore || eventsAfter != eventsBefore {
					t.Fatalf("refused, yet entries %d → %d, events %d → %d", entriesBefore, entriesAfter, eventsBefore, eventsAfter)
				}
				return
			}
			if err != nil || created != tc.created {
				t.Fatalf("created %v, %v; want created %v", created, err, tc.created)
			}
			if want := entriesBefore + map[bool]int64{true: 1}[created]; entriesAfter != want || eventsAfter != eventsBefore+1 {
				t.Fatalf("entries %d → %d, events %d → %d", entriesBefore, entriesAfter, eventsBefore, eventsAfter)
			}
			actor := models.Actor{UserID: tc.tok.UserID, Role: tc.tok.Role}
			stored, err := s.GetMetric(t.Context(), actor, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored.TeamID = 0 // a read names the team; a write's answer does not
			answered, _ := json.Marshal(m)
			if read, _ := json.Marshal(stored); string(read) != string(answered) {
				t.Fatalf("answered %s\nstored   %s", answered, read)
			}
			var event models.AuditEvent
			if err := db.Where("entity = ? AND entity_id = ?", "metric", m.ID).Order("id DESC").First(&event).Error; err != nil {
				t.Fatal(err)
			}
			wantAction := map[bool]string{true: "create", false: "update"}[created]
			if event.Action != wantAction || string(event.After) != string(answered) || event.IP != tc.tok.IP ||
				event.UserID == nil || *event.UserID != tc.tok.UserID || event.ProgramID == nil || *event.ProgramID != w.ProgramA.ID {
				t.Fatalf("event %+v for answer %s", event, answered)
			}
			verifyOK(t, db)
		})
	}
}
