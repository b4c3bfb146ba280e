package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/reportfile"
)

// SPEC §13: self-reliance assessments, follow-ups and the hand-over workbook.

type assessmentRequest struct {
	ProgramID  uint64         `json:"program_id"`
	Stage      *string        `json:"stage"`
	AssessedOn *civil.Date    `json:"assessed_on"`
	Answers    map[string]int `json:"answers"`
	Version    *int64         `json:"version"`
}

func (r assessmentRequest) input() models.AssessmentInput {
	return models.AssessmentInput{ProgramID: r.ProgramID, Stage: r.Stage, AssessedOn: r.AssessedOn, Answers: r.Answers, Version: r.Version}
}

type followUpAnswerRequest struct {
	AnsweredOn         *civil.Date   `json:"answered_on"`
	StillSellingOnline *bool         `json:"still_selling_online"`
	ChannelsActive     []models.Kind `json:"channels_active"`
	MonthlySalesKRW    *int64        `json:"monthly_sales_krw"`
	Note               *string       `json:"note"`
	Version            *int64        `json:"version"`
}

func (r followUpAnswerRequest) input() models.FollowUpAnswer {
	return models.FollowUpAnswer{AnsweredOn: r.AnsweredOn, StillSellingOnline: r.StillSellingOnline,
		ChannelsActive: r.ChannelsActive, MonthlySalesKRW: r.MonthlySalesKRW, Note: r.Note, Version: r.Version}
}

// SelfRelianceResponse is the answer of GET /self-reliance: the statements
// and the labelled answer scale, so that every form shows the same words.
type SelfRelianceResponse struct {
	Areas  []string                `json:"areas"`
	Items  []models.AssessmentItem `json:"items"`
	Scale  []models.ScalePoint     `json:"scale"`
	Stages []string                `json:"stages"`
}

func (s *Server) selfReliance(c echo.Context) error {
	return c.JSON(http.StatusOK, SelfRelianceResponse{Areas: models.AssessmentAreas, Items: models.AssessmentItems,
		Scale: models.AssessmentScale, Stages: models.AssessmentStages})
}

func (s *Server) listAssessments(c echo.Context) error {
	return listUnder(c, s.store.ListAssessments)
}

func (s *Server) createAssessment(c echo.Context) error {
	return writeOne(c, http.StatusCreated, assessmentRequest.input, s.store.CreateAssessment)
}

func (s *Server) getAssessment(c echo.Context) error {
	return getOne(c, s.store.GetAssessment)
}

func (s *Server) updateAssessment(c echo.Context) error {
	return writeOne(c, http.StatusOK, assessmentRequest.input, s.store.UpdateAssessment)
}

func (s *Server) answerFollowUp(c echo.Context) error {
	return writeOne(c, http.StatusOK, followUpAnswerRequest.input, s.store.AnswerFollowUp)
}

func (s *Server) listFollowUps(c echo.Context) error {
	filter := models.FollowUpFilter{State: c.QueryParam("state")}
	return listUnder(c, func(ctx context.Context, a models.Actor, id uint64, opt models.ListOptions) (models.Page[models.FollowUp], error) {
		return s.store.ListFollowUps(ctx, a, id, filter, opt)
	})
}

func (s *Server) handoverXLSX(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	h, err := s.store.TeamHandover(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reportfile.WriteHandoverXLSX(&buf, h); err != nil {
		return err
	}
	setDownload(c, reportfile.HandoverFileName(h), fileNamePart(h.Merchant.Name)+" 인수인계 자료.xlsx")
	return c.Blob(http.StatusOK, contentTypeXLSX, buf.Bytes())
}
