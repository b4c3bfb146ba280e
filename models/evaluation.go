package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Criterion is one line of the grading rubric.
type Criterion struct {
	Key       string `json:"key"`
	LabelKo   string `json:"label_ko"`
	LabelEn   string `json:"label_en"`
	MaxPoints int    `json:"max_points"`
}

// Rubric is the default grading rubric, a program's until its staff change
// it (rubric.go); the total is out of 100.
var Rubric = []Criterion{
	{"planning", "기획", "Planning", 20},           // market analysis and campaign plan
	{"execution", "실행", "Execution", 30},         // campaigns run, results logged on time
	{"results", "성과", "Results", 30},             // KPIs reached against the targets
	{"collaboration", "협업", "Collaboration", 20}, // work with the merchant and within the team
}

// EvaluationInput is a grade, or the fields to change (nil = keep).
type EvaluationInput struct {
	Scores        map[string]int
	Feedback      *string
	VisibleToTeam *bool
	Version       *int64
}

// apply checks the input against the program's rubric and writes it to e.
func (in EvaluationInput) apply(e *Evaluation, rubric []Criterion) error {
	p := Problems{}
	if in.Scores != nil {
		known := map[string]int{}
		for _, c := range rubric {
			known[c.Key] = c.MaxPoints
		}
		for k, v := range in.Scores {
			max, ok := known[k]
			if !ok {
				p.Add("scores."+k, "is not a rubric criterion")
				continue
			}
			p.Check(v < 0 || v > max, "scores."+k, fmt.Sprintf("must be between 0 and %d", max))
		}
		for _, c := range rubric {
			_, ok := in.Scores[c.Key]
			p.Check(!ok, "scores."+c.Key, "is required")
		}
		e.Scores = in.Scores
	}
	if in.Feedback != nil {
		checkText(p, "feedback", *in.Feedback, 8000, false)
		e.Feedback = strings.TrimSpace(*in.Feedback)
	}
	if in.VisibleToTeam != nil {
		e.VisibleToTeam = *in.VisibleToTeam
	}
	if e.Scores == nil {
		p.Add("scores", "is required")
	}
	e.Total = 0
	for _, v := range e.Scores {
		e.Total += v
	}
	return p.Err()
}

// CreateEvaluation grades a team (admins and the program's professors).
func (s *Store) CreateEvaluation(ctx context.Context, actor Actor, teamID uint64, in EvaluationInput) (*Evaluation, error) {
	var e Evaluation
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEvaluate()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		rubric, err := programCriteria(tx, t.ProgramID)
		if err != nil {
			return nil, err
		}
		e = Evaluation{TeamID: teamID, AuthorID: actor.UserID, Version: 1}
		if err := in.apply(&e, rubric); err != nil {
			return nil, err
		}
		if err := tx.Create(&e).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "evaluation", entityID: e.ID, programID: t.ProgramID, after: e}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ListEvaluations lists a team's evaluations: all of them for reviewers, the
// visible ones for the team's students; others may not see grades.
func (s *Store) ListEvaluations(ctx context.Context, actor Actor, teamID uint64, opt ListOptions) (Page[Evaluation], error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return Page[Evaluation]{}, err
	}
	if err := allow(rel, rel.canReadEvaluations()); err != nil {
		return Page[Evaluation]{}, err
	}
	q := tx.Model(&Evaluation{}).Where("team_id = ?", teamID)
	if !rel.canEvaluate() {
		q = q.Where("visible_to_team = ?", true)
	}
	return paginate(q, "id", opt, func(e Evaluation) uint64 { return e.ID })
}

func loadEvaluation(tx *gorm.DB, actor Actor, id uint64) (*Evaluation, *Team, relation, error) {
	var e Evaluation
	if err := first(tx, &e, id); err != nil {
		return nil, nil, 0, err
	}
	t, rel, err := loadTeam(tx, actor, e.TeamID)
	if err != nil {
		return nil, nil, 0, err
	}
	if !rel.canReadEvaluation(e.VisibleToTeam) {
		return nil, nil, 0, ErrNotFound
	}
	return &e, t, rel, nil
}

// GetEvaluation loads one evaluation the actor may see.
func (s *Store) GetEvaluation(ctx context.Context, actor Actor, id uint64) (*Evaluation, error) {
	e, _, _, err := loadEvaluation(s.db.WithContext(ctx), actor, id)
	return e, err
}

// UpdateEvaluation changes a grade.
func (s *Store) UpdateEvaluation(ctx context.Context, actor Actor, id uint64, in EvaluationInput) (*Evaluation, error) {
	var out *Evaluation
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		e, t, rel, err := loadEvaluation(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEvaluate()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, e.Version); err != nil {
			return nil, err
		}
		rubric, err := programCriteria(tx, t.ProgramID)
		if err != nil {
			return nil, err
		}
		before := *e
		if err := in.apply(e, rubric); err != nil {
			return nil, err
		}
		e.Version++
		if err := saveVersioned(tx, e, e.ID, before.Version); err != nil {
			return nil, err
		}
		out = e
		return []audit{{action: "update", entity: "evaluation", entityID: e.ID, programID: t.ProgramID, before: before, after: e}}, nil
	})
	return out, err
}
