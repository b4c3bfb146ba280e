package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

type userRequest struct {
	Email    *string      `json:"email"`
	Name     *string      `json:"name"`
	Role     *models.Role `json:"role"`
	Locale   *string      `json:"locale"`
	Disabled *bool        `json:"disabled"`
	Password *string      `json:"password"`
}

func (r userRequest) input() models.UserInput {
	return models.UserInput{Email: r.Email, Name: r.Name, Role: r.Role, Locale: r.Locale, Disabled: r.Disabled, Password: r.Password}
}

func (s *Server) listUsers(c echo.Context) error {
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListUsers(ctx(c), actor(c), models.UserFilter{
		Role: models.Role(c.QueryParam("role")), Query: c.QueryParam("q"), ListOptions: opt,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createUser(c echo.Context) error {
	return createTop(c, userRequest.input, s.store.CreateUser)
}

func (s *Server) getUser(c echo.Context) error {
	return getOne(c, s.store.GetUser)
}

func (s *Server) updateUser(c echo.Context) error {
	return writeOne(c, http.StatusOK, userRequest.input, s.store.UpdateUser)
}

func (s *Server) exportUser(c echo.Context) error {
	return getOne(c, s.store.ExportUser)
}

func (s *Server) anonymiseUser(c echo.Context) error {
	return getOne(c, s.store.AnonymiseUser)
}

type passwordRequest struct {
	Password string `json:"password"`
}

// resetPassword sets a user's password (admins) and ends their sessions.
func (s *Server) resetPassword(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Password == "" {
		return models.Invalid("password", "is required")
	}
	if err := s.store.ResetPassword(ctx(c), actor(c), id, req.Password); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
