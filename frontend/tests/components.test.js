import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, jsonResponse, mountWith } from './helpers.js'
import { setAccessToken } from '../src/api/client.js'
import KpiCard from '../src/components/KpiCard.vue'
import KpiGrid from '../src/components/KpiGrid.vue'
import MerchantCard from '../src/components/MerchantCard.vue'
import MetricForm from '../src/components/MetricForm.vue'
import DataTable from '../src/components/DataTable.vue'
import ConfirmDialog from '../src/components/ConfirmDialog.vue'
import CommentsPanel from '../src/components/CommentsPanel.vue'
import LoginPage from '../src/pages/login/LoginPage.vue'

const XSS = '<img src=x onerror=alert(1)>'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('KpiCard', () => {
  it('shows "—" for a KPI without a denominator', () => {
    const w = mountWith(KpiCard, { props: { label: 'ROAS', value: null, kind: 'pct' } })
    expect(w.find('.kpi__value').text()).toBe('—')
  })
  it('formats won and percentages', () => {
    expect(mountWith(KpiCard, { props: { label: 'x', value: 1234567, kind: 'won' } }).find('.kpi__value').text()).toBe('₩1,234,567')
    expect(mountWith(KpiCard, { props: { label: 'x', value: 629, kind: 'pct' } }).find('.kpi__value').text()).toBe('629.0%')
    expect(mountWith(KpiCard, { props: { label: 'x', value: 127, kind: 'growth' } }).find('.kpi__value').text()).toBe('+127.0%')
  })
})

describe('KpiGrid', () => {
  const block = { spend_krw: 0, revenue_krw: 0, impressions: 0, clicks: 0, conversions: 0, viewers: 0, roas_pct: null, ctr_pct: null, cpc_krw: null, cvr_pct: null }
  it('states the windows sales growth compared', () => {
    const growth = {
      sales_growth_pct: 127,
      sales_before_krw: 20000000,
      sales_after_krw: 45400000,
      windows: { before_from: '2026-08-31', before_to: '2026-09-30', after_from: '2026-10-01', after_to: '2026-10-31' },
    }
    const w = mountWith(KpiGrid, { props: { block, growth } })
    const card = w.find('[data-testid="kpi-sales-growth"]')
    expect(card.text()).toContain('+127.0%')
    expect(card.text()).toContain('2026-10-01 ~ 2026-10-31 vs 2026-08-31 ~ 2026-09-30')
    expect(w.text()).toContain('₩20,000,000')
    expect(w.find('[data-testid="kpi-roas"] .kpi__value').text()).toBe('—')
  })
})

describe('names and notes are text, never HTML', () => {
  it('MerchantCard shows a script-like merchant name as text', () => {
    const w = mountWith(MerchantCard, {
      props: { merchant: { name: XSS, category: XSS, region: '', smart_store_url: 'javascript:alert(1)', has_offline_store: false }, members: [{ user_id: 1, name: XSS, role: 'leader' }] },
    })
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('[data-testid="merchant-name"]').text()).toBe(XSS)
    // a non-http store address is not turned into a link
    expect(w.find('a').exists()).toBe(false)
  })

  it('CommentsPanel shows a comment body as text', async () => {
    setAccessToken('t')
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, { items: [{ id: 1, author_name: XSS, body: XSS, created_at: '2026-11-01T00:00:00Z' }] })))
    const w = mountWith(CommentsPanel, { props: { teamId: 1 } })
    await flushPromises()
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('.comment__body').text()).toBe(XSS)
  })
})

describe('MetricForm', () => {
  const campaign = { id: 7, kind: 'search_ad' }

  it('shows the API\'s field errors beside their fields', async () => {
    setAccessToken('t')
    const fetchMock = vi.fn(async () =>
      jsonResponse(422, {
        error: {
          code: 'validation_failed',
          message: 'Some values are invalid; see fields.',
          fields: { spend_krw: 'must be ≥ 0', clicks: 'must not exceed impressions', revenue_krw: 'something new' },
        },
      }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const w = mountWith(MetricForm, { props: { campaign } })
    // a money field takes digits only (a minus sign is not money): the
    // server's refusal is shown for another field's negative count
    await w.find('[data-testid="metric-spend_krw"]').setValue('-5')
    await w.find('[data-testid="metric-clicks"]').setValue(-5)
    await w.find('form').trigger('submit')
    await flushPromises()

    const body = JSON.parse(fetchMock.mock.calls[0][1].body)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/campaigns/7/metrics')
    expect(body.spend_krw).toBe(5)
    expect(body.clicks).toBe(-5)
    expect(body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    const spend = w.find('#m-spend_krw')
    expect(spend.attributes('aria-invalid')).toBe('true')
    expect(spend.attributes('aria-describedby')).toContain('m-spend_krw-error')
    expect(w.find('#m-spend_krw-error').text()).toBe('0 이상이어야 합니다.')
    expect(w.find('#m-clicks-error').text()).toBe('클릭수는 노출수보다 클 수 없습니다.')
    // a message the app does not know is shown as the API wrote it
    expect(w.find('#m-revenue_krw-error').text()).toBe('something new')
    expect(w.find('[data-testid="metric-form-error"]').text()).toBe('입력한 값을 확인해 주세요.')
    expect(w.find('#m-impressions').attributes('aria-invalid')).toBeUndefined()
  })

  it('asks for live-commerce figures only for live commerce', () => {
    expect(mountWith(MetricForm, { props: { campaign } }).find('[data-testid="metric-viewers"]').exists()).toBe(false)
    expect(mountWith(MetricForm, { props: { campaign: { id: 1, kind: 'live_commerce' } } }).find('[data-testid="metric-viewers"]').exists()).toBe(true)
  })

  it('patches an entry with its version and reports a conflict', async () => {
    setAccessToken('t')
    const fetchMock = vi.fn(async () => jsonResponse(409, { error: { code: 'version_conflict', message: 'changed' } }))
    vi.stubGlobal('fetch', fetchMock)
    const entry = { id: 3, date: '2026-10-01', version: 4, spend_krw: 1000, impressions: 10, clicks: 1, conversions: 0, revenue_krw: 0 }
    const w = mountWith(MetricForm, { props: { campaign, entry } })
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/metrics/3')
    expect(fetchMock.mock.calls[0][1].method).toBe('PATCH')
    expect(JSON.parse(fetchMock.mock.calls[0][1].body).version).toBe(4)
    expect(w.emitted('conflict')).toHaveLength(1)
    expect(w.text()).toContain('다른 사람이 먼저 수정했습니다')
  })
})

describe('DataTable', () => {
  const columns = [
    { key: 'name', label: 'Name', sortable: true },
    { key: 'roas', label: 'ROAS', sortable: true, format: 'pct' },
  ]
  const rows = [
    { id: 1, name: 'A', roas: 120 },
    { id: 2, name: 'B', roas: null },
    { id: 3, name: 'C', roas: 629 },
  ]
  it('sorts by a column with a button, nulls last', async () => {
    const w = mountWith(DataTable, { props: { columns, rows } })
    const names = () => w.findAll('tbody tr').map((tr) => tr.find('td').text())
    expect(names()).toEqual(['A', 'B', 'C'])
    await w.find('[data-testid="sort-roas"]').trigger('click')
    expect(names()).toEqual(['C', 'A', 'B'])
    expect(w.findAll('th')[1].attributes('aria-sort')).toBe('descending')
    await w.find('[data-testid="sort-roas"]').trigger('click')
    expect(names()).toEqual(['A', 'C', 'B'])
    expect(w.findAll('tbody tr')[2].findAll('td')[1].text()).toBe('—')
  })
})

describe('ConfirmDialog', () => {
  it('closes with Escape', async () => {
    const w = mountWith(ConfirmDialog, { props: { open: true, title: 'T' }, attachTo: document.body })
    await flushPromises()
    await w.find('dialog').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('cancel')).toHaveLength(1)
    w.unmount()
  })
})

describe('LoginPage', () => {
  it('says in words that the email or password is wrong', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(401, { error: { code: 'unauthorized', message: 'Log in again' } })))
    const w = mountWith(LoginPage, { router: true })
    await w.find('[data-testid="login-email"]').setValue('student@demo.nalgae.kr')
    await w.find('[data-testid="login-password"]').setValue('wrong')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="login-error"]').text()).toBe('이메일 또는 비밀번호가 올바르지 않습니다')
  })

  it('asks to wait when rate limited', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(429, { error: { code: 'rate_limited', message: 'Too many' } })))
    const w = mountWith(LoginPage, { router: true, locale: 'en' })
    await w.find('[data-testid="login-email"]').setValue('a@b.kr')
    await w.find('[data-testid="login-password"]').setValue('x')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="login-error"]').text()).toContain('Wait a minute')
  })

  it('labels its fields', () => {
    const w = mountWith(LoginPage, { router: true })
    expect(w.find('label[for="login-email"]').text()).toContain('이메일')
    expect(w.find('label[for="login-password"]').text()).toContain('비밀번호')
  })
})
