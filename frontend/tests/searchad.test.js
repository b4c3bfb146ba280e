// The SearchAd panel (SPEC §14.1): the keys are write-only — sent once,
// never shown, left out of a change when left empty — and the server's
// field messages and refusals are shown in the UI's language.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { computed } from 'vue'
import { flushPromises, jsonResponse, mountWith } from './helpers.js'
import { setAccessToken } from '../src/api/client.js'
import { fieldMessage } from '../src/api/messages.js'
import { createAppI18n } from '../src/i18n.js'
import SearchAdPanel from '../src/components/SearchAdPanel.vue'

vi.mock('../src/composables/useRole.js', () => ({
  useRole: () => ({ canEditWork: computed(() => true) }),
}))

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const SECRET = 'secret-that-must-not-stay-0123'
const linked = {
  campaign_id: 7, customer_id: '1234567', searchad_campaign_id: 'cmp-a001-01-000000000000001', api_key_last4: 'f2e1',
  last_pulled_at: null, last_error: '', last_error_at: null, version: 1,
}

/** A fake API: answers by method and path from routes, recording calls. */
function stubAPI(routes) {
  const calls = []
  vi.stubGlobal('fetch', vi.fn(async (url, init = {}) => {
    const method = init.method || 'GET'
    const path = String(url).replace(/^\/api\/v1/, '').split('?')[0]
    calls.push({ method, path, body: init.body ? JSON.parse(init.body) : null })
    const answer = routes[`${method} ${path}`]
    if (!answer) return jsonResponse(404, { error: { code: 'not_found', message: 'not found' } })
    const [status, body] = typeof answer === 'function' ? answer(calls.at(-1)) : answer
    return jsonResponse(status, body)
  }))
  return calls
}

describe('SearchAdPanel', () => {
  it('links with all four fields, then forgets the secret and never shows it', async () => {
    setAccessToken('t')
    const calls = stubAPI({ 'PUT /campaigns/7/searchad-link': [200, linked] })
    const w = mountWith(SearchAdPanel, { props: { campaignId: 7 }, attachTo: document.body })
    await flushPromises()
    expect(w.text()).toContain('아직 검색광고 계정과 연결되지 않았습니다')
    await w.find('#sad-customer').setValue('1234567')
    await w.find('#sad-apikey').setValue('0100000000abcdef0123f2e1')
    await w.find('#sad-secret').setValue(SECRET)
    await w.find('#sad-campaign').setValue('cmp-a001-01-000000000000001')
    expect(w.find('#sad-secret').attributes('type')).toBe('password')
    expect(w.find('label[for="sad-secret"]').text()).toContain('비밀키')
    await w.find('[data-testid="searchad-form"]').trigger('submit')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')
    expect(put.body).toEqual({ customer_id: '1234567', api_key: '0100000000abcdef0123f2e1', secret_key: SECRET, searchad_campaign_id: 'cmp-a001-01-000000000000001' })
    expect(w.find('[data-testid="searchad-key"]').text()).toBe('끝자리 f2e1')
    expect(w.html()).not.toContain(SECRET)

    // A change sends the version, and no key left empty.
    await w.find('[data-testid="searchad-edit"]').trigger('click')
    expect(w.find('#sad-secret').element.value).toBe('')
    await w.find('#sad-campaign').setValue('cmp-a001-01-000000000000002')
    await w.find('[data-testid="searchad-form"]').trigger('submit')
    await flushPromises()
    const change = calls.filter((c) => c.method === 'PUT')[1]
    expect(change.body).toEqual({ customer_id: '1234567', searchad_campaign_id: 'cmp-a001-01-000000000000002', version: 1 })
  })

  it("shows the server's field messages in Korean beside their fields", async () => {
    setAccessToken('t')
    stubAPI({
      'PUT /campaigns/7/searchad-link': [422, { error: { code: 'validation_failed', message: 'invalid', fields: {
        customer_id: 'must be the customer id: digits only', secret_key: 'must be the key as SearchAd shows it (no spaces, at most 500 characters)' } } }],
    })
    const w = mountWith(SearchAdPanel, { props: { campaignId: 7 } })
    await flushPromises()
    await w.find('[data-testid="searchad-form"]').trigger('submit')
    await flushPromises()
    expect(w.find('#sad-customer-error').text()).toBe('광고주 번호를 숫자로만 적어 주세요.')
    expect(w.find('#sad-secret-error').text()).toContain('띄어쓰기 없이')
    expect(w.find('#sad-secret').attributes('aria-invalid')).toBe('true')
  })

  it('previews, then applies the same dates; a refusal says what to fix', async () => {
    setAccessToken('t')
    const preview = { dry_run: true, format: 'searchad_api', encoding: 'utf-8', rows_read: 30, days: 30, created: 28, updated: 1, unchanged: 1, errors: [],
      warnings: [{ line: 2, column: 'dateStart', message: 'The entry of 2026-11-08 is approved: SearchAd\'s figures differ, and the approved ones are kept' }],
      changes: [
        { date: '2026-11-08', action: 'kept_approved', spend_krw: 12000, revenue_krw: 46000, impressions: 900, clicks: 30, conversions: 2 },
        { date: '2026-11-09', action: 'created', spend_krw: 15500, revenue_krw: 0, impressions: 1000, clicks: 41, conversions: 0 },
      ] }
    let refuse = false
    const calls = stubAPI({
      'GET /campaigns/7/searchad-link': [200, linked],
      'POST /campaigns/7/searchad-pull': (c) => refuse
        ? [502, { error: { code: 'searchad_refused', message: 'SearchAd refused the credentials (HTTP 401): Invalid signature' } }]
        : [200, { ...preview, dry_run: c.body.dry_run }],
    })
    const w = mountWith(SearchAdPanel, { props: { campaignId: 7 } })
    await flushPromises()
    const apply = () => w.find('[data-testid="searchad-apply"]')
    expect(apply().attributes('disabled')).toBeDefined()
    await w.find('.searchad-range').trigger('submit')
    await flushPromises()
    const sent = calls.find((c) => c.method === 'POST').body
    expect(sent.dry_run).toBe(true)
    expect(sent.to).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(w.find('[data-testid="import-created"]').text()).toContain('28')
    expect(w.find('[data-testid="import-warnings"]').text()).toContain('2026-11-08')
    const rows = w.findAll('[data-testid="searchad-changes"] tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('승인되어 그대로')
    expect(rows[1].text()).toContain('새로 추가')
    expect(rows[1].text()).toContain('₩15,500')
    expect(apply().attributes('disabled')).toBeUndefined()
    // other dates: preview them first
    await w.find('#sad-from').setValue('2026-10-01')
    expect(apply().attributes('disabled')).toBeDefined()
    await w.find('.searchad-range').trigger('submit')
    await flushPromises()
    await apply().trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').at(-1).body).toMatchObject({ from: '2026-10-01', dry_run: false })
    expect(w.emitted('applied')).toHaveLength(1)

    refuse = true
    await w.find('.searchad-range').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="searchad-failure"]').text()).toContain('검색광고가 키를 거절했습니다')
    expect(w.find('[data-testid="import-result"]').exists()).toBe(false)
  })

  it('translates the link and pull messages', () => {
    const { t } = createAppI18n('ko').global
    for (const m of ['must not be empty', 'a pull reads at most 400 days', 'must be the key as SearchAd shows it (no spaces, at most 500 characters)']) {
      expect(fieldMessage(t, m)).not.toBe(m)
      expect(fieldMessage(t, m)).not.toMatch(/[a-z]{3,}/i)
    }
  })
})
