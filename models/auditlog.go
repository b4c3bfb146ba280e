package models

import (
	"context"

	"gorm.io/gorm"
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
	q := tx.Model(&AuditEvent{})
	switch actor.Role {
	case RoleAdmin:
	case RoleProfessor:
		q = q.Where("program_id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&ProgramStaff{}).
			Select("program_id").Where("user_id = ? AND role = ?", actor.UserID, StaffProfessor))
	default:
		return Page[AuditEvent]{}, ErrForbidden
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
	Metrics []MetricEntry `json:"metrics"`
	Sales   []SalesRecord `json:"sales"`
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
	out := &ReviewQueue{Metrics: []MetricEntry{}, Sales: []SalesRecord{}}
	type row struct {
		MetricEntry
		TeamID uint64
	}
	var rows []row
	err = tx.Table("metric_entries").Select("metric_entries.*, campaigns.team_id AS team_id").
		Joins("JOIN campaigns ON campaigns.id = metric_entries.campaign_id").
		Joins("JOIN teams ON teams.id = campaigns.team_id").
		Where("teams.program_id = ? AND metric_entries.status = ?", programID, StatusSubmitted).
		Order("metric_entries.updated_at, metric_entries.id").Limit(MaxLimit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		r.MetricEntry.TeamID = r.TeamID
		out.Metrics = append(out.Metrics, r.MetricEntry)
	}
	err = tx.Joins("JOIN teams ON teams.id = sales_records.team_id").
		Where("teams.program_id = ? AND sales_records.status = ?", programID, StatusSubmitted).
		Order("sales_records.updated_at, sales_records.id").Limit(MaxLimit).Find(&out.Sales).Error
	return out, err
}
