package models

import (
	"fmt"

	"gorm.io/gorm"
)

// Who may enter and read assessments and follow-ups (SPEC §13). An
// assessment belongs to a merchant in a program; the actor's relation to it
// is their relation to the merchant's team(s) in that program.

// canAssess: the merchant's owner, the team's students (who interview the
// merchant) and the program's staff enter assessments; city staff read.
func (r relation) canAssess() bool { return r.has(relAdmin | relProfessor | relMember | relOwner) }

// canAnswerFollowUp: the merchant's owner, or the program's staff on the
// merchant's behalf.
func (r relation) canAnswerFollowUp() bool { return r.has(relAdmin | relProfessor | relOwner) }

// seesFollowUpNotes: everyone who may read a follow-up but city staff, who
// read the figures and never the merchant's free text.
func (r relation) seesFollowUpNotes() bool { return r.canRead() && !r.has(relCity) }

// merchantProgramRelation is how actor stands to merchant's teams in a
// program; a merchant without a team there, or outside the actor's reach, is
// ErrNotFound.
func merchantProgramRelation(tx *gorm.DB, actor Actor, merchantID, programID uint64) (relation, error) {
	var teams []Team
	if err := tx.Where("merchant_id = ? AND program_id = ?", merchantID, programID).Order("id").Find(&teams).Error; err != nil {
		return 0, fmt.Errorf("merchant's teams: %w", err)
	}
	var rel relation
	for i := range teams {
		r, err := teamRelation(tx, actor, &teams[i])
		if err != nil {
			return 0, err
		}
		rel |= r
	}
	if !rel.canRead() {
		return 0, ErrNotFound
	}
	return rel, nil
}

// checkMerchantReadable is ErrNotFound for a merchant outside the actor's reach.
func checkMerchantReadable(tx *gorm.DB, actor Actor, merchantID uint64) error {
	var n int64
	err := tx.Model(&Merchant{}).Where("id = ?", merchantID).
		Where("id IN (?)", readableMerchantIDs(tx, actor)).Count(&n).Error
	if err != nil {
		return fmt.Errorf("merchant: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// assessableProgramIDs is a subquery of the programs in which the actor may
// read merchant's assessments: those of the merchant's teams they may read.
func assessableProgramIDs(tx *gorm.DB, actor Actor, merchantID uint64) *gorm.DB {
	return tx.Session(&gorm.Session{NewDB: true}).Model(&Team{}).Select("program_id").
		Where("merchant_id = ?", merchantID).Where("teams.id IN (?)", readableTeamIDs(tx, actor))
}

// canTakeHandover: the hand-over workbook is for the merchant's owner, the
// team's students and the program's staff.
func (r relation) canTakeHandover() bool {
	return r.has(relAdmin | relProfessor | relMember | relOwner)
}
