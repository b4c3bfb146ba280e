package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// SPEC §11.3: what a publication published stays as published, and a closed
// program stays as it was closed. Every write path asks the helpers here, so
// that a later feature (targets, grades …) refuses the same way by calling
// the same helper.

// errProgramClosed is the answer to a write into a closed program.
func errProgramClosed() error {
	return Conflict("program_closed", "the program is closed; an admin must reopen it before anything in it changes")
}

// checkProgramOpen refuses (409 program_closed) a write into a closed
// program, an admin's too: closing freezes the program's record of work.
func checkProgramOpen(tx *gorm.DB, programID uint64) error {
	var status string
	if err := tx.Raw("SELECT status FROM programs WHERE id = ?", programID).Row().Scan(&status); err != nil {
		return fmt.Errorf("program status: %w", err)
	}
	if status == ProgramClosed {
		return errProgramClosed()
	}
	return nil
}

// checkTeamProgramOpen is checkProgramOpen for a write reached through a team.
func checkTeamProgramOpen(tx *gorm.DB, t *Team) error { return checkProgramOpen(tx, t.ProgramID) }

// programLocks are the periods the standing publications of a program lock
// (those not lifted by an admin's unlock).
type programLocks []Publication

func loadLocks(tx *gorm.DB, programID uint64) (programLocks, error) {
	var pubs []Publication
	err := tx.Select("id", "program_id", "from_date", "to_date", "kind").
		Where("program_id = ? AND unlocked_at IS NULL", programID).Find(&pubs).Error
	if err != nil {
		return nil, fmt.Errorf("load locks: %w", err)
	}
	return programLocks(pubs), nil
}

// dayLocked: an entry of kind on date is inside a standing publication.
func (l programLocks) dayLocked(kind Kind, date civil.Date) bool {
	for _, p := range l {
		if p.Kind != "" && Kind(p.Kind) != kind {
			continue
		}
		if within(p.From, p.To, date, date) {
			return true
		}
	}
	return false
}

// periodLocked: a sales record of start–end overlaps a standing publication
// (every sales record in its period, whatever the publication's kind).
func (l programLocks) periodLocked(start, end civil.Date) bool {
	for _, p := range l {
		if within(p.From, p.To, start, end) {
			return true
		}
	}
	return false
}

// within: start–end overlaps from–to (either end open when nil).
func within(from, to *civil.Date, start, end civil.Date) bool {
	if from != nil && end.Before(*from) {
		return false
	}
	if to != nil && start.After(*to) {
		return false
	}
	return true
}

func errLocked(days []string) error {
	return &ConflictError{Code: "locked", Message: "published figures are locked (" + strings.Join(days, ", ") +
		"); an admin must lift the program's locks before they change", Days: days}
}

// checkMetricNotLocked refuses (409 locked) changing, deleting or returning
// an approved entry that a standing publication published.
func checkMetricNotLocked(tx *gorm.DB, programID uint64, kind Kind, m *MetricEntry) error {
	if m.Status != StatusApproved {
		return nil
	}
	locks, err := loadLocks(tx, programID)
	if err != nil {
		return err
	}
	if locks.dayLocked(kind, m.Date) {
		return errLocked([]string{m.Date.String()})
	}
	return nil
}

// checkSalesNotLocked is checkMetricNotLocked for a sales record.
func checkSalesNotLocked(tx *gorm.DB, programID uint64, r *SalesRecord) error {
	if r.Status != StatusApproved {
		return nil
	}
	locks, err := loadLocks(tx, programID)
	if err != nil {
		return err
	}
	if locks.periodLocked(r.PeriodStart, r.PeriodEnd) {
		return errLocked([]string{r.PeriodStart.String() + "~" + r.PeriodEnd.String()})
	}
	return nil
}

// checkMetricWritable is what every write to a stored entry asks first: its
// program is open and the entry is not locked by a publication.
func checkMetricWritable(tx *gorm.DB, t *Team, c *Campaign, m *MetricEntry) error {
	if err := checkProgramOpen(tx, t.ProgramID); err != nil {
		return err
	}
	return checkMetricNotLocked(tx, t.ProgramID, c.Kind, m)
}

// checkSalesWritable is checkMetricWritable for a stored sales record.
func checkSalesWritable(tx *gorm.DB, t *Team, r *SalesRecord) error {
	if err := checkProgramOpen(tx, t.ProgramID); err != nil {
		return err
	}
	return checkSalesNotLocked(tx, t.ProgramID, r)
}

// checkReopening: a closed program takes no change but an admin's reopening
// (its status set back to planning or active); the caller has checked the
// admin. Closing itself is an ordinary change of status.
func checkReopening(current string, newStatus *string) error {
	if current != ProgramClosed {
		return nil
	}
	if newStatus == nil || *newStatus == ProgramClosed {
		return errProgramClosed()
	}
	return nil
}
