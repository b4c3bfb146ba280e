package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

type programRequest struct {
	Name       *string     `json:"name"`
	City       *string     `json:"city"`
	University *string     `json:"university"`
	Partner    *string     `json:"partner"`
	Course     *string     `json:"course"`
	StartsOn   *civil.Date `json:"starts_on"`
	EndsOn     *civil.Date `json:"ends_on"`
	Status     *string     `json:"status"`
	// FollowupMonths: SPEC §13.2, default [3, 6].
	FollowupMonths []int  `json:"followup_months"`
	Version        *int64 `json:"version"`
}

func (r programRequest) input() models.ProgramInput {
	return models.ProgramInput{Name: r.Name, City: r.City, University: r.University, Partner: r.Partner,
		Course: r.Course, StartsOn: r.StartsOn, EndsOn: r.EndsOn, Status: r.Status, FollowupMonths: r.FollowupMonths, Version: r.Version}
}

func (s *Server) listPrograms(c echo.Context) error {
	return listTop(c, s.store.ListPrograms)
}

func (s *Server) createProgram(c echo.Context) error {
	return createTop(c, programRequest.input, s.store.CreateProgram)
}

func (s *Server) getProgram(c echo.Context) error {
	return getOne(c, s.store.GetProgram)
}

func (s *Server) updateProgram(c echo.Context) error {
	return writeOne(c, http.StatusOK, programRequest.input, s.store.UpdateProgram)
}

func (s *Server) deleteProgram(c echo.Context) error {
	return deleteOne(c, s.store.DeleteProgram)
}

type staffRequest struct {
	UserID uint64  `json:"user_id"`
	Role   *string `json:"role"`
}

// StaffList is the answer of GET /programs/{id}/staff.
type StaffList struct {
	Items []models.ProgramStaff `json:"items"`
}

func (s *Server) listStaff(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	staff, err := s.store.ListStaff(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, StaffList{Items: staff})
}

func (s *Server) addStaff(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req staffRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	st, err := s.store.AddStaff(ctx(c), actor(c), id, models.StaffInput{UserID: req.UserID, Role: req.Role})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, st)
}

func (s *Server) removeStaff(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	userID, err := pathID(c, "user_id")
	if err != nil {
		return err
	}
	if err := s.store.RemoveStaff(ctx(c), actor(c), id, userID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) reviewQueue(c echo.Context) error {
	return getOne(c, s.store.ReviewQueue)
}
