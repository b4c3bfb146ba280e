package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
)

// MaxAmount bounds every money and count field, so that sums over a whole
// nationwide program stay far inside int64.
const MaxAmount int64 = 1_000_000_000_000

// MetricInput is a day's results, or the fields to change (nil = keep).
type MetricInput struct {
	Date                                                   *civil.Date
	SpendKRW, Impressions, Clicks, Conversions, RevenueKRW *int64
	Viewers, PeakViewers, Likes, Comments, DurationMin     *int64
	Version                                                *int64
}

func (in MetricInput) apply(m *MetricEntry) {
	setInt := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	if in.Date != nil {
		m.Date = *in.Date
	}
	setInt(&m.SpendKRW, in.SpendKRW)
	setInt(&m.Impressions, in.Impressions)
	setInt(&m.Clicks, in.Clicks)
	setInt(&m.Conversions, in.Conversions)
	setInt(&m.RevenueKRW, in.RevenueKRW)
	for dst, v := range map[**int64]*int64{&m.Viewers: in.Viewers, &m.PeakViewers: in.PeakViewers, &m.Likes: in.Likes, &m.Comments: in.Comments, &m.DurationMin: in.DurationMin} {
		if v != nil {
			*dst = ptr(*v)
		}
	}
}

func checkAmount(p Problems, field string, v int64) {
	p.Check(v < 0, field, "must be ≥ 0")
	p.Check(v > MaxAmount, field, fmt.Sprintf("must be at most %d", MaxAmount))
}

// validate checks an entry of a campaign of kind, on a day no later than today.
func (m *MetricEntry) validate(kind Kind, today civil.Date) error {
	p := Problems{}
	p.Check(m.Date.IsZero(), "date", "is required")
	p.Check(m.Date.After(today), "date", "must not be in the future")
	checkAmount(p, "spend_krw", m.SpendKRW)
	checkAmount(p, "impressions", m.Impressions)
	checkAmount(p, "clicks", m.Clicks)
	checkAmount(p, "conversions", m.Conversions)
	checkAmount(p, "revenue_krw", m.RevenueKRW)
	p.Check(m.Impressions > 0 && m.Clicks > m.Impressions, "clicks", "must not exceed impressions")
	live := map[string]*int64{"viewers": m.Viewers, "peak_viewers": m.PeakViewers, "likes": m.Likes, "comments": m.Comments, "duration_min": m.DurationMin}
	for field, v := range live {
		if v == nil {
			continue
		}
		if kind != KindLiveCommerce {
			p.Add(field, "is only recorded for live_commerce campaigns")
			continue
		}
		checkAmount(p, field, *v)
	}
	if m.DurationMin != nil {
		p.Check(*m.DurationMin > 24*60, "duration_min", "must be at most 1440 (one day)")
	}
	if m.Viewers != nil && m.PeakViewers != nil {
		p.Check(*m.PeakViewers > *m.Viewers, "peak_viewers", "must not exceed viewers")
	}
	return p.Err()
}

// UpsertMetric records a campaign's results for a day: a new entry, or the
// existing one of that date updated (then version, if sent, must match).
// created tells which happened.
func (s *Store) UpsertMetric(ctx context.Context, actor Actor, campaignID uint64, in MetricInput) (m *MetricEntry, created bool, err error) {
	return s.upsertMetric(ctx, actor, nil, campaignID, in)
}

// UpsertMetricByToken is UpsertMetric for the user an access token names,
// checked in the statement that loads the campaign: a student's day logged
// costs one query less (the route written most).
func (s *Store) UpsertMetricByToken(ctx context.Context, tok TokenUser, campaignID uint64, in MetricInput) (*MetricEntry, bool, error) {
	return s.upsertMetric(ctx, Actor{UserID: tok.UserID, Role: tok.Role, IP: tok.IP}, &tok, campaignID, in)
}

func (s *Store) upsertMetric(ctx context.Context, actor Actor, tok *TokenUser, campaignID uint64, in MetricInput) (m *MetricEntry, created bool, err error) {
	if in.Date == nil {
		return nil, false, Invalid("date", "is required")
	}
	if database.DialectOf(s.db) == database.Postgres {
		if m, ok, err := s.logNewDayPostgres(ctx, actor, tok, campaignID, in); ok || err != nil {
			return m, ok, err
		}
	}
	err = s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		c, t, rel, programStatus, err := loadCampaignStatus(tx, actor, tok, campaignID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if programStatus == ProgramClosed {
			return nil, errProgramClosed()
		}
		// A new day is inserted unless the day exists (then nothing is
		// written): one statement for the common case, a student logging
		// today, instead of a look first. A new day that would not be valid
		// may still be a valid change of an existing one.
		entry := MetricEntry{CampaignID: campaignID, Status: StatusDraft, Source: "manual", Version: 1}
		in.apply(&entry)
		invalid := entry.validate(c.Kind, s.today())
		if invalid == nil {
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "campaign_id"}, {Name: "date"}}, DoNothing: true}).Create(&entry)
			if res.Error != nil {
				return nil, duplicate(res.Error, "an entry for this date")
			}
			if res.RowsAffected == 1 {
				created, m = true, &entry
				return []audit{{action: "create", entity: "metric", entityID: entry.ID, programID: t.ProgramID, after: entry}}, nil
			}
		}
		var existing MetricEntry
		err = tx.Where("campaign_id = ? AND date = ?", campaignID, *in.Date).First(&existing).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound) && invalid != nil:
			return nil, invalid
		case errors.Is(err, gorm.ErrRecordNotFound):
			// The day that was there when the insert was refused is gone.
			return nil, Conflict("version_conflict", "the entry for this date was deleted meanwhile; send it again")
		case err != nil:
			return nil, fmt.Errorf("find entry: %w", err)
		}
		if err := checkMetricNotLocked(tx, t.ProgramID, c.Kind, &existing); err != nil {
			return nil, err
		}
		before := existing
		if err := updateMetric(tx, rel, c, &existing, in, s.today()); err != nil {
			return nil, err
		}
		m = &existing
		return []audit{{action: "update", entity: "metric", entityID: existing.ID, programID: t.ProgramID, before: before, after: existing}}, nil
	})
	if err != nil {
		return nil, false, err
	}
	return m, created, nil
}

func updateMetric(tx *gorm.DB, rel relation, c *Campaign, m *MetricEntry, in MetricInput, today civil.Date) error {
	if err := checkVersion(in.Version, m.Version); err != nil {
		return err
	}
	loaded := m.Version
	if err := m.review().beforeEdit(rel); err != nil {
		return err
	}
	in.apply(m)
	if err := m.validate(c.Kind, today); err != nil {
		return err
	}
	if err := saveVersioned(tx, m, m.ID, loaded); err != nil {
		return duplicate(err, "an entry for this date")
	}
	return nil
}

// loadMetric loads an entry with its campaign, team and the actor's relation.
func loadMetric(tx *gorm.DB, actor Actor, id uint64) (*MetricEntry, *Campaign, *Team, relation, error) {
	var m MetricEntry
	if err := first(tx, &m, id); err != nil {
		return nil, nil, nil, 0, err
	}
	c, t, rel, err := loadCampaign(tx, actor, m.CampaignID)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	m.TeamID = t.ID
	return &m, c, t, rel, nil
}

// GetMetric loads an entry the actor may read.
func (s *Store) GetMetric(ctx context.Context, actor Actor, id uint64) (*MetricEntry, error) {
	m, _, _, _, err := loadMetric(s.db.WithContext(ctx), actor, id)
	return m, err
}

// UpdateMetric changes an entry; version is required.
func (s *Store) UpdateMetric(ctx context.Context, actor Actor, id uint64, in MetricInput) (*MetricEntry, error) {
	if in.Version == nil {
		return nil, Invalid("version", "is required")
	}
	var out *MetricEntry
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		m, c, t, rel, err := loadMetric(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkMetricWritable(tx, t, c, m); err != nil {
			return nil, err
		}
		before := *m
		if err := updateMetric(tx, rel, c, m, in, s.today()); err != nil {
			return nil, err
		}
		out = m
		return []audit{{action: "update", entity: "metric", entityID: m.ID, programID: t.ProgramID, before: before, after: m}}, nil
	})
	return out, err
}

// DeleteMetric removes an entry.
func (s *Store) DeleteMetric(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		m, c, t, rel, err := loadMetric(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkMetricWritable(tx, t, c, m); err != nil {
			return nil, err
		}
		if err := m.review().canDelete(rel); err != nil {
			return nil, err
		}
		if err := tx.Model(&Comment{}).Where("metric_id = ?", id).Update("metric_id", nil).Error; err != nil {
			return nil, err
		}
		if err := deleteVersioned(tx, &MetricEntry{}, id, m.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "metric", entityID: id, programID: t.ProgramID, before: m}}, nil
	})
}

// TransitionMetric submits, approves or returns an entry. version is optional
// here; when sent it must match.
func (s *Store) TransitionMetric(ctx context.Context, actor Actor, id uint64, action, note string, version *int64) (*MetricEntry, error) {
	var out *MetricEntry
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		m, c, t, rel, err := loadMetric(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := checkMetricWritable(tx, t, c, m); err != nil {
			return nil, err
		}
		if err := checkVersion(version, m.Version); err != nil {
			return nil, err
		}
		before := *m
		if err := m.review().transition(rel, actor, action, note); err != nil {
			return nil, err
		}
		if err := saveVersioned(tx, m, m.ID, before.Version); err != nil {
			return nil, err
		}
		out = m
		return []audit{{action: action, entity: "metric", entityID: m.ID, programID: t.ProgramID, before: before, after: m}}, nil
	})
	return out, err
}

// MetricFilter narrows ListMetrics.
type MetricFilter struct {
	From, To civil.Date
	Statuses []Status
	ListOptions
}

// ListMetrics lists a campaign's entries by date. The cursor is the last date.
func (s *Store) ListMetrics(ctx context.Context, actor Actor, campaignID uint64, f MetricFilter) (Page[MetricEntry], error) {
	tx := s.db.WithContext(ctx)
	c, _, _, err := loadCampaign(tx, actor, campaignID)
	if err != nil {
		return Page[MetricEntry]{}, err
	}
	q := tx.Model(&MetricEntry{}).Where("campaign_id = ?", campaignID)
	if !f.From.IsZero() {
		q = q.Where("date >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("date <= ?", f.To)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.After > 0 {
		q = q.Where("date > ?", dateFromKey(f.After))
		f.After = 0
	}
	page, err := paginateOrdered(q, "date", f.ListOptions, func(m MetricEntry) uint64 { return dateKey(m.Date) })
	if err != nil {
		return page, err
	}
	ptrs := make([]*MetricEntry, len(page.Items))
	for i := range page.Items {
		page.Items[i].TeamID = c.TeamID
		ptrs[i] = &page.Items[i]
	}
	return page, fillMetricEvidence(tx, ptrs)
}

// dateKey packs a date into a cursor number (20251008) and back.
func dateKey(d civil.Date) uint64 { return uint64(d.Year*10000 + int(d.Month)*100 + d.Day) }

func dateFromKey(k uint64) civil.Date {
	d, _ := civil.Parse(fmt.Sprintf("%04d-%02d-%02d", k/10000, k/100%100, k%100))
	return d
}
