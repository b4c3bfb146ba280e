package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// The SearchAd link and pull (SPEC §14.1). The keys come in on PUT and never
// go out: the answer is models.SearchAdLink, whose keys are not in its JSON.

// customerID is SearchAd's customer id: a string of digits, or the same as
// a JSON number (as the SearchAd console shows it, people paste it both ways).
type customerID string

func (c *customerID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = customerID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil || strings.ContainsAny(n.String(), ".eE-+") {
		return errors.New("must be the customer id: a string of digits or a whole number")
	}
	*c = customerID(n.String())
	return nil
}

type searchadLinkRequest struct {
	CustomerID         *customerID `json:"customer_id"`
	APIKey             *string     `json:"api_key"`
	SecretKey          *string     `json:"secret_key"`
	SearchAdCampaignID *string     `json:"searchad_campaign_id"`
	Version            *int64      `json:"version"`
}

func (r searchadLinkRequest) input() models.SearchAdLinkInput {
	in := models.SearchAdLinkInput{APIKey: r.APIKey, SecretKey: r.SecretKey, SearchAdCampaignID: r.SearchAdCampaignID, Version: r.Version}
	if r.CustomerID != nil {
		s := string(*r.CustomerID)
		in.CustomerID = &s
	}
	return in
}

type searchadPullRequest struct {
	From   *civil.Date `json:"from"`
	To     *civil.Date `json:"to"`
	DryRun *bool       `json:"dry_run"`
}

func (r searchadPullRequest) input() models.PullInput {
	return models.PullInput{From: r.From, To: r.To, DryRun: r.DryRun}
}

func (s *Server) getSearchAdLink(c echo.Context) error {
	return getOne(c, s.store.GetSearchAdLink)
}

func (s *Server) putSearchAdLink(c echo.Context) error {
	return writeOne(c, http.StatusOK, searchadLinkRequest.input, s.store.PutSearchAdLink)
}

func (s *Server) deleteSearchAdLink(c echo.Context) error {
	return deleteOne(c, s.store.DeleteSearchAdLink)
}

// pullSearchAd answers as a file import does: 200 for a preview and an
// apply, 422 with the same body for an apply refused for its rows' errors,
// 502 when SearchAd refuses or fails.
func (s *Server) pullSearchAd(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req searchadPullRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	res, err := s.store.PullSearchAd(ctx(c), actor(c), id, req.input())
	if err != nil {
		return err
	}
	if res.Refused() {
		return c.JSON(http.StatusUnprocessableEntity, res)
	}
	return c.JSON(http.StatusOK, res)
}
