package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/models/modelstest"
)

// SPEC §1's ProgramStaff has a role: a client may send it with the user, and
// it must then be the user's own role; nothing is written otherwise.
func TestAddStaffRole(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	admin := bearerFor(t, w.Admin)
	// Program B's professor and city staff are not yet staff of program A.
	url := fmt.Sprintf("/api/v1/programs/%d/staff", w.ProgramA.ID)
	body := func(userID uint64, role any) map[string]any {
		b := map[string]any{"user_id": userID}
		if role != nil {
			b["role"] = role
		}
		return b
	}
	cases := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"professor with role", body(w.OtherProf.ID, "professor"), http.StatusCreated, ""},
		{"city with role", body(w.OtherCity.ID, "city"), http.StatusCreated, ""},
		{"without role", body(w.OtherProf.ID, nil), http.StatusCreated, ""},
		{"role not the user's", body(w.OtherProf.ID, "city"), http.StatusUnprocessableEntity, "role"},
		{"role not a staff role", body(w.OtherCity.ID, "student"), http.StatusUnprocessableEntity, "role"},
		{"role of the wrong type", body(w.OtherProf.ID, 3), http.StatusUnprocessableEntity, "role"},
		{"a student as a professor", body(w.Student.ID, "professor"), http.StatusUnprocessableEntity, "user_id"},
		{"a student without role", body(w.Student.ID, nil), http.StatusUnprocessableEntity, "user_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newEnvOn(t, clone(t))
			sc := apiScenario{Method: "POST", URL: url, Token: admin, Body: tc.body, ExpectedStatus: tc.status}
			if tc.field != "" {
				sc.ExpectedCode, sc.ExpectedFields = "validation_failed", []string{tc.field}
			}
			sc.test(t, env)
			var n int64
			env.db.Table("program_staff").Where("program_id = ? AND user_id = ?", w.ProgramA.ID, tc.body["user_id"]).Count(&n)
			if want := map[bool]int64{true: 1, false: 0}[tc.status == http.StatusCreated]; n != want {
				t.Errorf("%d staff rows for the user, want %d", n, want)
			}
		})
	}
}
