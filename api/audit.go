package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

func (s *Server) listAudit(c echo.Context) error {
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	p := models.Problems{}
	f := models.AuditFilter{
		Entity:      c.QueryParam("entity"),
		EntityID:    queryID(c, "entity_id", p),
		ProgramID:   queryID(c, "program_id", p),
		ListOptions: opt,
	}
	if err := p.Err(); err != nil {
		return err
	}
	page, err := s.store.ListAudit(ctx(c), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
