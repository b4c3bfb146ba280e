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
	return listUnder(c, s.store.ListCampaigns)
}

func (s *Server) createCampaign(c echo.Context) error {
	return writeOne(c, http.StatusCreated, campaignRequest.input, s.store.CreateCampaign)
}

func (s *Server) getCampaign(c echo.Context) error {
	return getOne(c, s.store.GetCampaign)
}

func (s *Server) updateCampaign(c echo.Context) error {
	return writeOne(c, http.StatusOK, campaignRequest.input, s.store.UpdateCampaign)
}

func (s *Server) deleteCampaign(c echo.Context) error {
	return deleteOne(c, s.store.DeleteCampaign)
}
