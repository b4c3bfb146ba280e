package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

type teamRequest struct {
	Name       *string `json:"name"`
	MerchantID *uint64 `json:"merchant_id"`
	Comparison *bool   `json:"comparison"`
	Version    *int64  `json:"version"`
}

func (r teamRequest) input() models.TeamInput {
	return models.TeamInput{Name: r.Name, MerchantID: r.MerchantID, Comparison: r.Comparison, Version: r.Version}
}

func (s *Server) listTeams(c echo.Context) error {
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	f := models.TeamFilter{ListOptions: opt}
	if c.Param("id") != "" {
		if f.ProgramID, err = pathID(c, "id"); err != nil {
			return err
		}
	}
	page, err := s.store.ListTeams(ctx(c), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createTeam(c echo.Context) error {
	return writeOne(c, http.StatusCreated, teamRequest.input, s.store.CreateTeam)
}

func (s *Server) getTeam(c echo.Context) error {
	return getOne(c, s.store.GetTeam)
}

func (s *Server) updateTeam(c echo.Context) error {
	return writeOne(c, http.StatusOK, teamRequest.input, s.store.UpdateTeam)
}

func (s *Server) deleteTeam(c echo.Context) error {
	return deleteOne(c, s.store.DeleteTeam)
}

type memberRequest struct {
	UserID uint64 `json:"user_id"`
	Role   string `json:"role"`
}

func (s *Server) addMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req memberRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.UserID == 0 {
		return models.Invalid("user_id", "is required")
	}
	m, err := s.store.AddMember(ctx(c), actor(c), id, req.UserID, req.Role)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (s *Server) removeMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	userID, err := pathID(c, "user_id")
	if err != nil {
		return err
	}
	if err := s.store.RemoveMember(ctx(c), actor(c), id, userID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
