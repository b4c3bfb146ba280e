package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

type commentRequest struct {
	Body       string  `json:"body"`
	CampaignID *uint64 `json:"campaign_id"`
	MetricID   *uint64 `json:"metric_id"`
}

func (r commentRequest) input() models.CommentInput {
	return models.CommentInput{Body: r.Body, CampaignID: r.CampaignID, MetricID: r.MetricID}
}

func (s *Server) listComments(c echo.Context) error {
	teamID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	p := models.Problems{}
	f := models.CommentFilter{CampaignID: queryID(c, "campaign_id", p), MetricID: queryID(c, "metric_id", p), ListOptions: opt}
	if err := p.Err(); err != nil {
		return err
	}
	page, err := s.store.ListComments(ctx(c), actor(c), teamID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createComment(c echo.Context) error {
	return writeOne(c, http.StatusCreated, commentRequest.input, s.store.CreateComment)
}

func (s *Server) deleteComment(c echo.Context) error {
	return deleteOne(c, s.store.DeleteComment)
}
