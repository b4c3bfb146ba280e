package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// Digital self-reliance (디지털 자립도, SPEC §13.1): twelve statements in
// four areas, each answered 1 (전혀 아니다) to 5 (매우 그렇다).

// Assessment stages.
const (
	StageBaseline = "baseline"
	StageEndline  = "endline"
	StageFollowup = "followup"
)

// AssessmentStages lists the stages in the order they happen.
var AssessmentStages = []string{StageBaseline, StageEndline, StageFollowup}

// AssessmentItem is one statement of the assessment in both languages.
type AssessmentItem struct {
	Key  string `json:"key"`
	Area string `json:"area"`
	Ko   string `json:"ko"`
	En   string `json:"en"`
}

// AssessmentAreas are the four areas in report order.
var AssessmentAreas = []string{"store", "ads", "content", "data"}

// AssessmentItems are the twelve statements, three per area (SPEC §13.1).
var AssessmentItems = []AssessmentItem{
	{"store_listing", "store", "온라인 스토어에 상품을 직접 등록하고 수정할 수 있다", "I can register and edit products in my online store myself"},
	{"store_orders", "store", "온라인 주문·반품·리뷰를 직접 처리한다", "I handle orders, returns and reviews online myself"},
	{"store_stats", "store", "스토어의 판매 통계를 읽을 수 있다", "I read my store's sales statistics"},
	{"ads_setup", "ads", "검색광고 캠페인을 직접 시작할 수 있다", "I can start a search-ad campaign myself"},
	{"ads_budget", "ads", "광고 예산과 입찰가를 직접 정하고 바꾼다", "I set and change ad budgets and bids myself"},
	{"ads_reading", "ads", "광고수익률(ROAS)과 클릭당 비용을 알고 있다", "I know my ROAS and what a click costs me"},
	{"content_photos", "content", "상품 사진과 설명을 직접 만든다", "I make product photos and descriptions myself"},
	{"content_live", "content", "라이브커머스 방송을 진행할 수 있다", "I can run a live commerce broadcast"},
	{"content_clips", "content", "숏클립이나 SNS 게시물을 꾸준히 만든다", "I make short clips or SNS posts regularly"},
	{"data_customers", "data", "온라인 고객이 누구인지 알고 있다", "I know who my online customers are"},
	{"data_decisions", "data", "데이터를 보고 상품이나 가격을 바꾼다", "I change products or prices based on data"},
	{"data_plan", "data", "앞으로 6개월의 온라인 판매 계획이 있다", "I have a plan for my online sales for the next six months"},
}

// AssessmentScale labels the five points of an answer.
var AssessmentScale = []ScalePoint{
	{1, "전혀 아니다", "Strongly disagree"},
	{2, "아니다", "Disagree"},
	{3, "보통이다", "Neutral"},
	{4, "그렇다", "Agree"},
	{5, "매우 그렇다", "Strongly agree"},
}

// ScalePoint is one labelled point of the answer scale.
type ScalePoint struct {
	Value int    `json:"value"`
	Ko    string `json:"ko"`
	En    string `json:"en"`
}

// AssessmentScores are an assessment's area and overall scores, 0–100,
// unrounded: an area is (mean of its answers − 1) / 4 × 100, the overall
// score the mean of the four areas.
type AssessmentScores struct {
	Store   float64 `json:"store"`
	Ads     float64 `json:"ads"`
	Content float64 `json:"content"`
	Data    float64 `json:"data"`
	Overall float64 `json:"overall"`
}

// Area is the score of one area by its key.
func (s AssessmentScores) Area(area string) float64 {
	switch area {
	case "store":
		return s.Store
	case "ads":
		return s.Ads
	case "content":
		return s.Content
	case "data":
		return s.Data
	}
	return 0
}

// ScoreAnswers computes the scores of a complete set of answers.
func ScoreAnswers(answers map[string]int) AssessmentScores {
	sum := map[string]int{}
	n := map[string]int{}
	for _, it := range AssessmentItems {
		if v, ok := answers[it.Key]; ok {
			sum[it.Area] += v
			n[it.Area]++
		}
	}
	area := func(a string) float64 {
		if n[a] == 0 {
			return 0
		}
		return (float64(sum[a])/float64(n[a]) - 1) / 4 * 100
	}
	s := AssessmentScores{Store: area("store"), Ads: area("ads"), Content: area("content"), Data: area("data")}
	s.Overall = (s.Store + s.Ads + s.Content + s.Data) / 4
	return s
}

// Assessment is one merchant's self-assessment at one stage of a program.
type Assessment struct {
	ID         uint64           `json:"id" gorm:"primaryKey"`
	MerchantID uint64           `json:"merchant_id" gorm:"not null;uniqueIndex:idx_assessment_stage"`
	ProgramID  uint64           `json:"program_id" gorm:"not null;uniqueIndex:idx_assessment_stage;index"`
	Stage      string           `json:"stage" gorm:"not null;uniqueIndex:idx_assessment_stage"`
	AssessedOn civil.Date       `json:"assessed_on" gorm:"type:date;not null"`
	Answers    map[string]int   `json:"answers" gorm:"serializer:json;type:text;not null"`
	Scores     AssessmentScores `json:"scores" gorm:"-"`
	EnteredBy  uint64           `json:"entered_by" gorm:"not null"`
	Version    int64            `json:"version" gorm:"not null;default:1"`
	CreatedAt  time.Time        `json:"created_at"`
	UpdatedAt  time.Time        `json:"updated_at"`
}

// AfterFind scores the answers as they are read, so that every answer
// carrying an assessment carries its scores.
func (a *Assessment) AfterFind(*gorm.DB) error {
	a.Scores = ScoreAnswers(a.Answers)
	return nil
}

// AssessmentInput is a new assessment or the fields to change (nil = keep).
type AssessmentInput struct {
	ProgramID  uint64
	Stage      *string
	AssessedOn *civil.Date
	Answers    map[string]int
	Version    *int64
}

func (in AssessmentInput) apply(a *Assessment) error {
	p := Problems{}
	if in.Stage != nil {
		a.Stage = *in.Stage
	}
	if in.AssessedOn != nil {
		a.AssessedOn = *in.AssessedOn
	}
	if in.Answers != nil {
		known := map[string]bool{}
		for _, it := range AssessmentItems {
			known[it.Key] = true
			v, ok := in.Answers[it.Key]
			switch {
			case !ok:
				p.Add("answers."+it.Key, "is required")
			case v < 1 || v > 5:
				p.Add("answers."+it.Key, "must be an integer from 1 to 5")
			}
		}
		for k := range in.Answers {
			if !known[k] {
				p.Add("answers."+k, "is not one of the twelve statements")
			}
		}
		a.Answers = in.Answers
	}
	p.Check(a.Answers == nil, "answers", "is required")
	p.Check(!oneOf(a.Stage, AssessmentStages...), "stage", "must be baseline, endline or followup")
	p.Check(a.AssessedOn.IsZero(), "assessed_on", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	a.Scores = ScoreAnswers(a.Answers)
	return nil
}

// CreateAssessment records a merchant's assessment in a program: by the
// merchant's owner, the students of the merchant's team in that program, or
// the program's staff. It is allowed on a closed program (SPEC §11.3).
func (s *Store) CreateAssessment(ctx context.Context, actor Actor, merchantID uint64, in AssessmentInput) (*Assessment, error) {
	if in.ProgramID == 0 {
		return nil, Invalid("program_id", "is required")
	}
	var a Assessment
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		rel, err := merchantProgramRelation(tx, actor, merchantID, in.ProgramID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAssess()); err != nil {
			return nil, err
		}
		a = Assessment{MerchantID: merchantID, ProgramID: in.ProgramID, EnteredBy: actor.UserID, Version: 1}
		if err := in.apply(&a); err != nil {
			return nil, err
		}
		var n int64
		if err := tx.Model(&Assessment{}).Where("merchant_id = ? AND program_id = ? AND stage = ?", merchantID, in.ProgramID, a.Stage).Count(&n).Error; err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, Conflict("duplicate", "the merchant's %s assessment in this program already exists; change it with PATCH", a.Stage)
		}
		if err := tx.Create(&a).Error; err != nil {
			return nil, duplicate(err, "this assessment")
		}
		return []audit{{action: "create", entity: "assessment", entityID: a.ID, programID: a.ProgramID, after: a}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// ListAssessments lists a merchant's assessments in the programs where the
// actor may read one of the merchant's teams.
func (s *Store) ListAssessments(ctx context.Context, actor Actor, merchantID uint64, opt ListOptions) (Page[Assessment], error) {
	tx := s.db.WithContext(ctx)
	if err := checkMerchantReadable(tx, actor, merchantID); err != nil {
		return Page[Assessment]{}, err
	}
	q := tx.Model(&Assessment{}).Where("merchant_id = ?", merchantID).
		Where("program_id IN (?)", assessableProgramIDs(tx, actor, merchantID))
	return paginate(q, "id", opt, func(a Assessment) uint64 { return a.ID })
}

func loadAssessment(tx *gorm.DB, actor Actor, id uint64) (*Assessment, relation, error) {
	var a Assessment
	if err := first(tx, &a, id); err != nil {
		return nil, 0, err
	}
	rel, err := merchantProgramRelation(tx, actor, a.MerchantID, a.ProgramID)
	if err != nil {
		return nil, 0, err
	}
	if !rel.canRead() {
		return nil, 0, ErrNotFound
	}
	return &a, rel, nil
}

// GetAssessment loads one assessment the actor may read.
func (s *Store) GetAssessment(ctx context.Context, actor Actor, id uint64) (*Assessment, error) {
	a, _, err := loadAssessment(s.db.WithContext(ctx), actor, id)
	return a, err
}

// UpdateAssessment changes an assessment; version required.
func (s *Store) UpdateAssessment(ctx context.Context, actor Actor, id uint64, in AssessmentInput) (*Assessment, error) {
	if in.Version == nil {
		return nil, Invalid("version", "is required")
	}
	var out *Assessment
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		a, rel, err := loadAssessment(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAssess()); err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, a.Version); err != nil {
			return nil, err
		}
		if in.ProgramID != 0 && in.ProgramID != a.ProgramID {
			return nil, Invalid("program_id", "cannot change; record a new assessment in the other program")
		}
		before := *a
		if err := in.apply(a); err != nil {
			return nil, err
		}
		if a.Stage != before.Stage {
			var n int64
			if err := tx.Model(&Assessment{}).Where("merchant_id = ? AND program_id = ? AND stage = ? AND id <> ?", a.MerchantID, a.ProgramID, a.Stage, a.ID).Count(&n).Error; err != nil {
				return nil, err
			}
			if n > 0 {
				return nil, Conflict("duplicate", "the merchant's %s assessment in this program already exists", a.Stage)
			}
		}
		a.EnteredBy = actor.UserID
		a.Version++
		if err := saveVersioned(tx, a, a.ID, before.Version); err != nil {
			return nil, duplicate(err, "this assessment")
		}
		out = a
		return []audit{{action: "update", entity: "assessment", entityID: a.ID, programID: a.ProgramID, before: before, after: a}}, nil
	})
	return out, err
}

// programAssessments loads the assessments of a program's merchants, by
// merchant and stage; a comparison team's merchant is not the program's
// and stays out of its self-reliance figures, like its sales.
func programAssessments(tx *gorm.DB, programID uint64) (map[uint64]map[string]Assessment, error) {
	var rows []Assessment
	participants := tx.Session(&gorm.Session{NewDB: true}).Model(&Team{}).Select("merchant_id").
		Where("program_id = ? AND NOT comparison", programID)
	if err := tx.Where("program_id = ? AND merchant_id IN (?)", programID, participants).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load assessments: %w", err)
	}
	out := map[uint64]map[string]Assessment{}
	for _, a := range rows {
		if out[a.MerchantID] == nil {
			out[a.MerchantID] = map[string]Assessment{}
		}
		out[a.MerchantID][a.Stage] = a
	}
	return out, nil
}

// ProgramSelfReliance is the report's paired change in self-reliance: the
// means of the overall score over the merchants with both a baseline and an
// endline assessment in the program (the same merchants for each), null
// with none paired. BaselineAreas and EndlineAreas are the same means per
// area, for the chart of the four areas before and after.
type ProgramSelfReliance struct {
	BaselineMean    *float64          `json:"baseline_mean"`
	EndlineMean     *float64          `json:"endline_mean"`
	ChangeMean      *float64          `json:"change_mean"`
	MerchantsPaired int               `json:"merchants_paired"`
	BaselineAreas   *AssessmentScores `json:"baseline_areas"`
	EndlineAreas    *AssessmentScores `json:"endline_areas"`
}

// TeamSelfReliance is a team row's self-reliance: its merchant's overall
// scores at baseline and endline and the change (null where missing).
type TeamSelfReliance struct {
	Baseline *float64 `json:"baseline"`
	Endline  *float64 `json:"endline"`
	Change   *float64 `json:"change"`
}

func teamSelfReliance(stages map[string]Assessment) TeamSelfReliance {
	var out TeamSelfReliance
	if a, ok := stages[StageBaseline]; ok {
		out.Baseline = ptr(a.Scores.Overall)
	}
	if a, ok := stages[StageEndline]; ok {
		out.Endline = ptr(a.Scores.Overall)
	}
	if out.Baseline != nil && out.Endline != nil {
		out.Change = ptr(*out.Endline - *out.Baseline)
	}
	return out
}

// programSelfReliance pairs each merchant's baseline and endline.
func programSelfReliance(byMerchant map[uint64]map[string]Assessment) ProgramSelfReliance {
	var out ProgramSelfReliance
	var before, after AssessmentScores
	for _, stages := range byMerchant {
		b, okB := stages[StageBaseline]
		e, okE := stages[StageEndline]
		if !okB || !okE {
			continue
		}
		out.MerchantsPaired++
		before = addScores(before, b.Scores)
		after = addScores(after, e.Scores)
	}
	if out.MerchantsPaired == 0 {
		return out
	}
	n := float64(out.MerchantsPaired)
	before, after = divScores(before, n), divScores(after, n)
	out.BaselineMean, out.EndlineMean = ptr(before.Overall), ptr(after.Overall)
	out.ChangeMean = ptr(after.Overall - before.Overall)
	out.BaselineAreas, out.EndlineAreas = &before, &after
	return out
}

func addScores(a, b AssessmentScores) AssessmentScores {
	return AssessmentScores{a.Store + b.Store, a.Ads + b.Ads, a.Content + b.Content, a.Data + b.Data, a.Overall + b.Overall}
}

func divScores(a AssessmentScores, n float64) AssessmentScores {
	return AssessmentScores{a.Store / n, a.Ads / n, a.Content / n, a.Data / n, a.Overall / n}
}
