package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/reportfile"
)

// Grades (SPEC §12): a program's rubric and weights, peer review, the
// merchant's rating and the grade sheet. Every rule is in models.

type rubricRequest struct {
	Criteria []models.Criterion `json:"criteria"`
	Version  *int64             `json:"version"`
}

func (r rubricRequest) input() models.RubricInput {
	return models.RubricInput{Criteria: r.Criteria, Version: r.Version}
}

type gradingRequest struct {
	RubricWeight   *int   `json:"rubric_weight"`
	MerchantWeight *int   `json:"merchant_weight"`
	TargetsWeight  *int   `json:"targets_weight"`
	Version        *int64 `json:"version"`
}

func (r gradingRequest) input() models.GradingInput {
	return models.GradingInput{RubricWeight: r.RubricWeight, MerchantWeight: r.MerchantWeight, TargetsWeight: r.TargetsWeight, Version: r.Version}
}

type peerScoresRequest struct {
	Contributing     *int `json:"contributing"`
	Interacting      *int `json:"interacting"`
	KeepingOnTrack   *int `json:"keeping_on_track"`
	ExpectingQuality *int `json:"expecting_quality"`
	HavingSkills     *int `json:"having_skills"`
}

type peerReviewRequest struct {
	Scores  peerScoresRequest `json:"scores"`
	Comment *string           `json:"comment"`
	Version *int64            `json:"version"`
}

type merchantSkillsRequest struct {
	Communication    *int `json:"communication"`
	Creativity       *int `json:"creativity"`
	Professionalism  *int `json:"professionalism"`
	CriticalThinking *int `json:"critical_thinking"`
	Employability    *int `json:"employability"`
}

type merchantRatingRequest struct {
	Overall *int                  `json:"overall"`
	Skills  merchantSkillsRequest `json:"skills"`
	Comment *string               `json:"comment"`
	Version *int64                `json:"version"`
}

func (r merchantRatingRequest) input() models.MerchantRatingInput {
	return models.MerchantRatingInput{Overall: r.Overall, Comment: r.Comment, Version: r.Version, Skills: models.MerchantSkills{
		Communication: r.Skills.Communication, Creativity: r.Skills.Creativity, Professionalism: r.Skills.Professionalism,
		CriticalThinking: r.Skills.CriticalThinking, Employability: r.Skills.Employability}}
}

type releaseRequest struct {
	VisibleToTeam *bool  `json:"visible_to_team"`
	Version       *int64 `json:"version"`
}

func (s *Server) getRubric(c echo.Context) error { return getOne(c, s.store.GetRubric) }
func (s *Server) putRubric(c echo.Context) error {
	return writeOne(c, http.StatusOK, rubricRequest.input, s.store.PutRubric)
}
func (s *Server) getGrading(c echo.Context) error { return getOne(c, s.store.GetGrading) }
func (s *Server) putGrading(c echo.Context) error {
	return writeOne(c, http.StatusOK, gradingRequest.input, s.store.PutGrading)
}
func (s *Server) listPeerReviews(c echo.Context) error { return getOne(c, s.store.ListPeerReviews) }
func (s *Server) peerReviewSummary(c echo.Context) error {
	return getOne(c, s.store.PeerReviewSummary)
}
func (s *Server) programGrades(c echo.Context) error { return getOne(c, s.store.ProgramGrades) }
func (s *Server) getMerchantRating(c echo.Context) error {
	return getOne(c, s.store.GetMerchantRating)
}
func (s *Server) putMerchantRating(c echo.Context) error {
	return writeOne(c, http.StatusOK, merchantRatingRequest.input, s.store.PutMerchantRating)
}

func (s *Server) releaseMerchantRating(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req releaseRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.ReleaseMerchantRating(ctx(c), actor(c), id, req.VisibleToTeam, req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) putPeerReview(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ratee, err := pathID(c, "ratee_id")
	if err != nil {
		return err
	}
	var req peerReviewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	sc := req.Scores
	out, err := s.store.PutPeerReview(ctx(c), actor(c), id, ratee, models.PeerReviewInput{
		Contributing: sc.Contributing, Interacting: sc.Interacting, KeepingOnTrack: sc.KeepingOnTrack,
		ExpectingQuality: sc.ExpectingQuality, HavingSkills: sc.HavingSkills, Comment: req.Comment, Version: req.Version})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// gradesCSV answers the grade sheet as a CSV for the learning system.
func (s *Server) gradesCSV(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sheet, err := s.store.ProgramGrades(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reportfile.WriteGradesCSV(&buf, sheet); err != nil {
		return err
	}
	name := "nalgae-grades-" + strconv.FormatUint(id, 10) + ".csv"
	setDownload(c, name, name)
	return c.Blob(http.StatusOK, contentTypeCSV, buf.Bytes())
}
