package models

import "time"

// review is the state that entries and sales records share: where they stand
// in the submit → approve / return workflow, and their version.
type review struct {
	status     *Status
	note       *string
	reviewedBy **uint64
	reviewedAt **time.Time
	version    *int64
}

// beforeEdit applies SPEC §3's edit rules: an approved record can only be
// changed by a reviewer; a student's edit of a submitted or returned record
// puts it back to draft, so that it is reviewed again.
func (r review) beforeEdit(rel relation) error {
	if *r.status == StatusApproved && !rel.canReview() {
		return ErrForbidden
	}
	if !rel.canReview() && (*r.status == StatusSubmitted || *r.status == StatusReturned) {
		*r.status = StatusDraft
	}
	*r.version++
	return nil
}

// canDelete: approved records are only removed by reviewers.
func (r review) canDelete(rel relation) error {
	if *r.status == StatusApproved && !rel.canReview() {
		return ErrForbidden
	}
	return nil
}

// Workflow actions.
const (
	ActionSubmit  = "submit"
	ActionApprove = "approve"
	ActionReturn  = "return"
)

// transition performs a workflow action, or says why it cannot be done.
func (r review) transition(rel relation, actor Actor, action, note string) error {
	switch action {
	case ActionSubmit:
		if err := allow(rel, rel.canEditWork()); err != nil {
			return err
		}
		if *r.status != StatusDraft && *r.status != StatusReturned {
			return Conflict("invalid_state", "only a draft or returned record can be submitted; this one is %s", *r.status)
		}
		*r.status = StatusSubmitted
	case ActionApprove:
		if err := allow(rel, rel.canReview()); err != nil {
			return err
		}
		if *r.status != StatusSubmitted {
			return Conflict("invalid_state", "only a submitted record can be approved; this one is %s", *r.status)
		}
		*r.status = StatusApproved
		*r.note = note
		*r.reviewedBy, *r.reviewedAt = ptr(actor.UserID), timePtr(nowUTC())
	case ActionReturn:
		if err := allow(rel, rel.canReview()); err != nil {
			return err
		}
		p := Problems{}
		checkText(p, "note", note, 2000, true)
		if err := p.Err(); err != nil {
			return err
		}
		if *r.status != StatusSubmitted && *r.status != StatusApproved {
			return Conflict("invalid_state", "only a submitted or approved record can be returned; this one is %s", *r.status)
		}
		*r.status = StatusReturned
		*r.note = note
		*r.reviewedBy, *r.reviewedAt = ptr(actor.UserID), timePtr(nowUTC())
	default:
		return Invalid("action", "unknown action")
	}
	*r.version++
	return nil
}

func (m *MetricEntry) review() review {
	return review{&m.Status, &m.ReviewNote, &m.ReviewedBy, &m.ReviewedAt, &m.Version}
}

func (s *SalesRecord) review() review {
	return review{&s.Status, &s.ReviewNote, &s.ReviewedBy, &s.ReviewedAt, &s.Version}
}
