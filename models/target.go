package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
)

// Target is a goal a team sets for one KPI (SPEC §10.1). Actual,
// AttainmentPct and Status are computed on every read, from the report's
// default counting (approved only), never stored.
type Target struct {
	ID        uint64    `json:"id" gorm:"primaryKey"`
	TeamID    uint64    `json:"team_id" gorm:"not null;index"`
	KPI       TargetKPI `json:"kpi" gorm:"column:kpi;not null"`
	Kind      *Kind     `json:"kind"`
	Baseline  *float64  `json:"baseline"`
	Target    float64   `json:"target" gorm:"not null"`
	Direction string    `json:"direction" gorm:"not null;default:increase"`
	Note      string    `json:"note" gorm:"not null;default:''"`
	Version   int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	Actual        *float64 `json:"actual" gorm:"-"`
	AttainmentPct *float64 `json:"attainment_pct" gorm:"-"`
	Status        string   `json:"status" gorm:"-"`
}

// TargetKPI is a KPI a target can be set for.
type TargetKPI string

// The KPIs of SPEC §10.1.
const (
	TargetSalesGrowthPct TargetKPI = "sales_growth_pct"
	TargetSalesAfterKRW  TargetKPI = "sales_after_krw"
	TargetRoasPct        TargetKPI = "roas_pct"
	TargetRevenueKRW     TargetKPI = "revenue_krw"
	TargetConversions    TargetKPI = "conversions"
	TargetCtrPct         TargetKPI = "ctr_pct"
	TargetCvrPct         TargetKPI = "cvr_pct"
	TargetCpaKRW         TargetKPI = "cpa_krw"
)

// TargetKPIs lists them in SPEC order.
var TargetKPIs = []TargetKPI{TargetSalesGrowthPct, TargetSalesAfterKRW, TargetRoasPct, TargetRevenueKRW,
	TargetConversions, TargetCtrPct, TargetCvrPct, TargetCpaKRW}

// Target directions.
const (
	DirectionIncrease = "increase"
	DirectionDecrease = "decrease"
)

// isSales: the two sales KPIs are the team's as a whole, never a kind's.
func (k TargetKPI) isSales() bool { return k == TargetSalesGrowthPct || k == TargetSalesAfterKRW }

// TargetSummary counts targets by status (the report's target_summary).
type TargetSummary struct {
	Met     int `json:"met"`
	OnTrack int `json:"on_track"`
	Behind  int `json:"behind"`
	NoData  int `json:"no_data"`
}

func (s *TargetSummary) add(status string) {
	switch status {
	case kpi.StatusMet:
		s.Met++
	case kpi.StatusOnTrack:
		s.OnTrack++
	case kpi.StatusBehind:
		s.Behind++
	default:
		s.NoData++
	}
}

// TargetInput is a new target, or the fields to change (nil = keep; Kind
// and Baseline: a nil inner pointer clears).
type TargetInput struct {
	KPI       *string
	Kind      **string
	Baseline  **float64
	Target    *float64
	Direction *string
	Note      *string
	Version   *int64
}

func (in TargetInput) apply(t *Target, creating bool) error {
	p := Problems{}
	if creating {
		p.Check(in.KPI == nil, "kpi", "is required")
		p.Check(in.Target == nil, "target", "is required")
	}
	if in.KPI != nil {
		k := TargetKPI(*in.KPI)
		if !slices.Contains(TargetKPIs, k) {
			p.Add("kpi", "must be one of sales_growth_pct, sales_after_krw, roas_pct, revenue_krw, conversions, ctr_pct, cvr_pct, cpa_krw")
		}
		t.KPI = k
	}
	if in.Kind != nil {
		t.Kind = nil
		if *in.Kind != nil {
			k := Kind(**in.Kind)
			p.Check(!slices.Contains(Kinds, k), "kind", "must be a campaign kind or null")
			t.Kind = &k
		}
	}
	if t.Kind != nil && t.KPI.isSales() {
		p.Add("kind", "must be null for "+string(t.KPI))
	}
	if in.Baseline != nil {
		t.Baseline = *in.Baseline
	}
	if in.Target != nil {
		t.Target = *in.Target
	}
	if in.Direction != nil {
		t.Direction = *in.Direction
	}
	if t.Direction == "" {
		t.Direction = DirectionIncrease
	}
	p.Check(!oneOf(t.Direction, DirectionIncrease, DirectionDecrease), "direction", "must be increase or decrease")
	if in.Note != nil {
		checkText(p, "note", *in.Note, 2000, false)
		t.Note = strings.TrimSpace(*in.Note)
	}
	return p.Err()
}

// CreateTarget sets a goal for a team (staff and the team's students).
func (s *Store) CreateTarget(ctx context.Context, actor Actor, teamID uint64, in TargetInput) (*Target, error) {
	var t Target
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		team, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditTargets()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, team.ProgramID); err != nil {
			return nil, err
		}
		if team.Comparison {
			return nil, Invalid("team_id", "a comparison team has no targets")
		}
		t = Target{TeamID: teamID, Version: 1}
		if err := in.apply(&t, true); err != nil {
			return nil, err
		}
		if err := tx.Create(&t).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "target", entityID: t.ID, programID: team.ProgramID, after: t}}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetTarget(ctx, actor, t.ID)
}

// ListTargets lists a team's targets with their attainment, oldest first.
func (s *Store) ListTargets(ctx context.Context, actor Actor, teamID uint64, opt ListOptions) (Page[Target], error) {
	tx := s.db.WithContext(ctx)
	if _, _, err := loadTeam(tx, actor, teamID); err != nil {
		return Page[Target]{}, err
	}
	page, err := paginate(tx.Model(&Target{}).Where("team_id = ?", teamID), "id", opt, func(t Target) uint64 { return t.ID })
	if err != nil {
		return Page[Target]{}, err
	}
	if err := s.fillAttainment(tx, page.Items); err != nil {
		return Page[Target]{}, err
	}
	return page, nil
}

func loadTarget(tx *gorm.DB, actor Actor, id uint64) (*Target, *Team, relation, error) {
	var t Target
	if err := first(tx, &t, id); err != nil {
		return nil, nil, 0, err
	}
	team, rel, err := loadTeam(tx, actor, t.TeamID)
	if err != nil {
		return nil, nil, 0, err
	}
	return &t, team, rel, nil
}

// GetTarget loads one target with its attainment.
func (s *Store) GetTarget(ctx context.Context, actor Actor, id uint64) (*Target, error) {
	tx := s.db.WithContext(ctx)
	t, _, _, err := loadTarget(tx, actor, id)
	if err != nil {
		return nil, err
	}
	one := []Target{*t}
	if err := s.fillAttainment(tx, one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// UpdateTarget changes a target; version required.
func (s *Store) UpdateTarget(ctx context.Context, actor Actor, id uint64, in TargetInput) (*Target, error) {
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, team, rel, err := loadTarget(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditTargets()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, team.ProgramID); err != nil {
			return nil, err
		}
		if in.Version == nil {
			return nil, Invalid("version", "is required")
		}
		if err := checkVersion(in.Version, t.Version); err != nil {
			return nil, err
		}
		before := *t
		if err := in.apply(t, false); err != nil {
			return nil, err
		}
		t.Version++
		if err := saveVersioned(tx, t, t.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "target", entityID: t.ID, programID: team.ProgramID, before: before, after: t}}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetTarget(ctx, actor, id)
}

// DeleteTarget removes a target.
func (s *Store) DeleteTarget(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, team, rel, err := loadTarget(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditTargets()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, team.ProgramID); err != nil {
			return nil, err
		}
		if err := tx.Delete(&Target{}, t.ID).Error; err != nil {
			return nil, fmt.Errorf("delete target: %w", err)
		}
		return []audit{{action: "delete", entity: "target", entityID: t.ID, programID: team.ProgramID, before: t}}, nil
	})
}

// fillAttainment computes the attainment of targets (of any teams).
func (s *Store) fillAttainment(tx *gorm.DB, targets []Target) error {
	teamIDs := make([]uint64, 0, len(targets))
	for _, t := range targets {
		teamIDs = append(teamIDs, t.TeamID)
	}
	src, err := targetSources(tx, teamIDs, s.today())
	if err != nil {
		return err
	}
	for i := range targets {
		src[targets[i].TeamID].attain(&targets[i])
	}
	return nil
}

// TeamTargets are each of teamIDs' targets with their attainment, read in
// one pass (a few grouped queries per program, whatever the number of
// teams). Access is the caller's: grades and the report ask it for teams
// the actor has already been allowed to read. A team without targets is
// absent.
func TeamTargets(tx *gorm.DB, teamIDs []uint64, today civil.Date) (map[uint64][]Target, error) {
	out := map[uint64][]Target{}
	if len(teamIDs) == 0 {
		return out, nil
	}
	var targets []Target
	if err := tx.Where("team_id IN ?", teamIDs).Order("team_id, id").Find(&targets).Error; err != nil {
		return nil, fmt.Errorf("load targets: %w", err)
	}
	with := make([]uint64, 0, len(targets))
	for _, t := range targets {
		with = append(with, t.TeamID)
	}
	src, err := targetSources(tx, with, today)
	if err != nil {
		return nil, err
	}
	for i := range targets {
		src[targets[i].TeamID].attain(&targets[i])
		out[targets[i].TeamID] = append(out[targets[i].TeamID], targets[i])
	}
	return out, nil
}

// targetSource is what a team's targets are measured against.
type targetSource struct {
	figures TeamFigures
	ads     kpi.Sums // the search and shopping ads' sums, for the ad ROAS
}

// targetSources computes, for each team, the figures of the report's
// default counting (approved only, default windows): one KPI pass per
// program among the teams.
func targetSources(tx *gorm.DB, teamIDs []uint64, today civil.Date) (map[uint64]*targetSource, error) {
	out := map[uint64]*targetSource{}
	if len(teamIDs) == 0 {
		return out, nil
	}
	slices.Sort(teamIDs)
	teamIDs = slices.Compact(teamIDs)
	var teams []struct {
		ID        uint64
		ProgramID uint64
		EndsOn    civil.Date
	}
	err := tx.Table("teams").Select("teams.id, teams.program_id, programs.ends_on").
		Joins("JOIN programs ON programs.id = teams.program_id").Where("teams.id IN ?", teamIDs).Find(&teams).Error
	if err != nil {
		return nil, fmt.Errorf("load the targets' teams: %w", err)
	}
	type program struct {
		end   civil.Date
		teams []uint64
	}
	programs := map[uint64]*program{}
	var order []uint64
	for _, t := range teams {
		if programs[t.ProgramID] == nil {
			programs[t.ProgramID] = &program{end: t.EndsOn}
			order = append(order, t.ProgramID)
		}
		programs[t.ProgramID].teams = append(programs[t.ProgramID].teams, t.ID)
	}
	approved := []Status{StatusApproved}
	for _, pid := range order {
		p := programs[pid]
		scope := func(db *gorm.DB) *gorm.DB { return db.Where("team_id IN ?", p.teams) }
		src, err := loadKPISource(tx, scope, p.teams, KPIQuery{}, approved, p.end, today)
		if err != nil {
			return nil, err
		}
		for _, id := range p.teams {
			out[id] = &targetSource{figures: src.teamFigures(id), ads: src.adSums(id)}
		}
	}
	return out, nil
}

// adSums adds up the advertising kinds' sums of a team.
func (src *kpiSource) adSums(teamID uint64) kpi.Sums {
	var s kpi.Sums
	for _, c := range src.byTeam[teamID] {
		if c.Kind == KindSearchAd || c.Kind == KindShoppingAd {
			s.Add(src.sums[c.ID])
		}
	}
	return s
}

// attain sets t's actual, attainment and status.
func (ts *targetSource) attain(t *Target) {
	t.Actual = nil
	if ts != nil {
		t.Actual = ts.actual(t)
	}
	t.AttainmentPct = kpi.AttainmentPct(t.Actual, t.Baseline, t.Target, t.Direction == DirectionDecrease)
	t.Status = kpi.TargetStatus(t.AttainmentPct)
}

// actual is the figure a target's KPI has now: the same figure the team's
// KPIs and report row state, never a second formula. A kind without
// campaigns has no figure.
func (ts *targetSource) actual(t *Target) *float64 {
	f := ts.figures
	switch t.KPI {
	case TargetSalesGrowthPct:
		return f.SalesGrowthPct
	case TargetSalesAfterKRW:
		if f.SalesAfterKRW == nil {
			return nil
		}
		return ptr(float64(*f.SalesAfterKRW))
	}
	block := f.Total
	if t.Kind != nil {
		b, ok := f.ByKind[*t.Kind]
		if !ok {
			return nil
		}
		block = b
	}
	switch t.KPI {
	case TargetRoasPct:
		if t.Kind == nil {
			return kpi.AdRoasPct(ts.ads) // SPEC: the team's ad_roas_pct
		}
		return block.RoasPct
	case TargetRevenueKRW:
		return ptr(float64(block.RevenueKRW))
	case TargetConversions:
		return ptr(float64(block.Conversions))
	case TargetCtrPct:
		return block.CtrPct
	case TargetCvrPct:
		return block.CvrPct
	case TargetCpaKRW:
		return block.CpaKRW
	}
	return nil
}

// nonNil answers an empty list as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
