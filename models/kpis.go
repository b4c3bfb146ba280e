package models

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
)

// KPIQuery are the parameters every KPI endpoint takes.
type KPIQuery struct {
	Statuses []Status     // nil: the endpoint's default
	Windows  *kpi.Windows // explicit sales-growth windows; nil: SPEC's defaults
	From, To civil.Date   // only entries of these days (report filter)
	Kinds    []Kind       // only campaigns of these kinds (report filter)
	Lang     string       // of the methods' assumptions: ko (default) or en
}

// SalesGrowth is the sales comparison part of a KPI answer. The amounts and
// windows are null when there was nothing to compare (no campaign yet).
type SalesGrowth struct {
	SalesGrowthPct *float64     `json:"sales_growth_pct"`
	SalesBeforeKRW *int64       `json:"sales_before_krw"`
	SalesAfterKRW  *int64       `json:"sales_after_krw"`
	Windows        *kpi.Windows `json:"windows"`
	// SalesGrowthMethods is null with windows (SPEC §10.2).
	SalesGrowthMethods *GrowthMethods `json:"sales_growth_methods"`
}

// CampaignKPIs is the answer of GET /campaigns/{id}/kpis.
type CampaignKPIs struct {
	CampaignID      uint64    `json:"campaign_id"`
	CountedStatuses []Status  `json:"counted_statuses"`
	Total           kpi.Block `json:"total"`
	SalesGrowth
}

// TeamKPIs is the answer of GET /teams/{id}/kpis.
type TeamKPIs struct {
	TeamID          uint64   `json:"team_id"`
	CountedStatuses []Status `json:"counted_statuses"`
	TeamFigures
	// Targets are measured by the report's counting whatever this answer counts.
	Targets []Target `json:"targets"`
}

// TeamFigures are a team's KPI figures: its answer of GET /teams/{id}/kpis
// and its row of the program report give the same, computed by one function
// (kpiSource.teamFigures).
type TeamFigures struct {
	Total  kpi.Block          `json:"total"`
	ByKind map[Kind]kpi.Block `json:"by_kind"`
	// AdRoasPct is revenue ÷ spend × 100 over search_ad and shopping_ad only.
	AdRoasPct *float64 `json:"ad_roas_pct"`
	SalesGrowth
}

// kpiSource is what KPI figures are computed from: campaigns with their
// entry sums, and the sales growth of their teams, all read in a few grouped
// queries whatever the number of teams.
type kpiSource struct {
	campaigns []Campaign
	byTeam    map[uint64][]Campaign  // campaigns by team id
	sums      map[uint64]kpi.Sums    // by campaign id
	growth    map[uint64]SalesGrowth // by team id
	// comparisons counts the comparison teams of the teams' programs.
	comparisons int
}

// loadKPISource reads the campaigns matching campaignScope, their entries'
// sums, and the sales growth of teamIDs over the windows those campaigns
// (or q) give, counting only statuses.
func loadKPISource(tx *gorm.DB, campaignScope func(*gorm.DB) *gorm.DB, teamIDs []uint64, q KPIQuery, statuses []Status, programEnd, today civil.Date) (*kpiSource, error) {
	src := &kpiSource{sums: map[uint64]kpi.Sums{}}
	cq := campaignScope(tx.Model(&Campaign{}))
	if len(q.Kinds) > 0 {
		cq = cq.Where("kind IN ?", q.Kinds)
	}
	// Only what KPIs, windows and highlights use: a program has thousands.
	cq = cq.Select("id, team_id, kind, starts_on, ends_on")
	if err := cq.Order("starts_on, id").Find(&src.campaigns).Error; err != nil {
		return nil, fmt.Errorf("load campaigns: %w", err)
	}
	src.byTeam = make(map[uint64][]Campaign, len(teamIDs))
	for _, c := range src.campaigns {
		src.byTeam[c.TeamID] = append(src.byTeam[c.TeamID], c)
	}
	if len(src.campaigns) > 0 {
		ids := campaignIDs(tx, campaignScope, q.Kinds)
		var rows []struct {
			CampaignID                                                      uint64
			SpendKRW, RevenueKRW, Impressions, Clicks, Conversions, Viewers int64
		}
		// Without a date filter the sums come from campaign_sums, which the
		// database keeps equal to the entries' sums (see the kpi_sums
		// migration); a date filter needs the entries themselves.
		eq := entryFilter(tx.Model(&MetricEntry{}), q, statuses)
		if q.From.IsZero() && q.To.IsZero() {
			eq = tx.Table("campaign_sums").Where("status IN ?", statuses)
		}
		eq = eq.Select("campaign_id, "+sumInt("spend_krw")+" AS spend_krw, "+sumInt("revenue_krw")+" AS revenue_krw, "+
			sumInt("impressions")+" AS impressions, "+sumInt("clicks")+" AS clicks, "+
			sumInt("conversions")+" AS conversions, "+sumInt("COALESCE(viewers, 0)")+" AS viewers").
			Where("campaign_id IN (?)", ids).Group("campaign_id")
		if err := eq.Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("sum entries: %w", err)
		}
		for _, r := range rows {
			src.sums[r.CampaignID] = kpi.Sums{SpendKRW: r.SpendKRW, RevenueKRW: r.RevenueKRW, Impressions: r.Impressions,
				Clicks: r.Clicks, Conversions: r.Conversions, Viewers: r.Viewers}
		}
	}
	comparisons, err := comparisonTeams(tx, teamIDs)
	if err != nil {
		return nil, err
	}
	src.comparisons = len(comparisons)
	sums, err := loadGrowthSums(tx, teamWindows(src.campaigns, teamIDs, q.Windows, programEnd, today), comparisons, statuses)
	if err != nil {
		return nil, err
	}
	src.growth = make(map[uint64]SalesGrowth, len(sums))
	for id, g := range sums {
		gr := kpi.GrowthOf(g.s.B, g.s.A)
		src.growth[id] = SalesGrowth{SalesGrowthPct: gr.Pct, SalesBeforeKRW: ptr(gr.BeforeKRW), SalesAfterKRW: ptr(gr.AfterKRW),
			Windows: g.w, SalesGrowthMethods: g.methods(q.Lang)}
	}
	return src, nil
}

// loadProgramKPISource is loadKPISource over every team of a program, for
// the report and for the pass that keeps each team's default answer.
func loadProgramKPISource(tx *gorm.DB, programID uint64, teamIDs []uint64, q KPIQuery, statuses []Status, programEnd, today civil.Date) (*kpiSource, error) {
	inProgram := func(db *gorm.DB) *gorm.DB {
		return db.Where("team_id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&Team{}).Select("id").Where("program_id = ?", programID))
	}
	return loadKPISource(tx, inProgram, teamIDs, q, statuses, programEnd, today)
}

// teamFigures are the figures of team teamID.
func (src *kpiSource) teamFigures(teamID uint64) TeamFigures {
	return TeamFigures{
		Total:       src.block(src.byTeam[teamID]),
		ByKind:      src.byKind(src.byTeam[teamID]),
		AdRoasPct:   src.adRoasPct(src.byTeam[teamID]),
		SalesGrowth: src.growth[teamID],
	}
}

func campaignIDs(tx *gorm.DB, scope func(*gorm.DB) *gorm.DB, kinds []Kind) *gorm.DB {
	q := scope(tx.Session(&gorm.Session{NewDB: true}).Model(&Campaign{})).Select("id")
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	return q
}

func entryFilter(q *gorm.DB, kq KPIQuery, statuses []Status) *gorm.DB {
	q = q.Where("status IN ?", statuses)
	if !kq.From.IsZero() {
		q = q.Where("date >= ?", kq.From)
	}
	if !kq.To.IsZero() {
		q = q.Where("date <= ?", kq.To)
	}
	return q
}

// block sums the given campaigns' entries into a KPI block.
func (src *kpiSource) block(campaigns []Campaign) kpi.Block {
	var s kpi.Sums
	for _, c := range campaigns {
		s.Add(src.sums[c.ID])
	}
	return kpi.Compute(s)
}

// adRoasPct is the ROAS of the campaigns of the advertising kinds alone
// (SPEC §2 "Return on ad spend means ads"); null without their spend.
func (src *kpiSource) adRoasPct(campaigns []Campaign) *float64 {
	var s kpi.Sums
	for _, c := range campaigns {
		if slices.Contains(AdKinds, c.Kind) {
			s.Add(src.sums[c.ID])
		}
	}
	return kpi.RoasPct(s)
}

// byKind groups campaigns by kind; a kind without campaigns is absent.
func (src *kpiSource) byKind(campaigns []Campaign) map[Kind]kpi.Block {
	groups := map[Kind][]Campaign{}
	for _, c := range campaigns {
		groups[c.Kind] = append(groups[c.Kind], c)
	}
	out := make(map[Kind]kpi.Block, len(groups))
	for k, cs := range groups {
		out[k] = src.block(cs)
	}
	return out
}

// CampaignKPIs computes one campaign's KPIs (every status by default).
func (s *Store) CampaignKPIs(ctx context.Context, actor Actor, id uint64, q KPIQuery) (*CampaignKPIs, error) {
	tx := s.db.WithContext(ctx)
	c, t, _, err := loadCampaign(tx, actor, id)
	if err != nil {
		return nil, err
	}
	q.Kinds = nil
	today := s.today()
	stamp, err := teamStamp(tx, t.ID)
	if err != nil {
		return nil, err
	}
	return cachedKPIs(s, t.ID, stamp, q.cacheKey("campaign", id, today), func() (*CampaignKPIs, error) {
		statuses := defaultStatuses(q.Statuses, Statuses)
		var program Program
		if err := first(tx, &program, t.ProgramID); err != nil {
			return nil, err
		}
		src, err := loadKPISource(tx, func(db *gorm.DB) *gorm.DB { return db.Where("id = ?", id) }, []uint64{t.ID}, q, statuses, program.EndsOn, today)
		if err != nil {
			return nil, err
		}
		return &CampaignKPIs{
			CampaignID:      c.ID,
			CountedStatuses: statuses,
			Total:           src.block(src.campaigns),
			SalesGrowth:     src.growth[t.ID],
		}, nil
	})
}

// TeamKPIs computes a team's KPIs (every status by default).
func (s *Store) TeamKPIs(ctx context.Context, actor Actor, id uint64, q KPIQuery) (*TeamKPIs, error) {
	tx := s.db.WithContext(ctx)
	t, stamp, err := loadTeamStamped(tx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.teamKPIs(tx, t, stamp, q)
}

// TeamKPIsByToken is TeamKPIs for the user an access token names, whose
// user row is checked in the same statement that reads the team and its
// stamp (loadTeamStampedByToken): a kept answer then costs one query in
// all, where authenticating first and then loading the team cost two.
func (s *Store) TeamKPIsByToken(ctx context.Context, tok TokenUser, id uint64, q KPIQuery) (*TeamKPIs, error) {
	tx := s.db.WithContext(ctx)
	t, stamp, err := s.teamStampedByToken(ctx, tx, tok, id)
	if err != nil {
		return nil, err
	}
	return s.teamKPIs(tx, t, stamp, q)
}

// teamKPIs is a team's answer, the actor's access to it already checked.
func (s *Store) teamKPIs(tx *gorm.DB, t *Team, stamp int64, q KPIQuery) (*TeamKPIs, error) {
	id := t.ID
	today := s.today()
	key := q.cacheKey("team", id, today)
	return cachedKPIs(s, id, stamp, key, func() (*TeamKPIs, error) {
		statuses := defaultStatuses(q.Statuses, Statuses)
		var program Program
		if err := first(tx, &program, t.ProgramID); err != nil {
			return nil, err
		}
		if q.isDefault() {
			// The default answer of one team missing, those of its whole
			// program are computed at once; this team's is then kept unless
			// a write moved its stamp meanwhile.
			// A pass that failed leaves this team to be computed alone.
			if err := s.fillProgramTeamKPIs(tx, &program, today, q.Lang); err != nil {
				slog.Warn("program KPI pass", "program", program.ID, "err", err)
			} else if answer, ok := keptKPIs[TeamKPIs](s, key, id, stamp); ok {
				return answer, nil
			}
		}
		src, err := loadKPISource(tx, func(db *gorm.DB) *gorm.DB { return db.Where("team_id = ?", id) }, []uint64{id}, q, statuses, program.EndsOn, today)
		if err != nil {
			return nil, err
		}
		targets, err := TeamTargets(tx, []uint64{id}, today)
		if err != nil {
			return nil, err
		}
		return &TeamKPIs{TeamID: id, CountedStatuses: statuses, TeamFigures: src.teamFigures(id), Targets: nonNil(targets[id])}, nil
	})
}

// isDefault reports whether q asks for nothing but the defaults.
func (q KPIQuery) isDefault() bool {
	// Lang only changes the words of the answer, not what is counted.
	return len(q.Statuses) == 0 && q.Windows == nil && q.From.IsZero() && q.To.IsZero() && len(q.Kinds) == 0
}

func defaultStatuses(given, def []Status) []Status {
	if len(given) == 0 {
		return def
	}
	return given
}

// SortedKinds is the kinds of m in SPEC order.
func SortedKinds[V any](m map[Kind]V) []Kind {
	out := make([]Kind, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	order := map[Kind]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}
