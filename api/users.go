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
