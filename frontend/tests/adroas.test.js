// A team's or program's ROAS is its ad ROAS (SPEC §2), never the total
// block's, and the report's team table shows each kind's ROAS.
import { describe, expect, it } from 'vitest'
import KpiGrid from '../src/components/KpiGrid.vue'
import { teamKpiColumns } from '../src/teamColumns.js'
import { createAppI18n } from '../src/i18n.js'
import { mountWith } from './helpers.js'

const block = { spend_krw: 100, revenue_krw: 2222, roas_pct: 2222, ctr_pct: 1, cpc_krw: 10, cvr_pct: 2, conversions: 3, viewers: 0 }

describe('ad ROAS', () => {
  it('KpiGrid of a team shows ad_roas_pct with its formula, not the total ROAS', () => {
    const w = mountWith(KpiGrid, { props: { block, teamLevel: true, adRoasPct: 185, showGrowth: false } })
    const roas = w.get('[data-testid="kpi-roas"]')
    expect(roas.text()).toContain('185')
    expect(roas.text()).not.toContain('2,222')
    expect(roas.text()).toContain('검색·쇼핑광고')
    expect(roas.get('details p').text()).toContain('검색광고·쇼핑검색광고')
  })
  it('KpiGrid of a campaign keeps its own ROAS', () => {
    const w = mountWith(KpiGrid, { props: { block, showGrowth: false } })
    expect(w.get('[data-testid="kpi-roas"]').text()).toContain('2,222')
  })
  it('the team columns read ad_roas_pct and each kind ROAS', () => {
    const { t } = createAppI18n('ko').global
    const cols = teamKpiColumns(t, { withSales: true, kinds: ['search_ad', 'shopping_ad'] })
    const row = { total: block, ad_roas_pct: 185, by_kind: { shopping_ad: { roas_pct: 629 } } }
    const by = Object.fromEntries(cols.map((c) => [c.key, c]))
    expect(by.roas.value(row)).toBe(185)
    expect(by.roas_shopping_ad.value(row)).toBe(629)
    expect(by.roas_shopping_ad.label).toBe('쇼핑검색광고 광고수익률')
    expect(by.roas_search_ad.value(row)).toBe(null)
  })
})
