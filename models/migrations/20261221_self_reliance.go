package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for SPEC §13: digital self-reliance assessments, a
// program's follow-up months and the follow-ups closing a program schedules.
type (
	selfRelianceProgram struct {
		ID             uint64 `gorm:"primaryKey"`
		FollowupMonths string `gorm:"type:text;not null;default:'[3,6]'"`
	}
	selfRelianceAssessment struct {
		ID         uint64       `gorm:"primaryKey"`
		MerchantID uint64       `gorm:"not null;uniqueIndex:idx_assessment_stage"`
		Merchant   initMerchant `gorm:"foreignKey:MerchantID;constraint:OnDelete:RESTRICT"`
		ProgramID  uint64       `gorm:"not null;uniqueIndex:idx_assessment_stage;index"`
		Program    initProgram  `gorm:"foreignKey:ProgramID;constraint:OnDelete:CASCADE"`
		Stage      string       `gorm:"size:20;not null;uniqueIndex:idx_assessment_stage"`
		AssessedOn time.Time    `gorm:"type:date;not null"`
		Answers    string       `gorm:"type:text;not null"`
		EnteredBy  uint64       `gorm:"not null"`
		Version    int64        `gorm:"not null;default:1"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	selfRelianceFollowUp struct {
		ID                 uint64      `gorm:"primaryKey"`
		TeamID             uint64      `gorm:"not null;uniqueIndex:idx_followup_team_months"`
		Team               initTeam    `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		ProgramID          uint64      `gorm:"not null;index"`
		Program            initProgram `gorm:"foreignKey:ProgramID;constraint:OnDelete:CASCADE"`
		Months             int         `gorm:"not null;uniqueIndex:idx_followup_team_months"`
		DueOn              time.Time   `gorm:"type:date;not null"`
		AnsweredOn         *time.Time  `gorm:"type:date"`
		StillSellingOnline *bool
		ChannelsActive     string `gorm:"type:text;not null;default:'[]'"`
		MonthlySalesKRW    *int64 `gorm:"column:monthly_sales_krw"`
		Note               *string
		AnsweredBy         *uint64
		AnsweredByStaff    bool  `gorm:"not null;default:false"`
		Version            int64 `gorm:"not null;default:1"`
		CreatedAt          time.Time
		UpdatedAt          time.Time
	}
)

func (selfRelianceProgram) TableName() string    { return "programs" }
func (selfRelianceAssessment) TableName() string { return "assessments" }
func (selfRelianceFollowUp) TableName() string   { return "follow_ups" }

var selfReliance = &gormigrate.Migration{
	ID: "20261221_self_reliance",
	Migrate: func(tx *gorm.DB) error {
		m := tx.Migrator()
		if err := m.AddColumn(&selfRelianceProgram{}, "FollowupMonths"); err != nil {
			return fmt.Errorf("add programs.followup_months: %w", err)
		}
		if err := m.CreateTable(&selfRelianceAssessment{}); err != nil {
			return fmt.Errorf("create assessments: %w", err)
		}
		if err := m.CreateTable(&selfRelianceFollowUp{}); err != nil {
			return fmt.Errorf("create follow_ups: %w", err)
		}
		return nil
	},
}
