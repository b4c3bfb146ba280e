package models

import (
	"context"
	"fmt"
)

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	Entity    string
	EntityID  uint64
	ProgramID uint64
	ListOptions
}

// ListAudit lists audit events, newest first: everything for admins, the
// events of their programs for professors. Others may not read the log.
func (s *Store) ListAudit(ctx context.Context, actor Actor, f AuditFilter) (Page[AuditEvent], error) {
	tx := s.db.WithContext(ctx)
	q, err := readableAudit(tx, tx.Model(&AuditEvent{}), actor)
	if err != nil {
		return Page[AuditEvent]{}, err
	}
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.ProgramID != 0 {
		q = q.Where("program_id = ?", f.ProgramID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if f.After > 0 {
		q = q.Where("id < ?", f.After) // newest first: the cursor walks down
	}
	var rows []AuditEvent
	if err := q.Order("id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page[AuditEvent]{}, err
	}
	page := Page[AuditEvent]{Items: rows}
	if len(rows) > limit {
		page.Items = rows[:limit]
		page.NextCursor = EncodeCursor(rows[limit-1].ID)
	}
	if page.Items == nil {
		page.Items = []AuditEvent{}
	}
	return page, nil
}

// ReviewQueue is what waits for a professor's review in a program.
type ReviewQueue struct {
	Metrics []QueuedMetric `json:"metrics"`
	Sales   []QueuedSales  `json:"sales"`
}

// QueuedMetric is a submitted entry with the names a reviewer needs.
type QueuedMetric struct {
	MetricEntry
	TeamName     string `json:"team_name"`
	CampaignName string `json:"campaign_name"`
	Kind         Kind   `json:"kind"`
}

// QueuedSales is a submitted sales record with its team's name.
type QueuedSales struct {
	SalesRecord
	TeamName string `json:"team_name"`
}

// ReviewQueue lists a program's submitted entries and sales records (at most
// MaxLimit of each, oldest first) for the program's reviewers.
func (s *Store) ReviewQueue(ctx context.Context, actor Actor, programID uint64) (*ReviewQueue, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canReview()); err != nil {
		return nil, err
	}
	out := &ReviewQueue{Metrics: []QueuedMetric{}, Sales: []QueuedSales{}}
	var metrics []struct {
		MetricEntry
		QTeamID       uint64 `gorm:"column:q_team_id"`
		QTeamName     string `gorm:"column:q_team_name"`
		QCampaignName string `gorm:"column:q_campaign_name"`
		QKind         Kind   `gorm:"column:q_kind"`
	}
	err = tx.Table("metric_entries").
		Select("metric_entries.*, teams.id AS q_team_id, teams.name AS q_team_name, campaigns.name AS q_campaign_name, campaigns.kind AS q_kind").
		Joins("JOIN campaigns ON campaigns.id = metric_entries.campaign_id").
		Joins("JOIN teams ON teams.id = campaigns.team_id").
		Where("teams.program_id = ? AND metric_entries.status = ?", programID, StatusSubmitted).
		Order("metric_entries.updated_at, metric_entries.id").Limit(MaxLimit).Scan(&metrics).Error
	if err != nil {
		return nil, fmt.Errorf("queued entries: %w", err)
	}
	for _, m := range metrics {
		m.MetricEntry.TeamID = m.QTeamID
		out.Metrics = append(out.Metrics, QueuedMetric{MetricEntry: m.MetricEntry, TeamName: m.QTeamName, CampaignName: m.QCampaignName, Kind: m.QKind})
	}
	var sales []struct {
		SalesRecord
		QTeamName string `gorm:"column:q_team_name"`
	}
	err = tx.Table("sales_records").Select("sales_records.*, teams.name AS q_team_name").
		Joins("JOIN teams ON teams.id = sales_records.team_id").
		Where("teams.program_id = ? AND sales_records.status = ?", programID, StatusSubmitted).
		Order("sales_records.updated_at, sales_records.id").Limit(MaxLimit).Scan(&sales).Error
	if err != nil {
		return nil, fmt.Errorf("queued sales: %w", err)
	}
	for _, r := range sales {
		out.Sales = append(out.Sales, QueuedSales{SalesRecord: r.SalesRecord, TeamName: r.QTeamName})
	}
	if err := fillQueueEvidence(tx, out); err != nil {
		return nil, err
	}
	return out, nil
}
