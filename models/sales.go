package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/nalgae/nalgae/models/civil"
)

// SalesInput is a sales record, or the fields to change (nil = keep).
type SalesInput struct {
	PeriodStart, PeriodEnd *civil.Date
	Channel                *string
	SalesKRW               *int64
	Orders                 *int64
	Version                *int64
}

func (in SalesInput) apply(r *SalesRecord) {
	if in.PeriodStart != nil {
		r.PeriodStart = *in.PeriodStart
	}
	if in.PeriodEnd != nil {
		r.PeriodEnd = *in.PeriodEnd
	}
	if in.Channel != nil {
		r.Channel = *in.Channel
	}
	if in.SalesKRW != nil {
		r.SalesKRW = *in.SalesKRW
	}
	if in.Orders != nil {
		r.Orders = ptr(*in.Orders)
	}
}

func (r *SalesRecord) validate(today civil.Date) error {
	p := Problems{}
	p.Check(r.PeriodStart.IsZero(), "period_start", "is required")
	p.Check(r.PeriodEnd.IsZero(), "period_end", "is required")
	p.Check(!r.PeriodStart.IsZero() && r.PeriodEnd.Before(r.PeriodStart), "period_end", "must not be before period_start")
	p.Check(r.PeriodEnd.After(today), "period_end", "must not be in the future")
	p.Check(!oneOf(r.Channel, ChannelOnline, ChannelOffline, ChannelAll), "channel", "must be online, offline or all")
	checkAmount(p, "sales_krw", r.SalesKRW)
	if r.Orders != nil {
		checkAmount(p, "orders", *r.Orders)
	}
	return p.Err()
}

// checkOverlap refuses a record that would count the same sales twice: two
// records of one team may not share days when their channels overlap ("all"
// overlaps every channel).
//
// It first locks the team's row until the transaction ends: on PostgreSQL a
// transaction does not see another's uncommitted record, so two students
// entering the same week at once would otherwise both pass the check.
// (SQLite ignores the lock; its transactions already run one at a time.)
func (r *SalesRecord) checkOverlap(tx *gorm.DB) error {
	var team Team
	// NO KEY UPDATE: writers of the team's sales queue on it, but it lets the
	// summary triggers of other writers reference the team (a key-share lock).
	if err := tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}).Select("id").Where("id = ?", r.TeamID).Take(&team).Error; err != nil {
		return fmt.Errorf("lock team %d: %w", r.TeamID, err)
	}
	channels := []string{r.Channel, ChannelAll}
	if r.Channel == ChannelAll {
		channels = []string{ChannelOnline, ChannelOffline, ChannelAll}
	}
	var clash SalesRecord
	err := tx.Where("team_id = ? AND id <> ? AND channel IN ? AND period_start <= ? AND period_end >= ?",
		r.TeamID, r.ID, channels, r.PeriodEnd, r.PeriodStart).First(&clash).Error
	if err == nil {
		return Conflict("duplicate", "sales record %d (%s, %s to %s) already covers some of these days; edit it instead",
			clash.ID, clash.Channel, clash.PeriodStart, clash.PeriodEnd)
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	return err
}

// CreateSales records a team's sales over a period, as a draft.
func (s *Store) CreateSales(ctx context.Context, actor Actor, teamID uint64, in SalesInput) (*SalesRecord, error) {
	r := SalesRecord{TeamID: teamID, Channel: ChannelAll, Status: StatusDraft, Source: "manual", Version: 1}
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		in.apply(&r)
		if err := r.validate(s.today()); err != nil {
			return nil, err
		}
		if err := r.checkOverlap(tx); err != nil {
			return nil, err
		}
		if err := tx.Create(&r).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "sales", entityID: r.ID, programID: t.ProgramID, after: r}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func loadSales(tx *gorm.DB, actor Actor, id uint64) (*SalesRecord, *Team, relation, error) {
	var r SalesRecord
	if err := first(tx, &r, id); err != nil {
		return nil, nil, 0, err
	}
	t, rel, err := loadTeam(tx, actor, r.TeamID)
	if err != nil {
		return nil, nil, 0, err
	}
	return &r, t, rel, nil
}

// GetSales loads a sales record the actor may read.
func (s *Store) GetSales(ctx context.Context, actor Actor, id uint64) (*SalesRecord, error) {
	tx := s.db.WithContext(ctx)
	r, _, _, err := loadSales(tx, actor, id)
	if err != nil {
		return nil, err
	}
	return r, fillConfirmers(tx, []*SalesRecord{r})
}

// SalesFilter narrows ListSales.
type SalesFilter struct {
	Statuses []Status
	ListOptions
}

// ListSales lists a team's sales records.
func (s *Store) ListSales(ctx context.Context, actor Actor, teamID uint64, f SalesFilter) (Page[SalesRecord], error) {
	tx := s.db.WithContext(ctx)
	if _, _, err := loadTeam(tx, actor, teamID); err != nil {
		return Page[SalesRecord]{}, err
	}
	q := tx.Model(&SalesRecord{}).Where("team_id = ?", teamID)
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	page, err := paginate(q, "id", f.ListOptions, func(r SalesRecord) uint64 { return r.ID })
	if err != nil {
		return page, err
	}
	ptrs := make([]*SalesRecord, len(page.Items))
	for i := range page.Items {
		ptrs[i] = &page.Items[i]
	}
	if err := fillSalesEvidence(tx, ptrs); err != nil {
		return page, err
	}
	return page, fillConfirmers(tx, ptrs)
}

// UpdateSales changes a sales record; version is required. A change clears
// the merchant's confirmation: they confirmed other figures.
func (s *Store) UpdateSales(ctx context.Context, actor Actor, id uint64, in SalesInput) (*SalesRecord, error) {
	if in.Version == nil {
		return nil, Invalid("version", "is required")
	}
	var out *SalesRecord
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		r, t, rel, err := loadSales(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkSalesWritable(tx, t, r); err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, r.Version); err != nil {
			return nil, err
		}
		before := *r
		if err := r.edit(tx, rel, in, s.today()); err != nil {
			return nil, err
		}
		if err := saveVersioned(tx, r, r.ID, before.Version); err != nil {
			return nil, err
		}
		out = r
		return []audit{{action: "update", entity: "sales", entityID: r.ID, programID: t.ProgramID, before: before, after: r}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, fillConfirmers(s.db.WithContext(ctx), []*SalesRecord{out})
}

// edit changes a stored record under SPEC §3's edit rules (approved records
// only by reviewers; a student's edit goes back to draft), checks the result
// and that no sale is counted twice, and clears the merchant's confirmation
// when the figures it covered change. Manual edits and imports both use it;
// the caller saves.
func (r *SalesRecord) edit(tx *gorm.DB, rel relation, in SalesInput, today civil.Date) error {
	before := *r
	if err := r.review().beforeEdit(rel); err != nil {
		return err
	}
	in.apply(r)
	if err := r.validate(today); err != nil {
		return err
	}
	if err := r.checkOverlap(tx); err != nil {
		return err
	}
	if r.SalesKRW != before.SalesKRW || r.PeriodStart != before.PeriodStart || r.PeriodEnd != before.PeriodEnd ||
		r.Channel != before.Channel || deref(r.Orders, -1) != deref(before.Orders, -1) {
		r.ConfirmedBy, r.ConfirmedAt = nil, nil
	}
	return nil
}

// DeleteSales removes a sales record.
func (s *Store) DeleteSales(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		r, t, rel, err := loadSales(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkSalesWritable(tx, t, r); err != nil {
			return nil, err
		}
		if err := r.review().canDelete(rel); err != nil {
			return nil, err
		}
		if err := deleteVersioned(tx, &SalesRecord{}, id, r.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "sales", entityID: id, programID: t.ProgramID, before: r}}, nil
	})
}

// ActionConfirm is the merchant's confirmation that the figures are theirs.
const ActionConfirm = "confirm"

// TransitionSales submits, approves, returns or confirms a sales record.
func (s *Store) TransitionSales(ctx context.Context, actor Actor, id uint64, action, note string, version *int64) (*SalesRecord, error) {
	var out *SalesRecord
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		r, t, rel, err := loadSales(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := checkSalesWritable(tx, t, r); err != nil {
			return nil, err
		}
		if err := checkVersion(version, r.Version); err != nil {
			return nil, err
		}
		before := *r
		if action == ActionConfirm {
			if err := allow(rel, rel.canConfirm()); err != nil {
				return nil, err
			}
			if r.Status == StatusDraft {
				return nil, Conflict("invalid_state", "a draft cannot be confirmed; the team must submit it first")
			}
			r.ConfirmedBy, r.ConfirmedAt = ptr(actor.UserID), timePtr(nowUTC())
			r.Version++
		} else if action == ActionDispute {
			if err := r.dispute(rel, actor, note); err != nil {
				return nil, err
			}
		} else if err := r.review().transition(rel, actor, action, note); err != nil {
			return nil, err
		}
		if err := saveVersioned(tx, r, r.ID, before.Version); err != nil {
			return nil, err
		}
		out = r
		// (the audit keeps ids only: the name is filled after the write)
		return []audit{{action: action, entity: "sales", entityID: r.ID, programID: t.ProgramID, before: before, after: r}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, fillConfirmers(s.db.WithContext(ctx), []*SalesRecord{out})
}
