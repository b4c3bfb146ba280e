// The evidence panel and its paper-clip (SPEC §14.2): files listed as text,
// refusals (413, 415) in the UI's language, an oversize file refused before
// it is sent.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, jsonResponse, mountWith } from './helpers.js'
import { setAccessToken } from '../src/api/client.js'
import ko from '../src/locales/ko.json'
import en from '../src/locales/en.json'
import EvidencePanel from '../src/components/EvidencePanel.vue'
import EvidenceClip from '../src/components/EvidenceClip.vue'

const XSS = '<img src=x onerror=alert(1)>.png'
const item = { id: 5, filename: XSS, content_type: 'image/png', size: 2048, sha256: 'ab', created_at: '2026-11-20T03:00:00Z', uploaded_by_name: '박서연' }

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

function choose(w, file) {
  const input = w.find('[data-testid="evidence-file"]')
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  return input.trigger('change')
}

async function panel({ locale = 'ko', answer, items = [item] } = {}) {
  setAccessToken('t')
  const fetchMock = vi.fn(async (url, init) => (init.method === 'POST' ? answer() : jsonResponse(200, { items })))
  vi.stubGlobal('fetch', fetchMock)
  const w = mountWith(EvidencePanel, { locale, props: { kind: 'metric', recordId: 3, title: 'x', canAdd: true, canDelete: true } })
  await flushPromises()
  return { w, fetchMock }
}

describe('EvidencePanel', () => {
  it('lists a record\'s files as text: name, kind, size, who uploaded them', async () => {
    const { w, fetchMock } = await panel()
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/metrics/3/evidence')
    expect(w.find('[data-testid="evidence-name"]').text()).toBe(XSS)
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('[data-testid="evidence-item"]').text()).toContain('PNG · 2KB')
    expect(w.find('[data-testid="evidence-item"]').text()).toContain('박서연')
  })

  it('offers the camera and the files, photos and PDFs, labelled', async () => {
    const { w } = await panel()
    for (const id of ['evidence-camera', 'evidence-file']) {
      const input = w.find(`[data-testid="${id}"]`)
      expect(input.attributes('accept')).toBe('image/*,application/pdf')
      expect(w.find(`label[for="${input.attributes('id')}"]`).exists()).toBe(true)
    }
    expect(w.find('[data-testid="evidence-camera"]').attributes('capture')).toBeDefined()
  })

  it('says in words why a file was refused (415, 413), in Korean and English', async () => {
    for (const [locale, messages] of [['ko', ko], ['en', en]]) {
      for (const [status, code, key] of [[415, 'unsupported_file', 'unsupported'], [413, 'too_large', 'tooLarge']]) {
        const { w, fetchMock } = await panel({ locale, answer: () => jsonResponse(status, { error: { code, message: 'English from the server' } }) })
        await choose(w, new File(['<html></html>'], 'screenshot.png', { type: 'image/png' }))
        await w.find('form').trigger('submit')
        await flushPromises()
        expect(fetchMock.mock.calls.some(([url, init]) => url === '/api/v1/metrics/3/evidence' && init.method === 'POST')).toBe(true)
        expect(w.find('[data-testid="evidence-error"]').text()).toBe(messages.evidence[key].replace('{mb}', '10'))
        w.unmount()
      }
    }
  })

  it('refuses a file over 10 MB before sending it', async () => {
    const { w, fetchMock } = await panel({ answer: () => jsonResponse(201, item) })
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.png', { type: 'image/png' })
    await choose(w, big)
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(fetchMock.mock.calls.filter(([, init]) => init.method === 'POST')).toHaveLength(0)
    expect(w.find('[data-testid="evidence-error"]').text()).toBe(ko.evidence.tooLarge.replace('{mb}', '10'))
  })
})

describe('EvidenceClip', () => {
  it('shows the count, offers to attach at 0 only to who may, and names what it opens', () => {
    const w = mountWith(EvidenceClip, { props: { count: 2, of: '2026-11-20' } })
    expect(w.text()).toBe('2')
    expect(w.find('button').attributes('aria-label')).toBe('2026-11-20 증빙 2건 보기')
    expect(mountWith(EvidenceClip, { props: { count: 0 } }).find('button').exists()).toBe(false)
    expect(mountWith(EvidenceClip, { props: { count: 0, canAdd: true } }).text()).toBe(ko.evidence.attach)
    expect(mountWith(EvidenceClip, { locale: 'en', props: { count: 1, of: 'x' } }).find('button').attributes('aria-label')).toBe('x: 1 evidence file')
  })
})
