package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for grades (SPEC §12): a program's rubric and grading
// weights (one row each, absent until staff change the defaults), peer
// reviews (one per rater and ratee in a team) and the merchant's rating of
// a team (one per team).
type (
	gradesRubric struct {
		ID        uint64      `gorm:"primaryKey"`
		ProgramID uint64      `gorm:"not null;uniqueIndex"`
		Program   initProgram `gorm:"foreignKey:ProgramID;constraint:OnDelete:CASCADE"`
		Criteria  string      `gorm:"type:text;not null"`
		Version   int64       `gorm:"not null;default:1"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	gradesWeights struct {
		ID             uint64      `gorm:"primaryKey"`
		ProgramID      uint64      `gorm:"not null;uniqueIndex"`
		Program        initProgram `gorm:"foreignKey:ProgramID;constraint:OnDelete:CASCADE"`
		RubricWeight   int         `gorm:"not null"`
		MerchantWeight int         `gorm:"not null"`
		TargetsWeight  int         `gorm:"not null"`
		Version        int64       `gorm:"not null;default:1"`
		CreatedAt      time.Time
		UpdatedAt      time.Time
	}
	gradesPeerReview struct {
		ID                    uint64   `gorm:"primaryKey"`
		TeamID                uint64   `gorm:"not null;uniqueIndex:idx_peer_reviews_pair"`
		Team                  initTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		RaterID               uint64   `gorm:"not null;uniqueIndex:idx_peer_reviews_pair"`
		RateeID               uint64   `gorm:"not null;uniqueIndex:idx_peer_reviews_pair"`
		ScoreContributing     int      `gorm:"not null"`
		ScoreInteracting      int      `gorm:"not null"`
		ScoreKeepingOnTrack   int      `gorm:"not null"`
		ScoreExpectingQuality int      `gorm:"not null"`
		ScoreHavingSkills     int      `gorm:"not null"`
		Comment               string   `gorm:"not null;default:''"`
		Version               int64    `gorm:"not null;default:1"`
		CreatedAt             time.Time
		UpdatedAt             time.Time
	}
	gradesMerchantRating struct {
		ID                    uint64   `gorm:"primaryKey"`
		TeamID                uint64   `gorm:"not null;uniqueIndex"`
		Team                  initTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		RaterID               uint64   `gorm:"not null"`
		Overall               int      `gorm:"not null"`
		SkillCommunication    *int
		SkillCreativity       *int
		SkillProfessionalism  *int
		SkillCriticalThinking *int
		SkillEmployability    *int
		Comment               string `gorm:"not null;default:''"`
		VisibleToTeam         bool   `gorm:"not null;default:false"`
		Version               int64  `gorm:"not null;default:1"`
		CreatedAt             time.Time
		UpdatedAt             time.Time
	}
)

func (gradesRubric) TableName() string         { return "program_rubrics" }
func (gradesWeights) TableName() string        { return "program_gradings" }
func (gradesPeerReview) TableName() string     { return "peer_reviews" }
func (gradesMerchantRating) TableName() string { return "merchant_ratings" }

var grades = &gormigrate.Migration{
	ID: "20261218_grades",
	Migrate: func(tx *gorm.DB) error {
		for _, t := range []any{&gradesRubric{}, &gradesWeights{}, &gradesPeerReview{}, &gradesMerchantRating{}} {
			if err := tx.Migrator().CreateTable(t); err != nil {
				return fmt.Errorf("create %T: %w", t, err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("merchant_ratings", "peer_reviews", "program_gradings", "program_rubrics")
	},
}
