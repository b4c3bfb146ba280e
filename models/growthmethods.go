package models

import (
	"database/sql"
	"fmt"
	"math/big"
	"slices"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
)

// Sales growth by method (SPEC §10.2): beside the before/after growth, what
// last year's same dates and the program's comparison teams say, each with
// the windows and sums it used and the assumption it rests on.

// GrowthMethod is one method's answer.
type GrowthMethod struct {
	ValuePct   *float64    `json:"value_pct"`
	Basis      GrowthBasis `json:"basis"`
	Assumption string      `json:"assumption"`
}

// GrowthMethods are the four methods of SPEC §10.2.
type GrowthMethods struct {
	BeforeAfter        GrowthMethod `json:"before_after"`
	SamePeriodLastYear GrowthMethod `json:"same_period_last_year"`
	SeasonallyAdjusted GrowthMethod `json:"seasonally_adjusted"`
	DiffInDiff         GrowthMethod `json:"difference_in_differences"`
}

// GrowthBasis holds every window a method used (*_from/*_to) and every sum
// (*_krw, prorated and rounded to whole won); what a method did not use is
// absent. The program's methods add up teams over their own windows, so
// their basis has the sums and the number of teams instead of windows.
type GrowthBasis struct {
	BeforeFrom          *civil.Date `json:"before_from,omitempty"`
	BeforeTo            *civil.Date `json:"before_to,omitempty"`
	AfterFrom           *civil.Date `json:"after_from,omitempty"`
	AfterTo             *civil.Date `json:"after_to,omitempty"`
	LastYearBeforeFrom  *civil.Date `json:"last_year_before_from,omitempty"`
	LastYearBeforeTo    *civil.Date `json:"last_year_before_to,omitempty"`
	LastYearAfterFrom   *civil.Date `json:"last_year_after_from,omitempty"`
	LastYearAfterTo     *civil.Date `json:"last_year_after_to,omitempty"`
	BeforeKRW           *int64      `json:"before_krw,omitempty"`
	AfterKRW            *int64      `json:"after_krw,omitempty"`
	LastYearBeforeKRW   *int64      `json:"last_year_before_krw,omitempty"`
	LastYearAfterKRW    *int64      `json:"last_year_after_krw,omitempty"`
	ComparisonBeforeKRW *int64      `json:"comparison_before_krw,omitempty"`
	ComparisonAfterKRW  *int64      `json:"comparison_after_krw,omitempty"`
	ComparisonTeams     *int        `json:"comparison_teams,omitempty"`
	Teams               *int        `json:"teams,omitempty"` // the program's: participating teams added up
}

// growthSums are one team's (or the program's) exact sums for the methods.
type growthSums struct {
	w           *kpi.Windows // nil for the program
	teams       int          // the program's participating teams
	comparisons int          // comparison teams pooled; 0: none
	s           kpi.MethodSums
}

// methodAssumptions say, per language, what each method takes for granted.
var methodAssumptions = map[string][4]string{
	LocaleKo: {
		"시작 전후 같은 길이의 기간을 비교합니다. 그 사이 계절, 휴일, 시장 등 다른 조건은 변하지 않았다고 가정합니다.",
		"작년 같은 기간과 비교합니다. 작년 이후 사업 규모나 시장이 크게 변하지 않았다고 가정합니다.",
		"전후 성장에서 작년 같은 날짜들의 움직임(계절성)을 뺍니다. 계절의 영향이 해마다 같다고 가정합니다.",
		"전후 성장에서 사업에 참여하지 않은 비교군 업체들의 같은 기간 성장을 뺀 차이(%p)입니다. 사업이 없었다면 참여 업체도 비교군처럼 움직였을 것이라고 가정합니다.",
	},
	LocaleEn: {
		"Compares two windows of equal length before and after the start; assumes nothing else (season, holidays, the market) changed.",
		"Compares with the same dates last year; assumes the business and its market did not change much since.",
		"Removes last year's movement over the same dates from the before/after growth; assumes the season moves sales alike every year.",
		"Before/after growth minus the pooled growth of comparison merchants outside the program over the same windows, in percentage points; assumes the merchant would have moved like them without the program.",
	},
}

// methods computes the four methods of g in lang.
func (g growthSums) methods(lang string) *GrowthMethods {
	if lang != LocaleEn {
		lang = LocaleKo
	}
	v := kpi.Methods(g.s)
	won := func(r *big.Rat) *int64 {
		if r == nil {
			return nil
		}
		return ptr(kpi.RoundWon(r))
	}
	var now, ly GrowthBasis
	if g.w != nil {
		l := kpi.LastYear(*g.w)
		now = GrowthBasis{BeforeFrom: ptr(g.w.BeforeFrom), BeforeTo: ptr(g.w.BeforeTo), AfterFrom: ptr(g.w.AfterFrom), AfterTo: ptr(g.w.AfterTo)}
		ly = GrowthBasis{LastYearBeforeFrom: ptr(l.BeforeFrom), LastYearBeforeTo: ptr(l.BeforeTo),
			LastYearAfterFrom: ptr(l.AfterFrom), LastYearAfterTo: ptr(l.AfterTo)}
	} else {
		now.Teams, ly.Teams = ptr(g.teams), ptr(g.teams)
	}
	text := methodAssumptions[lang]

	ba := now
	ba.BeforeKRW, ba.AfterKRW = won(g.s.B), won(g.s.A)

	sply := GrowthBasis{AfterFrom: now.AfterFrom, AfterTo: now.AfterTo, LastYearAfterFrom: ly.LastYearAfterFrom,
		LastYearAfterTo: ly.LastYearAfterTo, AfterKRW: won(g.s.A), LastYearAfterKRW: won(g.s.A1), Teams: now.Teams}

	sa := ba
	sa.LastYearBeforeFrom, sa.LastYearBeforeTo = ly.LastYearBeforeFrom, ly.LastYearBeforeTo
	sa.LastYearAfterFrom, sa.LastYearAfterTo = ly.LastYearAfterFrom, ly.LastYearAfterTo
	sa.LastYearBeforeKRW, sa.LastYearAfterKRW = won(g.s.B1), won(g.s.A1)

	did := ba
	did.ComparisonTeams = ptr(g.comparisons)
	did.ComparisonBeforeKRW, did.ComparisonAfterKRW = won(g.s.BC), won(g.s.AC)

	return &GrowthMethods{
		BeforeAfter:        GrowthMethod{ValuePct: v.BeforeAfter, Basis: ba, Assumption: text[0]},
		SamePeriodLastYear: GrowthMethod{ValuePct: v.SamePeriodLastYear, Basis: sply, Assumption: text[1]},
		SeasonallyAdjusted: GrowthMethod{ValuePct: v.SeasonallyAdjusted, Basis: sa, Assumption: text[2]},
		DiffInDiff:         GrowthMethod{ValuePct: v.DiffInDiff, Basis: did, Assumption: text[3]},
	}
}

// loadGrowthSums reads, for each team's windows, its sales now and a year
// earlier and the comparison teams' pooled sales over the same windows, in
// one sales pass for all of them. A comparison team is not compared with
// itself.
func loadGrowthSums(tx *gorm.DB, windows map[uint64]kpi.Windows, comparisons []uint64, statuses []Status) (map[uint64]*growthSums, error) {
	teamIDs := make([]uint64, 0, len(windows))
	for id := range windows {
		teamIDs = append(teamIDs, id)
	}
	slices.Sort(teamIDs)
	type keys struct {
		now, lastYear int
		comparisons   []int
	}
	var jobs []salesJob
	add := func(team uint64, w kpi.Windows) int {
		jobs = append(jobs, salesJob{key: len(jobs), teamID: team, w: w})
		return len(jobs) - 1
	}
	byTeam := make(map[uint64]keys, len(teamIDs))
	for _, id := range teamIDs {
		w := windows[id]
		k := keys{now: add(id, w), lastYear: add(id, kpi.LastYear(w))}
		for _, c := range comparisons {
			if c != id {
				k.comparisons = append(k.comparisons, add(c, w))
			}
		}
		byTeam[id] = k
	}
	sums, err := salesSums(tx, jobs, statuses)
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]*growthSums, len(teamIDs))
	for _, id := range teamIDs {
		k, w := byTeam[id], windows[id]
		g := &growthSums{w: &w, comparisons: len(k.comparisons), s: kpi.MethodSums{
			A: sums[k.now].after, B: sums[k.now].before, A1: sums[k.lastYear].after, B1: sums[k.lastYear].before}}
		if len(k.comparisons) > 0 {
			g.s.AC, g.s.BC = new(big.Rat), new(big.Rat)
			for _, c := range k.comparisons {
				g.s.AC.Add(g.s.AC, sums[c].after)
				g.s.BC.Add(g.s.BC, sums[c].before)
			}
		}
		out[id] = g
	}
	return out, nil
}

// comparisonTeams are the ids of the comparison teams of the programs of teamIDs.
func comparisonTeams(tx *gorm.DB, teamIDs []uint64) ([]uint64, error) {
	var ids []uint64
	if len(teamIDs) == 0 {
		return ids, nil
	}
	err := tx.Raw(`SELECT id FROM teams WHERE comparison AND program_id IN (SELECT program_id FROM teams WHERE id IN @teams) ORDER BY id`,
		sql.Named("teams", teamIDs)).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("comparison teams: %w", err)
	}
	return ids, nil
}

// programMethods are the program's methods: A, B, A₁ and B₁ add up the
// participating teams' (rounded) sums over their own windows, ΣA꜀ and ΣB꜀
// the comparison teams' over each of those windows in turn.
func programMethods(teams []TeamReport, comparisons int, lang string) *GrowthMethods {
	g := growthSums{comparisons: comparisons, s: kpi.MethodSums{A: new(big.Rat), B: new(big.Rat), A1: new(big.Rat), B1: new(big.Rat)}}
	if comparisons > 0 {
		g.s.AC, g.s.BC = new(big.Rat), new(big.Rat)
	}
	add := func(r *big.Rat, v *int64) {
		if r != nil && v != nil {
			r.Add(r, new(big.Rat).SetInt64(*v))
		}
	}
	for _, t := range teams {
		if t.Windows == nil || t.SalesGrowthMethods == nil {
			continue
		}
		g.teams++
		m := t.SalesGrowthMethods
		add(g.s.A, m.BeforeAfter.Basis.AfterKRW)
		add(g.s.B, m.BeforeAfter.Basis.BeforeKRW)
		add(g.s.A1, m.SeasonallyAdjusted.Basis.LastYearAfterKRW)
		add(g.s.B1, m.SeasonallyAdjusted.Basis.LastYearBeforeKRW)
		add(g.s.AC, m.DiffInDiff.Basis.ComparisonAfterKRW)
		add(g.s.BC, m.DiffInDiff.Basis.ComparisonBeforeKRW)
	}
	return g.methods(lang)
}
