package models

import (
	"fmt"

	"gorm.io/gorm"
)

// Who may do what with evidence (SPEC §14.2). Access follows the record the
// file hangs off: whoever may read the entry or sales record reads its
// evidence (404 for anyone else); the team's students and staff add it, even
// to an approved or locked record — evidence explains a figure, it does not
// change one. Deleting is a change of the record's proof, so it follows the
// record's own delete rule (an approved record's evidence: staff only) and a
// locked record's evidence stays (409 locked). A closed program takes
// neither (409 program_closed), as for every other write.

// Evidence entities: the record kinds evidence hangs off.
const (
	EvidenceOfMetric = "metric"
	EvidenceOfSales  = "sales"
)

// evidenceTarget is the record evidence hangs off, with the actor's relation.
type evidenceTarget struct {
	entity            string
	id                uint64
	metricID, salesID *uint64
	team              *Team
	rel               relation
	status            Status
	// notLocked answers 409 locked when a standing publication locks the record.
	notLocked func(tx *gorm.DB) error
}

func loadEvidenceTarget(tx *gorm.DB, actor Actor, entity string, id uint64) (*evidenceTarget, error) {
	switch entity {
	case EvidenceOfMetric:
		m, c, t, rel, err := loadMetric(tx, actor, id)
		if err != nil {
			return nil, err
		}
		return &evidenceTarget{entity: entity, id: id, metricID: &m.ID, team: t, rel: rel, status: m.Status,
			notLocked: func(tx *gorm.DB) error { return checkMetricNotLocked(tx, t.ProgramID, c.Kind, m) }}, nil
	case EvidenceOfSales:
		r, t, rel, err := loadSales(tx, actor, id)
		if err != nil {
			return nil, err
		}
		return &evidenceTarget{entity: entity, id: id, salesID: &r.ID, team: t, rel: rel, status: r.Status,
			notLocked: func(tx *gorm.DB) error { return checkSalesNotLocked(tx, t.ProgramID, r) }}, nil
	}
	return nil, fmt.Errorf("evidence of %q", entity)
}

// canAdd: the team's students and staff, into an open program.
func (t *evidenceTarget) canAdd(tx *gorm.DB) error {
	if err := allow(t.rel, t.rel.canEditWork()); err != nil {
		return err
	}
	return checkTeamProgramOpen(tx, t.team)
}

// canDelete: as canAdd, and the record's delete rule, and not locked.
func (t *evidenceTarget) canDelete(tx *gorm.DB) error {
	if err := t.canAdd(tx); err != nil {
		return err
	}
	status := t.status
	if err := (review{status: &status}).canDelete(t.rel); err != nil {
		return err
	}
	return t.notLocked(tx)
}

// loadEvidence loads evidence and the record it hangs off, as the actor
// sees it: 404 when the actor may not read that record.
func loadEvidence(tx *gorm.DB, actor Actor, id uint64) (*Evidence, *evidenceTarget, error) {
	var ev Evidence
	if err := first(tx, &ev, id); err != nil {
		return nil, nil, err
	}
	entity, recordID := EvidenceOfMetric, uint64(0)
	switch {
	case ev.MetricEntryID != nil:
		recordID = *ev.MetricEntryID
	case ev.SalesRecordID != nil:
		entity, recordID = EvidenceOfSales, *ev.SalesRecordID
	default:
		return nil, nil, fmt.Errorf("evidence %d hangs off no record", id)
	}
	t, err := loadEvidenceTarget(tx, actor, entity, recordID)
	if err != nil {
		return nil, nil, err
	}
	return &ev, t, nil
}
