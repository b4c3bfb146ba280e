package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Handover is everything about one team a merchant needs to carry on alone
// (SPEC §13.2's hand-over workbook): the team and merchant, the campaigns
// with their daily entries, the sales records, the KPIs, the targets and the
// merchant's assessments in the program. The workbook writer (reportfile) reads only
// this.
type Handover struct {
	Program     Program
	Team        Team
	Merchant    Merchant
	Campaigns   []Campaign
	Entries     []MetricEntry // every entry of every campaign, by campaign and date
	Sales       []SalesRecord
	KPIs        TeamKPIs // every status, as the team page shows them
	Assessments []Assessment
	FollowUps   []FollowUp
	// Targets are the team's SPEC §10.1 targets with their attainment, as
	// the team page shows them.
	Targets []Target
}

// TeamHandover gathers a team's hand-over pack: for the merchant's owner,
// the team's students and the program's staff (not city staff, who read
// aggregates).
func (s *Store) TeamHandover(ctx context.Context, actor Actor, teamID uint64) (*Handover, error) {
	tx := s.db.WithContext(ctx)
	t, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canTakeHandover()); err != nil {
		return nil, err
	}
	h := &Handover{Team: *t}
	if err := first(tx, &h.Program, t.ProgramID); err != nil {
		return nil, err
	}
	if err := first(tx, &h.Merchant, t.MerchantID); err != nil {
		return nil, err
	}
	if err := tx.Where("team_id = ?", teamID).Order("starts_on, id").Find(&h.Campaigns).Error; err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	if err := tx.Where("campaign_id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&Campaign{}).Select("id").Where("team_id = ?", teamID)).
		Order("campaign_id, date").Find(&h.Entries).Error; err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	if err := tx.Where("team_id = ?", teamID).Order("period_start, id").Find(&h.Sales).Error; err != nil {
		return nil, fmt.Errorf("sales: %w", err)
	}
	if err := tx.Where("merchant_id = ? AND program_id = ?", t.MerchantID, t.ProgramID).Order("assessed_on, id").Find(&h.Assessments).Error; err != nil {
		return nil, fmt.Errorf("assessments: %w", err)
	}
	if err := tx.Where("team_id = ?", teamID).Order("months").Find(&h.FollowUps).Error; err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	targets, err := TeamTargets(tx, []uint64{teamID}, s.today())
	if err != nil {
		return nil, err
	}
	h.Targets = targets[teamID]
	kpis, err := s.TeamKPIs(ctx, actor, teamID, KPIQuery{})
	if err != nil {
		return nil, err
	}
	h.KPIs = *kpis
	return h, nil
}
