package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// The export holds what is stored about the user, fits the documented
// schema, and never carries a password or token hash.
func TestUserExport(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	admin, student := env.token(w.Admin), env.token(w.Student)
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }

	rec := env.do("POST", v1("/auth/login"), map[string]string{"email": w.Student.Email, "password": modelstest.Password}, "")
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("POST", v1("/teams/%d/comments", w.TeamA1.ID), map[string]any{"body": "제 연락처는 010-1234-5678입니다"}, student)
	expectStatus(t, rec, http.StatusCreated)
	comment := decode[models.Comment](t, rec)

	rec = env.do("GET", v1("/users/%d/export", w.Student.ID), nil, admin)
	expectStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	var exp struct {
		User struct {
			ID    uint64 `json:"id"`
			Email string `json:"email"`
		} `json:"user"`
		TeamMemberships []models.UserTeamMembership `json:"team_memberships"`
		Comments        []struct {
			ID   uint64 `json:"id"`
			Body string `json:"body"`
		} `json:"comments"`
		AuditEventsByUser    []struct{ Action, Entity string } `json:"audit_events_by_user"`
		AuditEventsAboutUser []struct{ Action, Entity string } `json:"audit_events_about_user"`
		Sessions             []map[string]any                  `json:"sessions"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &exp); err != nil {
		t.Fatal(err)
	}
	if exp.User.ID != w.Student.ID || exp.User.Email != w.Student.Email {
		t.Errorf("user %+v, want the student", exp.User)
	}
	if len(exp.TeamMemberships) != 1 || exp.TeamMemberships[0].TeamID != w.TeamA1.ID || exp.TeamMemberships[0].TeamName != w.TeamA1.Name {
		t.Errorf("team memberships %+v, want team A1", exp.TeamMemberships)
	}
	if len(exp.Comments) != 1 || exp.Comments[0].ID != comment.ID {
		t.Errorf("comments %+v, want the student's comment %d", exp.Comments, comment.ID)
	}
	actions := func(evs []struct{ Action, Entity string }) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.Action+" "+e.Entity)
		}
		return out
	}
	if by := actions(exp.AuditEventsByUser); !slices.Contains(by, "login user") || !slices.Contains(by, "create comment") {
		t.Errorf("audit events by the student: %v, want their login and comment", by)
	}
	if about := actions(exp.AuditEventsAboutUser); !slices.Contains(about, "create user") {
		t.Errorf("audit events about the student: %v, want their account's creation", about)
	}
	if len(exp.Sessions) != 1 {
		t.Errorf("%d sessions, want the login's", len(exp.Sessions))
	}
	// No secret in any form.
	var secrets []string
	env.db.Model(&models.RefreshToken{}).Where("user_id = ?", w.Student.ID).Pluck("token_hash", &secrets)
	var stored models.User
	env.db.First(&stored, w.Student.ID)
	secrets = append(secrets, stored.PasswordHash, "token_hash", "password")
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("the export holds %q", s)
		}
	}

	// The answer fits the documented schema.
	doc := servedOpenAPI(t, env)
	schema := doc.Paths.Value("/api/v1/users/{id}/export").Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	var generic any
	_ = json.Unmarshal(rec.Body.Bytes(), &generic)
	if err := schema.VisitJSON(generic); err != nil {
		t.Errorf("the export does not fit its schema: %v", err)
	}

	// A professor's export holds the grades they gave and what they reviewed.
	rec = env.do("POST", v1("/metrics/%d/approve", w.MetricSubmitted.ID), map[string]any{}, env.token(w.Prof))
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("GET", v1("/users/%d/export", w.Prof.ID), nil, admin)
	expectStatus(t, rec, http.StatusOK)
	prof := decode[models.UserExport](t, rec)
	if len(prof.EvaluationsGiven) != 1 || prof.EvaluationsGiven[0].ID != w.Evaluation.ID {
		t.Errorf("evaluations given %+v, want %d", prof.EvaluationsGiven, w.Evaluation.ID)
	}
	if len(prof.ReviewedMetrics) != 1 || prof.ReviewedMetrics[0].ID != w.MetricSubmitted.ID {
		t.Errorf("reviewed entries %+v, want %d", prof.ReviewedMetrics, w.MetricSubmitted.ID)
	}
	if len(prof.ProgramStaff) != 1 || prof.ProgramStaff[0].ProgramID != w.ProgramA.ID {
		t.Errorf("program staff %+v, want program A", prof.ProgramStaff)
	}

	// The export is a read of personal data: it is audited.
	var n int64
	env.db.Model(&models.AuditEvent{}).Where("action = ? AND entity = ? AND entity_id = ?", "export", "user", w.Student.ID).Count(&n)
	if n != 1 {
		t.Errorf("%d export events for the student, want 1", n)
	}

	for _, tc := range []struct {
		url    string
		status int
		code   string
	}{
		{v1("/users/999999/export"), http.StatusNotFound, "not_found"},
		{v1("/users/abc/export"), http.StatusNotFound, "not_found"},
	} {
		rec := env.do("GET", tc.url, nil, admin)
		expectStatus(t, rec, tc.status)
		e := decode[struct {
			Error struct{ Code, Message string } `json:"error"`
		}](t, rec)
		if e.Error.Code == "" || (tc.code != "" && e.Error.Code != tc.code) {
			t.Errorf("%s: error %+v, want code %q", tc.url, e.Error, tc.code)
		}
	}
}

// Anonymising a student erases who they are, ends their sessions at once and
// leaves their team's numbers as they were.
func TestAnonymiseUser(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	admin, prof := env.token(w.Admin), env.token(w.Prof)
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }

	rec := env.do("POST", v1("/auth/login"), map[string]string{"email": w.Student.Email, "password": modelstest.Password}, "")
	expectStatus(t, rec, http.StatusOK)
	login := decode[TokenResponse](t, rec)
	rec = env.do("POST", v1("/teams/%d/comments", w.TeamA1.ID), map[string]any{"body": "제 번호는 010-1234-5678, 카톡 주세요"}, login.AccessToken)
	expectStatus(t, rec, http.StatusCreated)
	studentComment := decode[models.Comment](t, rec)

	// Everything the numbers say, before.
	figures := []string{
		v1("/teams/%d/kpis", w.TeamA1.ID),
		v1("/teams/%d/kpis?statuses=draft,submitted,approved,returned", w.TeamA1.ID),
		v1("/campaigns/%d/kpis", w.CampaignA1.ID),
		v1("/programs/%d/report?statuses=draft,submitted,approved,returned", w.ProgramA.ID),
		v1("/campaigns/%d/metrics", w.CampaignA1.ID),
		v1("/teams/%d/sales", w.TeamA1.ID),
	}
	before := map[string]string{}
	for _, u := range figures {
		rec := env.do("GET", u, nil, admin)
		expectStatus(t, rec, http.StatusOK)
		before[u] = rec.Body.String()
	}

	rec = env.do("POST", v1("/users/%d/anonymise", w.Student.ID), nil, admin)
	expectStatus(t, rec, http.StatusOK)
	first := rec.Body.String()
	u := decode[models.User](t, rec)
	if u.Name != models.AnonymisedName(w.Student.ID) || u.Email != models.AnonymisedEmail(w.Student.ID) || !u.Disabled {
		t.Fatalf("anonymised user %+v", u)
	}

	for _, url := range figures {
		rec := env.do("GET", url, nil, admin)
		expectStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != before[url] {
			t.Errorf("%s changed:\nbefore %s\nafter  %s", url, before[url], got)
		}
	}

	// They cannot get in: not with the password, the refresh token or the
	// access token they hold.
	rec = env.do("POST", v1("/auth/login"), map[string]string{"email": w.Student.Email, "password": modelstest.Password}, "")
	expectStatus(t, rec, http.StatusUnauthorized)
	rec = env.do("POST", v1("/auth/login"), map[string]string{"email": u.Email, "password": modelstest.Password}, "")
	expectStatus(t, rec, http.StatusUnauthorized)
	rec = env.do("POST", v1("/auth/refresh"), map[string]string{"refresh_token": login.RefreshToken}, "")
	expectStatus(t, rec, http.StatusUnauthorized)
	rec = env.do("GET", v1("/me"), nil, login.AccessToken)
	expectStatus(t, rec, http.StatusUnauthorized)

	// Their comment stays, without its text; the professor's is untouched.
	rec = env.do("GET", v1("/teams/%d/comments", w.TeamA1.ID), nil, prof)
	expectStatus(t, rec, http.StatusOK)
	for _, c := range decode[models.Page[models.Comment]](t, rec).Items {
		switch c.ID {
		case studentComment.ID:
			if c.Body != models.AnonymisedCommentBody || c.AuthorName != u.Name {
				t.Errorf("the student's comment is now %q by %q", c.Body, c.AuthorName)
			}
		case w.Comment.ID:
			if c.Body != w.Comment.Body {
				t.Errorf("the professor's comment changed to %q", c.Body)
			}
		}
	}
	// The team lists them under the placeholder.
	rec = env.do("GET", v1("/teams/%d", w.TeamA1.ID), nil, prof)
	expectStatus(t, rec, http.StatusOK)
	if body := rec.Body.String(); !strings.Contains(body, u.Name) || strings.Contains(body, w.Student.Email) || strings.Contains(body, w.Student.Name) {
		t.Errorf("team A1 after anonymising its student: %s", body)
	}
	// Nowhere outside the audit log does the database hold the old email,
	// name or the comment's text; the anonymisation's own event holds none.
	for _, q := range []struct{ table, col string }{
		{"users", "email"}, {"users", "name"}, {"comments", "body"},
	} {
		var n int64
		env.db.Table(q.table).Where(q.col+" IN ?", []string{w.Student.Email, w.Student.Name, studentComment.Body}).Count(&n)
		if n != 0 {
			t.Errorf("%s.%s still holds the student's data", q.table, q.col)
		}
	}
	var ev models.AuditEvent
	if err := env.db.Where("action = ? AND entity_id = ?", "anonymise", w.Student.ID).First(&ev).Error; err != nil {
		t.Fatalf("no anonymise event: %v", err)
	}
	if ev.UserID == nil || *ev.UserID != w.Admin.ID || ev.Before != "" ||
		strings.Contains(string(ev.After), w.Student.Email) || strings.Contains(string(ev.After), w.Student.Name) {
		t.Errorf("anonymise event %+v", ev)
	}

	// Again: the same answer, and nothing more written.
	var events int64
	env.db.Model(&models.AuditEvent{}).Count(&events)
	rec = env.do("POST", v1("/users/%d/anonymise", w.Student.ID), nil, admin)
	expectStatus(t, rec, http.StatusOK)
	var again models.User
	_ = json.Unmarshal(rec.Body.Bytes(), &again)
	if again.Name != u.Name || again.Email != u.Email || !again.Disabled || again.UpdatedAt != u.UpdatedAt {
		t.Errorf("second anonymise answered %s, first %s", rec.Body.String(), first)
	}
	var eventsAfter int64
	env.db.Model(&models.AuditEvent{}).Count(&eventsAfter)
	if eventsAfter != events {
		t.Errorf("a second anonymise wrote %d audit events", eventsAfter-events)
	}

	// The old address is free for a new account.
	rec = env.do("POST", v1("/users"), map[string]any{"email": w.Student.Email, "name": "새 학생", "role": "student", "password": "a-long-enough-password"}, admin)
	expectStatus(t, rec, http.StatusCreated)

	// Structured refusals.
	for _, tc := range []struct {
		url    string
		status int
		code   string
	}{
		{v1("/users/%d/anonymise", w.Admin.ID), http.StatusConflict, "invalid_state"},
		{v1("/users/999999/anonymise"), http.StatusNotFound, "not_found"},
		{v1("/users/abc/anonymise"), http.StatusNotFound, "not_found"},
	} {
		rec := env.do("POST", tc.url, nil, admin)
		expectStatus(t, rec, tc.status)
		e := decode[struct {
			Error struct{ Code, Message string } `json:"error"`
		}](t, rec)
		if e.Error.Code == "" || (tc.code != "" && e.Error.Code != tc.code) {
			t.Errorf("%s: error %+v, want code %q", tc.url, e.Error, tc.code)
		}
	}

	if v, err := models.VerifyAuditChain(t.Context(), env.db); err != nil || v.Break != nil {
		t.Fatalf("audit chain after anonymising: %v %v", err, v.Break)
	}
}
