package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

type evaluationRequest struct {
	Scores        map[string]int `json:"scores"`
	Feedback      *string        `json:"feedback"`
	VisibleToTeam *bool          `json:"visible_to_team"`
	Version       *int64         `json:"version"`
}

func (r evaluationRequest) input() models.EvaluationInput {
	return models.EvaluationInput{Scores: r.Scores, Feedback: r.Feedback, VisibleToTeam: r.VisibleToTeam, Version: r.Version}
}

// RubricResponse is the answer of GET /rubric.
type RubricResponse struct {
	Items []models.Criterion `json:"items"`
}

func (s *Server) rubric(c echo.Context) error {
	return c.JSON(http.StatusOK, RubricResponse{Items: models.Rubric})
}

func (s *Server) listEvaluations(c echo.Context) error {
	return listUnder(c, s.store.ListEvaluations)
}

func (s *Server) createEvaluation(c echo.Context) error {
	return writeOne(c, http.StatusCreated, evaluationRequest.input, s.store.CreateEvaluation)
}

func (s *Server) getEvaluation(c echo.Context) error {
	return getOne(c, s.store.GetEvaluation)
}

func (s *Server) updateEvaluation(c echo.Context) error {
	return writeOne(c, http.StatusOK, evaluationRequest.input, s.store.UpdateEvaluation)
}
