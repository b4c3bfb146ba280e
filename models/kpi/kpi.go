// Package kpi is the one definition of Nalgae's KPIs (SPEC §2): every endpoint,
// report and export computes them here, from sums, so that a team's ROAS on the
// team page, in the program report and in the CSV export can never disagree.
// The package is pure: no database, no HTTP, no clock.
package kpi

// Sums are the additive measures of a group of metric entries (campaign, team, kind, program).
// Only these are summed; ratios are derived afterwards, because a ratio of a
// group is not the sum or average of its members' ratios.
type Sums struct {
	SpendKRW, RevenueKRW, Impressions, Clicks, Conversions, Viewers int64
}

// Add folds another group (or a single day) into s, so that callers can
// aggregate entries in any order and at any level.
func (s *Sums) Add(o Sums) {
	s.SpendKRW += o.SpendKRW
	s.RevenueKRW += o.RevenueKRW
	s.Impressions += o.Impressions
	s.Clicks += o.Clicks
	s.Conversions += o.Conversions
	s.Viewers += o.Viewers
}

// Block is the SPEC §4 KPI block. Ratios are unrounded float64, since rounding
// is the UI's; nil (JSON null, shown as "—") when the denominator is zero,
// because 0 or ∞ would read as a real result.
type Block struct {
	SpendKRW    int64 `json:"spend_krw"`
	RevenueKRW  int64 `json:"revenue_krw"`
	Impressions int64 `json:"impressions"`
	Clicks      int64 `json:"clicks"`
	Conversions int64 `json:"conversions"`
	Viewers     int64 `json:"viewers"`

	RoasPct             *float64 `json:"roas_pct"`               // revenue/spend*100
	CtrPct              *float64 `json:"ctr_pct"`                // clicks/impressions*100
	CpcKRW              *float64 `json:"cpc_krw"`                // spend/clicks
	CvrPct              *float64 `json:"cvr_pct"`                // conversions/clicks*100
	CpaKRW              *float64 `json:"cpa_krw"`                // spend/conversions
	AovKRW              *float64 `json:"aov_krw"`                // revenue/conversions
	LiveConversionPct   *float64 `json:"live_conversion_pct"`    // conversions/viewers*100
	RevenuePerViewerKRW *float64 `json:"revenue_per_viewer_krw"` // revenue/viewers
}

// Compute turns sums into the block: every ratio from the group's sums, never
// an average of daily ratios, so that a quiet day weighs as little as it spent.
func Compute(s Sums) Block {
	return Block{
		SpendKRW:    s.SpendKRW,
		RevenueKRW:  s.RevenueKRW,
		Impressions: s.Impressions,
		Clicks:      s.Clicks,
		Conversions: s.Conversions,
		Viewers:     s.Viewers,

		RoasPct:             RoasPct(s),
		CtrPct:              ratio(s.Clicks, s.Impressions, 100),
		CpcKRW:              ratio(s.SpendKRW, s.Clicks, 1),
		CvrPct:              ratio(s.Conversions, s.Clicks, 100),
		CpaKRW:              ratio(s.SpendKRW, s.Conversions, 1),
		AovKRW:              ratio(s.RevenueKRW, s.Conversions, 1),
		LiveConversionPct:   ratio(s.Conversions, s.Viewers, 100),
		RevenuePerViewerKRW: ratio(s.RevenueKRW, s.Viewers, 1),
	}
}

// RoasPct is the ROAS of a group's sums alone. It serves the ad ROAS of a
// team or program (SPEC §2), which sums only the advertising kinds' entries:
// live-commerce or store revenue was bought by no ad spend.
func RoasPct(s Sums) *float64 {
	return ratio(s.RevenueKRW, s.SpendKRW, 100)
}

// ratio is num/den*scale, or nil when den is zero: a missing denominator
// means "not measurable", which SPEC §2 shows as null rather than 0 or ∞.
func ratio(num, den int64, scale float64) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) / float64(den) * scale
	return &v
}
