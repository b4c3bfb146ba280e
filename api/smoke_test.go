package api

import (
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/models/modelstest"
)

func TestWorldBuildsAndServes(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	rec := env.do("GET", "/api/v1/teams/"+itoa(w.TeamA1.ID)+"/kpis", nil, env.token(w.Student))
	expectStatus(t, rec, http.StatusOK)
	t.Log(rec.Body.String())
	rec = env.do("GET", "/api/v1/programs/"+itoa(w.ProgramA.ID)+"/review-queue", nil, env.token(w.Prof))
	expectStatus(t, rec, http.StatusOK)
	t.Log(rec.Body.String())
	rec = env.do("GET", "/api/v1/teams/"+itoa(w.TeamA1.ID), nil, env.token(w.City))
	expectStatus(t, rec, http.StatusOK)
	t.Log(rec.Body.String())
}
