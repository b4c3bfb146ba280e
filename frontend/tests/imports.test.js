// File import: the multipart upload of the API client, the preview's table
// and the panel's Preview → Apply flow (SPEC §5, §7).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, jsonResponse, mountWith } from './helpers.js'
import { ApiError, onSessionExpired, setAccessToken, upload } from '../src/api/client.js'
import ImportPreview from '../src/components/ImportPreview.vue'
import ImportPanel from '../src/components/ImportPanel.vue'
import ko from '../src/locales/ko.json'

const XSS = '<img src=x onerror=alert(1)>'

const preview = (over = {}) => ({
  dry_run: true,
  format: 'naver_searchad_csv',
  encoding: 'utf-8-bom',
  rows_read: 2,
  days: 2,
  created: 2,
  updated: 0,
  unchanged: 0,
  errors: [],
  warnings: [],
  ...over,
})

const csv = () => new File(['일별,총비용\n2026-11-15,"30,000"\n'], 'report.csv', { type: 'text/csv' })

beforeEach(() => {
  setAccessToken('fresh')
  onSessionExpired(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('upload (API client)', () => {
  it('posts the file as FormData in the field "file", with dry_run in the query and no hand-made Content-Type', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, preview()))
    vi.stubGlobal('fetch', fetchMock)
    const file = csv()
    const out = await upload('/campaigns/7/imports', file, { query: { dry_run: true } })
    expect(out.created).toBe(2)
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/campaigns/7/imports?dry_run=true')
    expect(init.method).toBe('POST')
    expect(init.body).toBeInstanceOf(FormData)
    const sent = init.body.get('file')
    expect(sent.name).toBe('report.csv')
    expect(await sent.text()).toBe(await file.text())
    expect(init.headers.Authorization).toBe('Bearer fresh')
    // the browser writes multipart/form-data with its boundary itself
    expect(Object.keys(init.headers).map((h) => h.toLowerCase())).not.toContain('content-type')
  })

  it('sends dry_run=false to apply', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, preview({ dry_run: false })))
    vi.stubGlobal('fetch', fetchMock)
    const out = await upload('/teams/3/sales/imports', csv(), { query: { dry_run: false } })
    expect(out.dry_run).toBe(false)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/teams/3/sales/imports?dry_run=false')
  })

  it('answers a refused apply (422 with the preview body) as a result with its errors, not as an exception', async () => {
    const body = preview({ dry_run: false, errors: [{ line: 6, column: '클릭수', message: '"4O2" is not a number' }] })
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(422, body)))
    const out = await upload('/campaigns/7/imports', csv(), { query: { dry_run: false } })
    expect(out).toEqual(body)
  })

  it('throws ApiError for a 422 in the error shape (a file for another place)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => jsonResponse(422, { error: { code: 'unrecognised_file', message: "This is Nalgae's sales template." } })),
    )
    const err = await upload('/campaigns/7/imports', csv()).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.code).toBe('unrecognised_file')
  })

  it('throws ApiError 413 for a file that is too large', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => jsonResponse(413, { error: { code: 'too_large', message: 'The file is larger than 20 MiB.' } })),
    )
    const err = await upload('/campaigns/7/imports', csv(), { query: { dry_run: true } }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(413)
    expect(err.code).toBe('too_large')
  })

  it('refreshes on 401 and sends the same file again', async () => {
    setAccessToken('stale')
    const calls = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url, init) => {
        calls.push({ url, auth: init.headers.Authorization || '', body: init.body })
        if (url === '/api/v1/auth/refresh') return jsonResponse(200, { access_token: 'fresh', user: { id: 1 } })
        if (init.headers.Authorization !== 'Bearer fresh') return jsonResponse(401, { error: { code: 'unauthorized', message: 'expired' } })
        return jsonResponse(200, preview())
      }),
    )
    const out = await upload('/campaigns/7/imports', csv(), { query: { dry_run: true } })
    expect(out.days).toBe(2)
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/campaigns/7/imports?dry_run=true', '/api/v1/auth/refresh', '/api/v1/campaigns/7/imports?dry_run=true'])
    expect(calls[2].auth).toBe('Bearer fresh')
    expect(calls[2].body).toBeInstanceOf(FormData)
    expect(calls[2].body.get('file').name).toBe('report.csv')
  })
})

describe('ImportPreview', () => {
  it("shows a file error's line and column as text, and the counts", () => {
    const w = mountWith(ImportPreview, {
      props: {
        result: preview({
          rows_read: 10,
          days: 9,
          created: 9,
          errors: [{ line: 6, column: XSS, message: '"4O2" is not a number' }],
          warnings: [{ line: 3, column: '일별', message: 'outside the campaign' }],
        }),
      },
    })
    const row = w.find('[data-testid="import-errors"] tbody tr')
    const cells = row.findAll('td')
    expect(cells[0].text()).toBe('6')
    expect(cells[1].text()).toBe(XSS)
    expect(cells[2].text()).toBe('“4O2”은(는) 숫자가 아닙니다.') // the server's message in the app's words
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('[data-testid="import-errors"] caption').text()).toBe('오류 1건')
    expect(w.find('[data-testid="import-rows"] dd').text()).toBe('10')
    expect(w.find('[data-testid="import-days"] dd').text()).toBe('9')
    expect(w.find('[data-testid="import-created"] dt').text()).toBe(ko.imports.wouldCreate)
    expect(w.find('[data-testid="import-format"] dd').text()).toBe('네이버 검색광고 보고서 (CSV)')
    expect(w.find('[data-testid="import-encoding"] dd').text()).toBe('UTF-8 (BOM)')
    expect(w.find('[data-testid="import-warnings"]').text()).toContain('outside the campaign')
  })

  it('names a problem of the whole file and translates the known field messages', () => {
    const w = mountWith(ImportPreview, {
      props: { result: preview({ errors: [{ line: 0, column: '', message: 'x' }, { line: 4, column: '일별', message: 'must not be in the future' }] }) },
    })
    const rows = w.findAll('[data-testid="import-errors"] tbody tr')
    expect(rows[0].findAll('td')[0].text()).toBe(ko.imports.wholeFile)
    expect(rows[1].findAll('td')[2].text()).toBe(ko.errors.field.future)
  })

  it('says that an applied import wrote and a refused one did not', () => {
    const ok = mountWith(ImportPreview, { props: { result: preview({ dry_run: false }) } })
    expect(ok.find('[data-testid="import-state"]').text()).toBe(ko.imports.appliedNote)
    expect(ok.find('[data-testid="import-created"] dt').text()).toBe(ko.imports.created)
    const refused = mountWith(ImportPreview, { props: { result: preview({ dry_run: false, errors: [{ line: 2, column: 'a', message: 'b' }] }) } })
    expect(refused.find('[data-testid="import-state"]').text()).toBe(ko.imports.refused)
    expect(refused.find('[data-testid="import-created"] dt').text()).toBe(ko.imports.wouldCreate)
  })
})

describe('ImportPanel', () => {
  async function choose(w, file) {
    const input = w.find('input[type="file"]')
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
    await input.trigger('change')
  }

  it('has a labelled file input that takes the report formats', () => {
    const w = mountWith(ImportPanel, { props: { path: '/campaigns/7/imports' }, attachTo: document.body })
    const input = w.find('input[type="file"]')
    expect(input.attributes('accept')).toBe('.csv,.tsv,.txt,.xlsx')
    const label = w.find(`label[for="${input.attributes('id')}"]`)
    expect(label.text()).toBe(ko.imports.file)
  })

  it('enables Apply only after a preview without errors, then applies and reports it', async () => {
    const fetchMock = vi.fn(async (url) => jsonResponse(200, preview({ dry_run: url.endsWith('dry_run=true') })))
    vi.stubGlobal('fetch', fetchMock)
    const w = mountWith(ImportPanel, { props: { path: '/campaigns/7/imports' } })
    const applyBtn = () => w.find('[data-testid="import-apply"]')
    expect(applyBtn().attributes('disabled')).toBeDefined()
    await choose(w, csv())
    expect(applyBtn().attributes('disabled')).toBeDefined()
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/campaigns/7/imports?dry_run=true')
    expect(w.find('[data-testid="import-state"]').text()).toBe(ko.imports.previewOk)
    expect(applyBtn().attributes('disabled')).toBeUndefined()
    await applyBtn().trigger('click')
    await flushPromises()
    expect(fetchMock.mock.calls[1][0]).toBe('/api/v1/campaigns/7/imports?dry_run=false')
    expect(w.emitted('applied')).toHaveLength(1)
    expect(w.find('[data-testid="import-state"]').text()).toBe(ko.imports.appliedNote)
    expect(applyBtn().attributes('disabled')).toBeDefined()
  })

  it('keeps Apply disabled when the preview has errors', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, preview({ errors: [{ line: 4, column: '클릭수', message: 'bad' }] }))))
    const w = mountWith(ImportPanel, { props: { path: '/campaigns/7/imports' } })
    await choose(w, csv())
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="import-errors"]').text()).toContain('클릭수')
    expect(w.find('[data-testid="import-apply"]').attributes('disabled')).toBeDefined()
  })

  it('says in words that a file is too large or not one it can read', async () => {
    const answers = [
      jsonResponse(413, { error: { code: 'too_large', message: 'too large' } }),
      jsonResponse(415, { error: { code: 'unsupported_file', message: 'The file holds binary data.' } }),
    ]
    vi.stubGlobal('fetch', vi.fn(async () => answers.shift()))
    const w = mountWith(ImportPanel, { props: { path: '/campaigns/7/imports' } })
    await choose(w, csv())
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="import-error"]').text()).toContain(ko.imports.tooLarge.replace('{mb}', '20'))
    await w.find('form').trigger('submit')
    await flushPromises()
    const text = w.find('[data-testid="import-error"]').text()
    expect(text).toContain(ko.imports.unsupported)
    expect(text).toContain(ko.imports.msg.binary) // the server's explanation in the app's words
    expect(w.find('[data-testid="import-result"]').exists()).toBe(false)
  })
})
