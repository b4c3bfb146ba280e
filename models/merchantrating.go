package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MerchantSkills are the five skills a merchant may rate a team on, each
// 1–5 or not rated (SPEC §12.3).
type MerchantSkills struct {
	Communication    *int `json:"communication" gorm:"column:skill_communication"`
	Creativity       *int `json:"creativity" gorm:"column:skill_creativity"`
	Professionalism  *int `json:"professionalism" gorm:"column:skill_professionalism"`
	CriticalThinking *int `json:"critical_thinking" gorm:"column:skill_critical_thinking"`
	Employability    *int `json:"employability" gorm:"column:skill_employability"`
}

// MerchantRating is the merchant's rating of the team that worked for them.
type MerchantRating struct {
	ID            uint64         `json:"id" gorm:"primaryKey"`
	TeamID        uint64         `json:"team_id" gorm:"not null;uniqueIndex"`
	RaterID       uint64         `json:"rater_id" gorm:"not null"`
	Overall       int            `json:"overall" gorm:"not null"`
	Skills        MerchantSkills `json:"skills" gorm:"embedded"`
	Comment       string         `json:"comment" gorm:"not null;default:''"`
	VisibleToTeam bool           `json:"visible_to_team" gorm:"not null;default:false"`
	Version       int64          `json:"version" gorm:"not null;default:1"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

// MerchantRatingInput is a whole rating: overall required, skills optional.
type MerchantRatingInput struct {
	Overall *int
	Skills  MerchantSkills
	Comment *string
	Version *int64
}

func loadMerchantRating(tx *gorm.DB, teamID uint64) (*MerchantRating, error) {
	var r MerchantRating
	err := tx.Where("team_id = ?", teamID).First(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load the merchant's rating: %w", err)
	}
	return &r, nil
}

// PutMerchantRating creates or replaces the rating of a team by its
// merchant's owner.
func (s *Store) PutMerchantRating(ctx context.Context, actor Actor, teamID uint64, in MerchantRatingInput) (*MerchantRating, error) {
	var out *MerchantRating
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canRateTeamAsMerchant()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		p := Problems{}
		if in.Overall == nil {
			p.Add("overall", "is required")
		} else {
			p.Check(*in.Overall < 1 || *in.Overall > 5, "overall", "must be an integer from 1 to 5")
		}
		for _, sk := range []struct {
			name string
			v    *int
		}{{"communication", in.Skills.Communication}, {"creativity", in.Skills.Creativity},
			{"professionalism", in.Skills.Professionalism}, {"critical_thinking", in.Skills.CriticalThinking},
			{"employability", in.Skills.Employability}} {
			p.Check(sk.v != nil && (*sk.v < 1 || *sk.v > 5), "skills."+sk.name, "must be an integer from 1 to 5")
		}
		comment := ""
		if in.Comment != nil {
			checkText(p, "comment", *in.Comment, 4000, false)
			comment = strings.TrimSpace(*in.Comment)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		r, err := loadMerchantRating(tx, teamID)
		if errors.Is(err, ErrNotFound) {
			if in.Version != nil && *in.Version != 0 {
				return nil, errVersion(0)
			}
			r = &MerchantRating{TeamID: teamID, RaterID: actor.UserID, Overall: *in.Overall, Skills: in.Skills, Comment: comment, Version: 1}
			if err := tx.Create(r).Error; err != nil {
				return nil, duplicate(err, "the merchant's rating")
			}
			out = r
			return []audit{{action: "create", entity: "merchant_rating", entityID: r.ID, programID: t.ProgramID, after: r}}, nil
		}
		if err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, r.Version); err != nil {
			return nil, err
		}
		before := *r
		r.RaterID, r.Overall, r.Skills, r.Comment = actor.UserID, *in.Overall, in.Skills, comment
		r.Version++
		if err := saveVersioned(tx, r, r.ID, before.Version); err != nil {
			return nil, err
		}
		out = r
		return []audit{{action: "update", entity: "merchant_rating", entityID: r.ID, programID: t.ProgramID, before: before, after: r}}, nil
	})
	return out, err
}

// GetMerchantRating answers a team's rating to its merchant's owner and the
// staff, and to its students once released (404 before, as if there were
// none, and 404 while the merchant has not rated).
func (s *Store) GetMerchantRating(ctx context.Context, actor Actor, teamID uint64) (*MerchantRating, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.mayReadMerchantRatings()); err != nil {
		return nil, err
	}
	r, err := loadMerchantRating(tx, teamID)
	if err != nil {
		return nil, err
	}
	if !rel.canReadMerchantRating(r.VisibleToTeam) {
		return nil, ErrNotFound
	}
	return r, nil
}

// ReleaseMerchantRating shows or hides the rating to the team's students
// (staff).
func (s *Store) ReleaseMerchantRating(ctx context.Context, actor Actor, teamID uint64, visible *bool, version *int64) (*MerchantRating, error) {
	var out *MerchantRating
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canGrade()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		if visible == nil {
			return nil, &ValidationError{Fields: map[string]string{"visible_to_team": "is required"}}
		}
		r, err := loadMerchantRating(tx, teamID)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(version, r.Version); err != nil {
			return nil, err
		}
		out = r
		if r.VisibleToTeam == *visible {
			return nil, nil
		}
		before := *r
		r.VisibleToTeam = *visible
		r.Version++
		if err := saveVersioned(tx, r, r.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "merchant_rating", entityID: r.ID, programID: t.ProgramID, before: before, after: r}}, nil
	})
	return out, err
}
