package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

type salesRequest struct {
	PeriodStart *civil.Date `json:"period_start"`
	PeriodEnd   *civil.Date `json:"period_end"`
	Channel     *string     `json:"channel"`
	SalesKRW    *int64      `json:"sales_krw"`
	Orders      *int64      `json:"orders"`
	Version     *int64      `json:"version"`
}

func (r salesRequest) input() models.SalesInput {
	return models.SalesInput{PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, Channel: r.Channel,
		SalesKRW: r.SalesKRW, Orders: r.Orders, Version: r.Version}
}

func (s *Server) listSales(c echo.Context) error {
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	statuses, err := models.ParseStatuses(c.QueryParam("statuses"), nil)
	if err != nil {
		return err
	}
	page, err := s.store.ListSales(ctx(c), actor(c), teamID, models.SalesFilter{Statuses: statuses, ListOptions: opt})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createSales(c echo.Context) error {
	return writeOne(c, http.StatusCreated, salesRequest.input, s.store.CreateSales)
}

func (s *Server) getSales(c echo.Context) error {
	return getOne(c, s.store.GetSales)
}

func (s *Server) updateSales(c echo.Context) error {
	return writeOne(c, http.StatusOK, salesRequest.input, s.store.UpdateSales)
}

func (s *Server) deleteSales(c echo.Context) error {
	return deleteOne(c, s.store.DeleteSales)
}

// transitionSales handles submit, confirm, approve and return.
func (s *Server) transitionSales(action string) echo.HandlerFunc {
	return transition(action, s.store.TransitionSales)
}
