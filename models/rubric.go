package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/grade"
)

// ProgramRubric is a program's own rubric (SPEC §12.1); a program without
// one grades by the default Rubric.
type ProgramRubric struct {
	ID        uint64      `json:"-" gorm:"primaryKey"`
	ProgramID uint64      `json:"program_id" gorm:"not null;uniqueIndex"`
	Criteria  []Criterion `json:"criteria" gorm:"serializer:json;type:text;not null"`
	Version   int64       `json:"version" gorm:"not null;default:1"`
	CreatedAt time.Time   `json:"-"`
	UpdatedAt time.Time   `json:"-"`
}

// RubricInput is a whole new rubric.
type RubricInput struct {
	Criteria []Criterion
	Version  *int64
}

// criterionKey: keys are stored in evaluations' scores and named in CSV
// columns and field paths, so they are short snake_case words.
var criterionKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func (in RubricInput) validate() error {
	p := Problems{}
	if len(in.Criteria) == 0 {
		p.Add("criteria", "is required")
	}
	p.Check(len(in.Criteria) > 20, "criteria", "at most 20 criteria")
	seen := map[string]bool{}
	sum := 0
	for i, c := range in.Criteria {
		at := fmt.Sprintf("criteria[%d].", i)
		switch {
		case !criterionKey.MatchString(c.Key):
			p.Add(at+"key", "must be 1–40 lowercase letters, digits or _, starting with a letter")
		case seen[c.Key]:
			p.Add(at+"key", "is used twice")
		}
		seen[c.Key] = true
		checkText(p, at+"label_ko", c.LabelKo, 100, true)
		checkText(p, at+"label_en", c.LabelEn, 100, true)
		p.Check(c.MaxPoints < 1 || c.MaxPoints > 100, at+"max_points", "must be between 1 and 100")
		sum += c.MaxPoints
	}
	if len(in.Criteria) > 0 {
		p.Check(sum != 100, "criteria", fmt.Sprintf("max_points must sum to 100 (they sum to %d)", sum))
	}
	return p.Err()
}

// programRubric is the program's stored rubric, or the default one
// (version 0, not stored) when its staff never changed it.
func programRubric(tx *gorm.DB, programID uint64) (*ProgramRubric, error) {
	var r ProgramRubric
	err := tx.Where("program_id = ?", programID).First(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &ProgramRubric{ProgramID: programID, Criteria: slices.Clone(Rubric)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load the rubric: %w", err)
	}
	return &r, nil
}

// programCriteria is the rubric evaluations of the program are checked
// against.
func programCriteria(tx *gorm.DB, programID uint64) ([]Criterion, error) {
	r, err := programRubric(tx, programID)
	if err != nil {
		return nil, err
	}
	return r.Criteria, nil
}

// GetRubric answers a program's rubric (staff).
func (s *Store) GetRubric(ctx context.Context, actor Actor, programID uint64) (*ProgramRubric, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canGrade()); err != nil {
		return nil, err
	}
	return programRubric(tx, programID)
}

// PutRubric replaces a program's rubric. Once a team of the program has an
// evaluation the rubric is fixed (409 rubric_in_use): scores given against
// one rubric cannot be read against another. Sending the rubric it already
// has changes nothing and is not an error.
func (s *Store) PutRubric(ctx context.Context, actor Actor, programID uint64, in RubricInput) (*ProgramRubric, error) {
	var out *ProgramRubric
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canGrade()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, programID); err != nil {
			return nil, err
		}
		for i := range in.Criteria {
			in.Criteria[i].Key = strings.TrimSpace(in.Criteria[i].Key)
			in.Criteria[i].LabelKo = strings.TrimSpace(in.Criteria[i].LabelKo)
			in.Criteria[i].LabelEn = strings.TrimSpace(in.Criteria[i].LabelEn)
		}
		if err := in.validate(); err != nil {
			return nil, err
		}
		r, err := programRubric(tx, programID)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, r.Version); err != nil {
			return nil, err
		}
		out = r
		if slices.Equal(r.Criteria, in.Criteria) {
			return nil, nil
		}
		var graded int64
		err = tx.Model(&Evaluation{}).Joins("JOIN teams ON teams.id = evaluations.team_id").
			Where("teams.program_id = ?", programID).Count(&graded).Error
		if err != nil {
			return nil, fmt.Errorf("count evaluations: %w", err)
		}
		if graded > 0 {
			return nil, Conflict("rubric_in_use", "the program has %d evaluations graded against its rubric; the rubric can no longer change", graded)
		}
		before := *r
		r.Criteria = in.Criteria
		if r.ID == 0 {
			r.Version = 1
			if err := tx.Create(r).Error; err != nil {
				return nil, duplicate(err, "the rubric")
			}
			return []audit{{action: "create", entity: "rubric", entityID: r.ID, programID: programID, after: r}}, nil
		}
		r.Version++
		if err := saveVersioned(tx, r, r.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "rubric", entityID: r.ID, programID: programID, before: before, after: r}}, nil
	})
	return out, err
}

// ProgramGrading is a program's grading weights (SPEC §12.4); a program
// without a row weighs by grade.DefaultWeights.
type ProgramGrading struct {
	ID             uint64    `json:"-" gorm:"primaryKey"`
	ProgramID      uint64    `json:"program_id" gorm:"not null;uniqueIndex"`
	RubricWeight   int       `json:"rubric_weight" gorm:"not null"`
	MerchantWeight int       `json:"merchant_weight" gorm:"not null"`
	TargetsWeight  int       `json:"targets_weight" gorm:"not null"`
	Version        int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt      time.Time `json:"-"`
	UpdatedAt      time.Time `json:"-"`
}

func (g ProgramGrading) weights() grade.Weights {
	return grade.Weights{Rubric: g.RubricWeight, Merchant: g.MerchantWeight, Targets: g.TargetsWeight}
}

// GradingInput is the three weights, each required.
type GradingInput struct {
	RubricWeight, MerchantWeight, TargetsWeight *int
	Version                                     *int64
}

func programGrading(tx *gorm.DB, programID uint64) (*ProgramGrading, error) {
	var g ProgramGrading
	err := tx.Where("program_id = ?", programID).First(&g).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		w := grade.DefaultWeights
		return &ProgramGrading{ProgramID: programID, RubricWeight: w.Rubric, MerchantWeight: w.Merchant, TargetsWeight: w.Targets}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load the grading weights: %w", err)
	}
	return &g, nil
}

// GetGrading answers a program's grading weights (staff).
func (s *Store) GetGrading(ctx context.Context, actor Actor, programID uint64) (*ProgramGrading, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canGrade()); err != nil {
		return nil, err
	}
	return programGrading(tx, programID)
}

// PutGrading sets a program's grading weights: integers 0–100 summing to 100.
func (s *Store) PutGrading(ctx context.Context, actor Actor, programID uint64, in GradingInput) (*ProgramGrading, error) {
	var out *ProgramGrading
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canGrade()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, programID); err != nil {
			return nil, err
		}
		p := Problems{}
		sum := 0
		for _, w := range []struct {
			field string
			v     *int
		}{{"rubric_weight", in.RubricWeight}, {"merchant_weight", in.MerchantWeight}, {"targets_weight", in.TargetsWeight}} {
			switch {
			case w.v == nil:
				p.Add(w.field, "is required")
			case *w.v < 0 || *w.v > 100:
				p.Add(w.field, "must be between 0 and 100")
			default:
				sum += *w.v
			}
		}
		if len(p) == 0 && sum != 100 {
			for _, f := range []string{"rubric_weight", "merchant_weight", "targets_weight"} {
				p.Add(f, fmt.Sprintf("the three weights must sum to 100 (they sum to %d)", sum))
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		g, err := programGrading(tx, programID)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, g.Version); err != nil {
			return nil, err
		}
		out = g
		before := *g
		g.RubricWeight, g.MerchantWeight, g.TargetsWeight = *in.RubricWeight, *in.MerchantWeight, *in.TargetsWeight
		if g.weights() == before.weights() {
			return nil, nil
		}
		if g.ID == 0 {
			g.Version = 1
			if err := tx.Create(g).Error; err != nil {
				return nil, duplicate(err, "the grading weights")
			}
			return []audit{{action: "create", entity: "grading", entityID: g.ID, programID: programID, after: g}}, nil
		}
		g.Version++
		if err := saveVersioned(tx, g, g.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "grading", entityID: g.ID, programID: programID, before: before, after: g}}, nil
	})
	return out, err
}
