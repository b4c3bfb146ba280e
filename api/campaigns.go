package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

type campaignRequest struct {
	Kind          *models.Kind         `json:"kind"`
	Name          *string              `json:"name"`
	StartsOn      *civil.Date          `json:"starts_on"`
	EndsOn        Optional[civil.Date] `json:"ends_on"`
	BudgetKRW     *int64               `json:"budget_krw"`
	TargetRoasPct Optional[float64]    `json:"target_roas_pct"`
	Version       *int64               `json:"version"`
}

func (r campaignRequest) input() models.CampaignInput {
	in := models.CampaignInput{Kind: r.Kind, Name: r.Name, StartsOn: r.StartsOn, BudgetKRW: r.BudgetKRW,
		TargetRoasPct: r.TargetRoasPct.ptrPtr(), Version: r.Version}
	if r.EndsOn.Set {
		end := civil.Date{}
		if r.EndsOn.Value != nil {
			end = *r.EndsOn.Value
		}
		in.EndsOn = &end
	}
	return in
}

func (s *Server) listCampaigns(c echo.Context) error {
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListCampaigns(ctx(c), actor(c), teamID, opt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createCampaign(c echo.Context) error {
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req campaignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.CreateCampaign(ctx(c), actor(c), teamID, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getCampaign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.store.GetCampaign(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) updateCampaign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req campaignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.UpdateCampaign(ctx(c), actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) deleteCampaign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteCampaign(ctx(c), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
