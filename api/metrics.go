package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

type metricRequest struct {
	Date        *civil.Date `json:"date"`
	SpendKRW    *int64      `json:"spend_krw"`
	Impressions *int64      `json:"impressions"`
	Clicks      *int64      `json:"clicks"`
	Conversions *int64      `json:"conversions"`
	RevenueKRW  *int64      `json:"revenue_krw"`
	Viewers     *int64      `json:"viewers"`
	PeakViewers *int64      `json:"peak_viewers"`
	Likes       *int64      `json:"likes"`
	Comments    *int64      `json:"comments"`
	DurationMin *int64      `json:"duration_min"`
	Version     *int64      `json:"version"`
}

func (r metricRequest) input() models.MetricInput {
	return models.MetricInput{Date: r.Date, SpendKRW: r.SpendKRW, Impressions: r.Impressions, Clicks: r.Clicks,
		Conversions: r.Conversions, RevenueKRW: r.RevenueKRW, Viewers: r.Viewers, PeakViewers: r.PeakViewers,
		Likes: r.Likes, Comments: r.Comments, DurationMin: r.DurationMin, Version: r.Version}
}

// transitionRequest is the body of submit, approve, return and confirm.
type transitionRequest struct {
	Note    string `json:"note"`
	Version *int64 `json:"version"`
}

func (s *Server) listMetrics(c echo.Context) error {
	campaignID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	p := models.Problems{}
	f := models.MetricFilter{From: queryDate(c, "from", p), To: queryDate(c, "to", p), ListOptions: opt}
	if err := p.Err(); err != nil {
		return err
	}
	if f.Statuses, err = models.ParseStatuses(c.QueryParam("statuses"), nil); err != nil {
		return err
	}
	page, err := s.store.ListMetrics(ctx(c), actor(c), campaignID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// upsertMetric answers 201 for a new day and 200 for an updated one.
func (s *Server) upsertMetric(c echo.Context) error {
	campaignID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req metricRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, created, err := s.store.UpsertMetricByToken(ctx(c), tokenUser(c), campaignID, req.input())
	if err != nil {
		return err
	}
	if created {
		return c.JSON(http.StatusCreated, m)
	}
	return c.JSON(http.StatusOK, m)
}

func (s *Server) getMetric(c echo.Context) error {
	return getOne(c, s.store.GetMetric)
}

func (s *Server) updateMetric(c echo.Context) error {
	return writeOne(c, http.StatusOK, metricRequest.input, s.store.UpdateMetric)
}

func (s *Server) deleteMetric(c echo.Context) error {
	return deleteOne(c, s.store.DeleteMetric)
}

// transitionMetric handles submit, approve and return.
func (s *Server) transitionMetric(action string) echo.HandlerFunc {
	return transition(action, s.store.TransitionMetric)
}
