// The publication's print view and the merchant's consent panel, mounted:
// the frozen names are shown as the server froze them (and as text), the
// suppressed kinds are said and left out of the table, the hash is in the
// footer, nothing links into the app; the merchant's yes/no goes to the API.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, jsonResponse, mountWith } from './helpers.js'
import PublicationView from '../src/components/PublicationView.vue'
import ConsentPanel from '../src/components/ConsentPanel.vue'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const XSS = '<img src=x onerror=alert(1)>'
const block = { spend_krw: 719800, revenue_krw: 1331630, ctr_pct: 1.6, cvr_pct: 0.5, conversions: 6, roas_pct: 185 }
const team = (id, team_name, merchant_name, over = {}) => ({
  team_id: id,
  team_name,
  merchant_name,
  total: block,
  ad_roas_pct: 185,
  by_kind: { search_ad: { roas_pct: 185 }, live_commerce: { roas_pct: null } },
  sales_before_krw: 20000000,
  sales_after_krw: 45400000,
  sales_growth_pct: 127,
  ...over,
})
const report = {
  program_id: 1,
  program_name: '2026 부산',
  publication: { title: '보도자료 ' + XSS, published_at: '2026-12-05T03:00:00Z', kind: '' },
  filters: { from: '2026-10-01', to: '2026-10-31', kinds: [], lang: 'ko' },
  counted_statuses: ['approved'],
  totals: block,
  ad_roas_pct: 185,
  sales_growth_pct: 59,
  sales_before_krw: 225227825,
  sales_after_krw: 358136559,
  sales_growth_methods: {
    before_after: { value_pct: 59, assumption: '시작 전후 같은 길이의 기간을 비교합니다.', basis: {} },
    difference_in_differences: { value_pct: -34.7, assumption: '비교군의 성장을 뺍니다.', basis: {} },
  },
  highlights: ['이도공감: 매출 127% 성장', '참여 업체 1: 검색광고 광고수익률 185%'],
  by_kind: { search_ad: { roas_pct: 202 }, live_commerce: { suppressed: true, teams: 2 } },
  series: [],
  teams: [team(1, '이도공감 팀', '이도공감'), team(2, '팀 1', '참여 업체 1'), team(3, XSS, XSS)],
}
const SHA = 'ab'.repeat(32)

describe('PublicationView', () => {
  it('shows the frozen report read-only, with the methods, the suppressed kinds and the hash', () => {
    const w = mountWith(PublicationView, { props: { report, sha256: SHA, verified: true } })
    expect(w.find('[data-testid="pub-title"]').text()).toBe('보도자료 ' + XSS)
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('a').exists()).toBe(false)
    expect(w.find('[data-testid="pub-period"]').text()).toContain('2026-10-01 ~ 2026-10-31')
    expect(w.find('[data-testid="pub-growth"] .kpi__value').text()).toBe('+59.0%')
    expect(w.find('[data-testid="pub-spend"] .kpi__value').text()).toBe('₩719,800')
    // the headline figures say how they are computed, visibly (they print)
    expect(w.find('[data-testid="pub-roas"]').text()).toContain('광고수익률 =')
    expect(w.find('[data-testid="pub-method-before_after"]').text()).toContain('59.0%')
    expect(w.find('[data-testid="pub-method-before_after"]').text()).toContain('시작 전후 같은 길이의 기간을 비교합니다.')
    expect(w.find('[data-testid="pub-method-difference_in_differences"]').text()).toContain('-34.7%p')
    expect(w.find('[data-testid="pub-suppressed"]').text()).toContain('라이브커머스')
    const heads = w.findAll('[data-testid="pub-teams-table"] thead th').map((th) => th.text())
    expect(heads.some((h) => h.includes('검색광고'))).toBe(true)
    expect(heads.some((h) => h.includes('라이브커머스'))).toBe(false)
    const merchants = w.findAll('[data-testid="pub-teams-table"] tbody tr').map((tr) => tr.findAll('td')[1].text())
    expect(merchants.sort()).toEqual(['참여 업체 1', '이도공감', XSS].sort())
    expect(w.find('[data-testid="pub-sha256"]').text()).toBe(SHA)
    expect(w.find('[data-testid="pub-verified"]').exists()).toBe(true)
  })
  it('warns when the bytes do not hash to the recorded value', () => {
    const w = mountWith(PublicationView, { props: { report, sha256: SHA, verified: false } })
    expect(w.find('[data-testid="pub-mismatch"]').exists()).toBe(true)
    expect(w.find('[data-testid="pub-verified"]').exists()).toBe(false)
  })
})

describe('ConsentPanel', () => {
  it('shows the standing answer and sends the merchant\'s change', async () => {
    const calls = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url, init) => {
        calls.push({ url: String(url), method: init?.method || 'GET', body: init?.body ? JSON.parse(init.body) : null })
        if ((init?.method || 'GET') === 'PUT') return jsonResponse(200, { merchant_id: 7, program_id: 1, granted: true, note: '', version: 1 })
        return jsonResponse(200, { items: [{ merchant_id: 7, program_id: 1, program_name: '2026 부산', granted: false, note: '' }] })
      }),
    )
    const w = mountWith(ConsentPanel, { props: { merchantId: 7 } })
    await flushPromises()
    expect(w.find('[data-testid="consent-state"]').text()).toContain('동의하지 않음')
    expect(w.find('[data-testid="consent-no"]').element.checked).toBe(true)
    await w.find('[data-testid="consent-yes"]').setValue(true)
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')
    expect(put.url).toBe('/api/v1/merchants/7/consents/1')
    expect(put.body).toEqual({ granted: true, note: '' })
    expect(w.find('[data-testid="consent-state"]').text()).toContain('동의함')
  })
})
