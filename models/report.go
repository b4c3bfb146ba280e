package models

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/kpi"
)

// TeamReport is one team's line in the program report.
type TeamReport struct {
	TeamID       uint64 `json:"team_id"`
	TeamName     string `json:"team_name"`
	MerchantName string `json:"merchant_name"`
	TeamFigures
	// Targets are measured by the report's default counting whatever its filters.
	Targets      []Target         `json:"targets"`
	SelfReliance TeamSelfReliance `json:"self_reliance"`
}

// SeriesPoint is one day of spend and revenue over the whole program.
type SeriesPoint struct {
	Date       civil.Date `json:"date"`
	SpendKRW   int64      `json:"spend_krw"`
	RevenueKRW int64      `json:"revenue_krw"`
}

// ReportFilters echoes the filters a report was computed with.
type ReportFilters struct {
	From  *civil.Date `json:"from"`
	To    *civil.Date `json:"to"`
	Kinds []Kind      `json:"kinds"`
	Lang  string      `json:"lang"`
}

// ProgramReport is the answer of GET /programs/{id}/report.
type ProgramReport struct {
	ProgramID       uint64             `json:"program_id"`
	ProgramName     string             `json:"program_name"`
	CountedStatuses []Status           `json:"counted_statuses"`
	Filters         ReportFilters      `json:"filters"`
	Totals          kpi.Block          `json:"totals"`
	ByKind          map[Kind]kpi.Block `json:"by_kind"`
	// AdRoasPct is the program's revenue ÷ spend × 100 over search_ad and
	// shopping_ad only; the totals' roas_pct also divides revenue no ad bought.
	AdRoasPct *float64 `json:"ad_roas_pct"`
	ProgramGrowth
	TargetSummary TargetSummary `json:"target_summary"`
	Teams         []TeamReport  `json:"teams"`
	Series        []SeriesPoint `json:"series"`
	Highlights    []string      `json:"highlights"`
	// SPEC §13: the merchants' self-reliance and life after the program.
	SelfReliance   ProgramSelfReliance `json:"self_reliance"`
	Sustainability []Sustainability    `json:"sustainability"`
}

// ProgramReport computes the city's report of a program: approved results
// only by default, every team, with highlights in lang (ko or en).
func (s *Store) ProgramReport(ctx context.Context, actor Actor, programID uint64, q KPIQuery, lang string) (*ProgramReport, error) {
	return s.programReport(s.db.WithContext(ctx), actor, programID, q, lang)
}

// programReport is ProgramReport inside tx (a publication freezes it in the
// transaction that locks what it published).
func (s *Store) programReport(tx *gorm.DB, actor Actor, programID uint64, q KPIQuery, lang string) (*ProgramReport, error) {
	if lang == "" {
		lang = LocaleKo
	}
	if lang != LocaleKo && lang != LocaleEn {
		return nil, Invalid("lang", "must be ko or en")
	}
	program, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canReport()); err != nil {
		return nil, err
	}
	statuses := defaultStatuses(q.Statuses, []Status{StatusApproved})
	q.Lang = lang

	var teams []Team
	// Comparison teams are not the program's: their sales only serve the
	// difference-in-differences of the others.
	if err := tx.Where("program_id = ? AND NOT comparison", programID).Order("id").Find(&teams).Error; err != nil {
		return nil, fmt.Errorf("load teams: %w", err)
	}
	teamIDs := make([]uint64, len(teams))
	ptrs := make([]*Team, len(teams))
	for i := range teams {
		teamIDs[i], ptrs[i] = teams[i].ID, &teams[i]
	}
	if err := fillTeams(tx, ptrs, false); err != nil {
		return nil, err
	}
	src, err := loadProgramKPISource(tx, programID, teamIDs, q, statuses, program.EndsOn, s.today())
	if err != nil {
		return nil, err
	}
	report := &ProgramReport{
		ProgramID:       programID,
		ProgramName:     program.Name,
		CountedStatuses: statuses,
		Filters:         ReportFilters{Kinds: q.Kinds, Lang: lang},
		Totals:          src.block(src.campaigns),
		ByKind:          src.byKind(src.campaigns),
		AdRoasPct:       src.adRoasPct(src.campaigns),
		Teams:           make([]TeamReport, 0, len(teams)),
	}
	if report.Filters.Kinds == nil {
		report.Filters.Kinds = []Kind{}
	}
	if !q.From.IsZero() {
		report.Filters.From = ptr(q.From)
	}
	if !q.To.IsZero() {
		report.Filters.To = ptr(q.To)
	}
	targets, err := TeamTargets(tx, teamIDs, s.today())
	if err != nil {
		return nil, err
	}
	assessments, err := programAssessments(tx, programID)
	if err != nil {
		return nil, err
	}
	report.SelfReliance = programSelfReliance(assessments)
	if report.Sustainability, err = programSustainability(tx, program, s.today()); err != nil {
		return nil, err
	}
	for _, t := range teams {
		row := TeamReport{TeamID: t.ID, TeamName: t.Name, TeamFigures: src.teamFigures(t.ID), Targets: nonNil(targets[t.ID]),
			SelfReliance: teamSelfReliance(assessments[t.MerchantID])}
		for _, tg := range row.Targets {
			report.TargetSummary.add(tg.Status)
		}
		if t.Merchant != nil {
			row.MerchantName = t.Merchant.Name
		}
		report.Teams = append(report.Teams, row)
	}
	report.ProgramGrowth = programGrowth(report.Teams)
	report.SalesGrowthMethods = programMethods(report.Teams, src.comparisons, lang)
	if report.Series, err = programSeries(tx, programID, q, statuses); err != nil {
		return nil, err
	}
	report.Highlights = highlights(report.Teams, src.byTeam, lang)
	return report, nil
}

// programSeries is the program's spend and revenue by day, read from
// program_daily_sums (kept in step with the entries by the database).
func programSeries(tx *gorm.DB, programID uint64, q KPIQuery, statuses []Status) ([]SeriesPoint, error) {
	var rows []struct {
		Date                 civil.Date
		SpendKRW, RevenueKRW int64
	}
	sq := tx.Table("program_daily_sums").Where("program_id = ? AND status IN ?", programID, statuses)
	if len(q.Kinds) > 0 {
		sq = sq.Where("kind IN ?", q.Kinds)
	}
	if !q.From.IsZero() {
		sq = sq.Where("date >= ?", q.From)
	}
	if !q.To.IsZero() {
		sq = sq.Where("date <= ?", q.To)
	}
	err := sq.Select("date, " + sumInt("spend_krw") + " AS spend_krw, " + sumInt("revenue_krw") + " AS revenue_krw").
		Group("date").Having("SUM(entries) > 0").Order("date").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("daily series: %w", err)
	}
	out := make([]SeriesPoint, 0, len(rows))
	for _, r := range rows {
		out = append(out, SeriesPoint{Date: r.Date, SpendKRW: r.SpendKRW, RevenueKRW: r.RevenueKRW})
	}
	return out, nil
}

// ProgramGrowth is the whole program's sales comparison: the sum of the
// teams' "before" and "after" sales, each team over its own windows (teams
// start their work on different days), null when no team had "before" sales.
type ProgramGrowth struct {
	SalesGrowthPct *float64 `json:"sales_growth_pct"`
	SalesBeforeKRW int64    `json:"sales_before_krw"`
	SalesAfterKRW  int64    `json:"sales_after_krw"`
	// SalesGrowthMethods add up the participating teams (SPEC §10.2).
	SalesGrowthMethods *GrowthMethods `json:"sales_growth_methods"`
}

func programGrowth(teams []TeamReport) ProgramGrowth {
	var g ProgramGrowth
	for _, t := range teams {
		if t.Windows == nil {
			continue
		}
		g.SalesBeforeKRW += deref(t.SalesBeforeKRW, 0)
		g.SalesAfterKRW += deref(t.SalesAfterKRW, 0)
	}
	if g.SalesBeforeKRW != 0 {
		g.SalesGrowthPct = ptr(float64(g.SalesAfterKRW-g.SalesBeforeKRW) / float64(g.SalesBeforeKRW) * 100)
	}
	return g
}

// KindName is a campaign kind's name in lang (ko or en), as highlights and
// exports print it.
func KindName(lang string, k Kind) string { return kindNames[lang][k] }

// kindNames name campaign kinds in highlights.
var kindNames = map[string]map[Kind]string{
	LocaleKo: {KindSearchAd: "검색광고", KindShoppingAd: "쇼핑검색광고", KindLiveCommerce: "라이브커머스",
		KindSmartStore: "스마트스토어", KindShortClip: "숏클립", KindSNS: "SNS"},
	LocaleEn: {KindSearchAd: "search ads", KindShoppingAd: "shopping search ads", KindLiveCommerce: "live commerce",
		KindSmartStore: "Smart Store", KindShortClip: "short clips", KindSNS: "social media"},
}

// highlights states each team's strongest result with its basis, strongest
// first. Sales growth and ROAS are put on one scale by what they add: growth
// is the sales added over the before window, ROAS − 100 the revenue added over
// the ad spend, both in percent.
func highlights(teams []TeamReport, campaigns map[uint64][]Campaign, lang string) []string {
	type candidate struct {
		score float64
		text  string
	}
	var best []candidate
	for _, t := range teams {
		name := t.MerchantName
		if name == "" {
			name = t.TeamName
		}
		var top *candidate
		consider := func(c candidate) {
			if top == nil || c.score > top.score {
				top = &c
			}
		}
		if t.SalesGrowthPct != nil && len(campaigns[t.TeamID]) > 0 {
			basis := kindNames[lang][firstCampaign(campaigns[t.TeamID]).Kind]
			consider(candidate{*t.SalesGrowthPct, growthSentence(name, basis, *t.SalesGrowthPct, lang) + otherMethods(t.SalesGrowthMethods, lang)})
		}
		for _, k := range SortedKinds(t.ByKind) {
			if roas := t.ByKind[k].RoasPct; roas != nil {
				consider(candidate{*roas - 100, roasSentence(name, kindNames[lang][k], *roas, lang)})
			}
		}
		if top != nil {
			best = append(best, *top)
		}
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].score > best[j].score })
	out := make([]string, len(best))
	for i, c := range best {
		out[i] = c.text
	}
	return out
}

// firstCampaign is the campaign whose start opens the "after" window.
func firstCampaign(cs []Campaign) Campaign {
	first := cs[0]
	for _, c := range cs[1:] {
		if c.StartsOn.Before(first.StartsOn) {
			first = c
		}
	}
	return first
}

func growthSentence(name, basis string, pct float64, lang string) string {
	if lang == LocaleEn {
		dir := "up"
		if pct < 0 {
			dir = "down"
		}
		return fmt.Sprintf("%s: sales %s %s%% on the same period before %s began", name, dir, FormatPct(math.Abs(pct)), basis)
	}
	dir := "성장"
	if pct < 0 {
		dir = "감소"
	}
	return fmt.Sprintf("%s: %s 시작 이전 같은 기간 대비 매출 %s%% %s", name, basis, FormatPct(math.Abs(pct)), dir)
}

// otherMethods is " (…)" naming every other growth method that has a value,
// so that a growth claim is never read alone (SPEC §10.2); "" when none has.
func otherMethods(m *GrowthMethods, lang string) string {
	if m == nil {
		return ""
	}
	labels := map[string][3]string{
		LocaleKo: {"전년 동기 대비", "계절 조정", "비교군 대비"},
		LocaleEn: {"same period last year", "seasonally adjusted", "vs. comparison"},
	}[lang]
	var parts []string
	if v := m.SamePeriodLastYear.ValuePct; v != nil {
		parts = append(parts, labels[0]+" "+FormatPct(*v)+"%")
	}
	if v := m.SeasonallyAdjusted.ValuePct; v != nil {
		parts = append(parts, labels[1]+" "+FormatPct(*v)+"%")
	}
	if v := m.DiffInDiff.ValuePct; v != nil {
		sign := ""
		if FormatPct(*v)[0] != '-' {
			sign = "+"
		}
		parts = append(parts, labels[2]+" "+sign+FormatPct(*v)+"%p")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func roasSentence(name, basis string, roas float64, lang string) string {
	if lang == LocaleEn {
		return fmt.Sprintf("%s: %s%% ROAS on %s", name, FormatPct(roas), basis)
	}
	return fmt.Sprintf("%s: %s 광고수익률 %s%%", name, basis, FormatPct(roas))
}

// FormatPct writes a percentage to one decimal, without a trailing ".0".
func FormatPct(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}
