package models

import "gorm.io/gorm"

// ActionDispute is the merchant's "these are not my figures" (SPEC §7): it
// returns a sales record to the team like a professor's return, with the
// merchant's note, and withdraws a confirmation the record carried.
const ActionDispute = "dispute"

// dispute applies ActionDispute to r: the merchant's owner (or an admin) may
// dispute a submitted or approved record; a draft has not been put to the
// merchant yet, and a returned one is already with the team.
func (r *SalesRecord) dispute(rel relation, actor Actor, note string) error {
	if err := allow(rel, rel.canDispute()); err != nil {
		return err
	}
	p := Problems{}
	checkText(p, "note", note, 2000, true)
	if err := p.Err(); err != nil {
		return err
	}
	if r.Status != StatusSubmitted && r.Status != StatusApproved {
		return Conflict("invalid_state", "only a submitted or approved record can be disputed; this one is %s", r.Status)
	}
	r.Status = StatusReturned
	r.ReviewNote = note
	r.ReviewedBy, r.ReviewedAt = ptr(actor.UserID), timePtr(nowUTC())
	r.ConfirmedBy, r.ConfirmedAt = nil, nil
	r.Version++
	return nil
}

// fillConfirmers names who confirmed each record, in one query, so that the
// merchant and the team see "정사장 확인" rather than a user id.
func fillConfirmers(tx *gorm.DB, records []*SalesRecord) error {
	var ids []uint64
	for _, r := range records {
		if r.ConfirmedBy != nil {
			ids = append(ids, *r.ConfirmedBy)
		}
	}
	users, err := usersByID(tx, ids)
	if err != nil {
		return err
	}
	for _, r := range records {
		if r.ConfirmedBy != nil {
			r.ConfirmedByName = users[*r.ConfirmedBy].Name
		}
	}
	return nil
}
