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
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListEvaluations(ctx(c), actor(c), teamID, opt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createEvaluation(c echo.Context) error {
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req evaluationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, err := s.store.CreateEvaluation(ctx(c), actor(c), teamID, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

func (s *Server) getEvaluation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.store.GetEvaluation(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

func (s *Server) updateEvaluation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req evaluationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, err := s.store.UpdateEvaluation(ctx(c), actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}
