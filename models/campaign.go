package models

import (
	"context"
	"math"
	"strings"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// CampaignInput is a new campaign or the fields to change (nil = keep).
type CampaignInput struct {
	Kind          *Kind
	Name          *string
	StartsOn      *civil.Date
	EndsOn        *civil.Date // the zero Date clears it
	BudgetKRW     *int64
	TargetRoasPct **float64 // a nil *float64 clears it
	Version       *int64
}

func (in CampaignInput) apply(c *Campaign) {
	if in.Kind != nil {
		c.Kind = *in.Kind
	}
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.StartsOn != nil {
		c.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		c.EndsOn = *in.EndsOn
	}
	if in.BudgetKRW != nil {
		c.BudgetKRW = *in.BudgetKRW
	}
	if in.TargetRoasPct != nil {
		c.TargetRoasPct = *in.TargetRoasPct
	}
}

func (c *Campaign) validate() error {
	p := Problems{}
	p.Check(!ValidKind(c.Kind), "kind", "must be one of "+kindList())
	checkText(p, "name", c.Name, 200, true)
	p.Check(c.StartsOn.IsZero(), "starts_on", "is required")
	p.Check(!c.EndsOn.IsZero() && c.EndsOn.Before(c.StartsOn), "ends_on", "must not be before starts_on")
	p.Check(c.BudgetKRW < 0, "budget_krw", "must be ≥ 0")
	if c.TargetRoasPct != nil {
		v := *c.TargetRoasPct
		p.Check(math.IsNaN(v) || v < 0 || v > 1e6, "target_roas_pct", "must be between 0 and 1000000")
	}
	return p.Err()
}

// CreateCampaign adds a campaign to a team (admins, the program's
// professors and the team's students).
func (s *Store) CreateCampaign(ctx context.Context, actor Actor, teamID uint64, in CampaignInput) (*Campaign, error) {
	c := Campaign{TeamID: teamID, Version: 1}
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
		if t.Comparison {
			// Its sales are the market's, not the program's work (SPEC §10.2).
			return nil, Invalid("team_id", "a comparison team has no campaigns")
		}
		in.apply(&c)
		if err := c.validate(); err != nil {
			return nil, err
		}
		if err := tx.Create(&c).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "campaign", entityID: c.ID, programID: t.ProgramID, after: c}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// GetCampaign loads a campaign the actor may read.
func (s *Store) GetCampaign(ctx context.Context, actor Actor, id uint64) (*Campaign, error) {
	c, _, _, err := loadCampaign(s.db.WithContext(ctx), actor, id)
	return c, err
}

// ListCampaigns lists a team's campaigns.
func (s *Store) ListCampaigns(ctx context.Context, actor Actor, teamID uint64, opt ListOptions) (Page[Campaign], error) {
	tx := s.db.WithContext(ctx)
	if _, _, err := loadTeam(tx, actor, teamID); err != nil {
		return Page[Campaign]{}, err
	}
	return paginate(tx.Model(&Campaign{}).Where("team_id = ?", teamID), "id", opt, func(c Campaign) uint64 { return c.ID })
}

// UpdateCampaign changes a campaign.
func (s *Store) UpdateCampaign(ctx context.Context, actor Actor, id uint64, in CampaignInput) (*Campaign, error) {
	var c Campaign
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		loaded, t, rel, err := loadCampaign(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		c = *loaded
		if err := checkVersion(in.Version, c.Version); err != nil {
			return nil, err
		}
		before := c
		in.apply(&c)
		if err := c.validate(); err != nil {
			return nil, err
		}
		if c.Kind != before.Kind && c.Kind != KindLiveCommerce {
			var live int64
			if err := tx.Model(&MetricEntry{}).Where("campaign_id = ? AND viewers IS NOT NULL", id).Count(&live).Error; err != nil {
				return nil, err
			}
			if live > 0 {
				return nil, Invalid("kind", "the campaign has live commerce entries with viewers; it must stay live_commerce")
			}
		}
		c.Version++
		if err := saveVersioned(tx, &c, c.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "campaign", entityID: c.ID, programID: t.ProgramID, before: before, after: c}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteCampaign removes a campaign with its entries. A campaign with
// approved entries is kept: only their approval makes them program results,
// and those are not deleted by accident.
func (s *Store) DeleteCampaign(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		c, t, rel, err := loadCampaign(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		var approved int64
		if err := tx.Model(&MetricEntry{}).Where("campaign_id = ? AND status = ?", id, StatusApproved).Count(&approved).Error; err != nil {
			return nil, err
		}
		if approved > 0 {
			return nil, Conflict("has_dependents", "the campaign has %d approved entries; a professor must return them first", approved)
		}
		if err := tx.Where("campaign_id = ?", id).Delete(&MetricEntry{}).Error; err != nil {
			return nil, err
		}
		if err := tx.Model(&Comment{}).Where("campaign_id = ?", id).Updates(map[string]any{"campaign_id": nil, "metric_id": nil}).Error; err != nil {
			return nil, err
		}
		if err := tx.Delete(&Campaign{}, id).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "campaign", entityID: id, programID: t.ProgramID, before: c}}, nil
	})
}
