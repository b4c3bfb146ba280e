// The browser tests' harness. Each test file calls useServer() once: before
// its tests it seeds the demo data into a fresh SQLite file, starts the real
// `nalgae serve` on a free loopback port and launches Debian's chromium
// (through playwright-core: no downloaded browser); after them it stops both
// and removes the files. Each test gets fresh browser contexts from
// e2e(name, fn); a failing test saves a screenshot of every page it opened,
// with the page's console errors, into frontend/test-results/.
//
// Environment:
//   NALGAE_BIN        the binary under test (default: ../bin/nalgae from frontend/)
//   CHROMIUM_PATH     the browser (default: /usr/bin/chromium)
//   E2E_KEEP          keep the temporary directory (database, server log)

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const FRONTEND = path.resolve(here, '..')
const RESULTS = path.join(FRONTEND, 'test-results')

export const ko = JSON.parse(fs.readFileSync(path.join(FRONTEND, 'src/locales/ko.json'), 'utf8'))
export const en = JSON.parse(fs.readFileSync(path.join(FRONTEND, 'src/locales/en.json'), 'utf8'))

/** msg looks up a locale key ("login.invalid") and fills {placeholders};
 * for a plural message ("a | b") it takes the form for n. */
export function msg(messages, key, params = {}) {
  let v = key.split('.').reduce((o, k) => (o == null ? o : o[k]), messages)
  if (typeof v !== 'string') throw new Error(`no message ${key}`)
  const forms = v.split(' | ')
  if (forms.length > 1) {
    const n = Number(params.n ?? 1)
    v = forms.length === 3 ? forms[n === 0 ? 0 : n === 1 ? 1 : 2] : forms[n === 1 ? 0 : 1]
  }
  return v.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`))
}

/** The demo logins of `nalgae seed --demo` (models/demo.go). */
export const USERS = {
  admin: { email: 'admin@demo.nalgae.kr', password: 'demo-admin-2026' },
  professor: { email: 'professor@demo.nalgae.kr', password: 'demo-professor-2026' },
  student: { email: 'student@demo.nalgae.kr', password: 'demo-student-2026' },
  merchant: { email: 'merchant@demo.nalgae.kr', password: 'demo-merchant-2026' },
  city: { email: 'city@demo.nalgae.kr', password: 'demo-city-2026' },
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

function binary() {
  const bin = process.env.NALGAE_BIN ? path.resolve(process.env.NALGAE_BIN) : path.resolve(FRONTEND, '../bin/nalgae')
  if (!fs.existsSync(bin)) {
    throw new Error(`nalgae binary not found at ${bin}: run \`make build\` first (or set NALGAE_BIN)`)
  }
  return bin
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** startServer seeds a fresh demo database and serves it, with extraEnv
 * added to its environment; stop() ends it. */
export async function startServer(extraEnv = {}) {
  const bin = binary()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nalgae-e2e-'))
  const env = {
    ...process.env,
    DATABASE_URL: path.join(dir, 'e2e.db'),
    JWT_SECRET: 'e2e-only-secret-0123456789abcdefghijklmnop',
    NALGAE_LOGIN_RATE: '10000',
    ...extraEnv,
  }
  execFileSync(bin, ['seed', '--demo'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 })

  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const logPath = path.join(dir, 'server.log')
  const log = fs.openSync(logPath, 'a')
  const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], { env, stdio: ['ignore', log, log] })
  fs.closeSync(log)
  let exited = null
  child.on('exit', (code, signal) => (exited = { code, signal }))
  const killOnExit = () => {
    if (exited === null) child.kill('SIGKILL')
  }
  const killOnSignal = (signal) => {
    killOnExit()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.on('exit', killOnExit)
  process.once('SIGINT', killOnSignal)
  process.once('SIGTERM', killOnSignal)

  const stop = async () => {
    process.off('exit', killOnExit)
    process.off('SIGINT', killOnSignal)
    process.off('SIGTERM', killOnSignal)
    if (exited === null) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    }
    if (process.env.E2E_KEEP) console.log(`# e2e: kept ${dir}`)
    else fs.rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 20_000
  for (;;) {
    if (exited !== null) {
      const out = fs.readFileSync(logPath, 'utf8')
      await stop()
      throw new Error(`nalgae serve exited early (${JSON.stringify(exited)}):\n${out}`)
    }
    try {
      const res = await fetch(`${baseURL}/healthz`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const out = fs.readFileSync(logPath, 'utf8')
      await stop()
      throw new Error(`nalgae serve did not answer /healthz within 20 s:\n${out}`)
    }
    await sleep(50)
  }
  return { baseURL, dir, stop }
}

export function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: \`apt-get install -y chromium\` (Debian's), or set CHROMIUM_PATH`)
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  })
}

// The state of this test file: its server and browser.
const env = { baseURL: '', browser: null, server: null }

/** useServer registers the file's before/after hooks and returns its env
 * ({ baseURL, browser, server: { dir, … } }), filled in once the hooks have
 * run. options.env (an object, or a function, perhaps async, called when
 * the server starts) adds to the server's environment. */
export function useServer(options = {}) {
  before(async () => {
    // (awaited here: Node 20 does not wait for one root before hook to end
    // before it starts the next)
    const extra = typeof options.env === 'function' ? await options.env() : options.env
    env.server = await startServer(extra)
    env.baseURL = env.server.baseURL
    try {
      env.browser = await launchBrowser()
    } catch (e) {
      await env.server.stop()
      env.server = null
      throw e
    }
  })
  after(async () => {
    try {
      if (env.browser) await env.browser.close()
    } finally {
      if (env.server) await env.server.stop()
    }
  })
  return env
}

function fileName(name) {
  return name.replace(/[^A-Za-z0-9가-힣._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'test'
}

/** e2e declares a test. fn receives { newPage, ... } where newPage(opts)
 * opens a page in a fresh browser context (opts: viewport, locale — the
 * language this device has chosen, 'ko' by default, null for none). */
export function e2e(name, fn, { timeout = 60_000 } = {}) {
  return test(name, { timeout }, async (t) => {
    const contexts = []
    const pages = []
    const newPage = async ({ viewport = { width: 1280, height: 900 }, locale = 'ko' } = {}) => {
      const context = await env.browser.newContext({ baseURL: env.baseURL, viewport, locale: 'ko-KR', timezoneId: 'Asia/Seoul' })
      context.setDefaultTimeout(15_000)
      context.setDefaultNavigationTimeout(20_000)
      if (locale) {
        // Only when the device has no choice yet, so that a switch made
        // during the test survives a reload.
        await context.addInitScript((l) => {
          try {
            if (!localStorage.getItem('nalgae.locale')) localStorage.setItem('nalgae.locale', l)
          } catch {}
        }, locale)
      }
      contexts.push(context)
      const page = await context.newPage()
      const record = { page, errors: [], csp: [] }
      page.on('console', (m) => {
        if (m.type() !== 'error') return
        record.errors.push(`console: ${m.text()}`)
        // Chromium reports what the Content-Security-Policy blocked as a
        // console error: an inline script or style, eval, a foreign origin.
        if (/Content Security Policy/i.test(m.text())) record.csp.push(m.text())
      })
      page.on('pageerror', (e) => record.errors.push(`pageerror: ${e.message}`))
      pages.push(record)
      return page
    }
    try {
      await fn({ newPage, t })
      const blocked = pages.flatMap((r) => r.csp)
      assert.deepEqual(blocked, [], 'the page broke its Content-Security-Policy')
    } catch (err) {
      fs.mkdirSync(RESULTS, { recursive: true })
      const base = fileName(name)
      const saved = []
      for (const [i, rec] of pages.entries()) {
        const stem = path.join(RESULTS, pages.length > 1 ? `${base}-${i + 1}` : base)
        try {
          await rec.page.screenshot({ path: stem + '.png', fullPage: true, timeout: 5000 })
          saved.push(stem + '.png')
        } catch (e) {
          rec.errors.push(`(screenshot failed: ${e.message})`)
        }
        const lines = [`url: ${rec.page.url()}`, ...rec.errors]
        fs.writeFileSync(stem + '.log', lines.join('\n') + '\n')
        saved.push(stem + '.log')
      }
      for (const p of saved) console.log(`# e2e: saved ${path.relative(process.cwd(), p) || p}`)
      throw err
    } finally {
      for (const c of contexts) await c.close().catch(() => {})
    }
  })
}

/** eventually retries an assertion until it passes or the time is up. */
export async function eventually(check, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    try {
      return await check()
    } catch (e) {
      if (Date.now() > deadline) throw e
    }
    await sleep(interval)
  }
}

/** textOf waits for a locator to be visible and returns its trimmed text. */
export async function textOf(locator) {
  await locator.waitFor({ state: 'visible' })
  return (await locator.innerText()).trim()
}

/** expectText waits until the locator's text contains (or matches) expected. */
export async function expectText(locator, expected, opts) {
  return eventually(async () => {
    const text = await textOf(locator)
    if (expected instanceof RegExp) assert.match(text, expected)
    else assert.ok(text.includes(expected), `expected ${JSON.stringify(text)} to contain ${JSON.stringify(expected)}`)
    return text
  }, opts)
}

/** expectPath waits until the page's path matches. */
export async function expectPath(page, re) {
  return eventually(() => assert.match(new URL(page.url()).pathname, re))
}

/** login logs a demo user in through the login form and waits until the
 * app has left the login page. */
export async function login(page, role) {
  const u = USERS[role]
  await page.goto('/login')
  await page.getByTestId('login-email').fill(u.email)
  await page.getByTestId('login-password').fill(u.password)
  await page.getByTestId('login-submit').click()
  // (the user chip is hidden on a phone: wait for it to exist, not to show)
  await page.getByTestId('current-user').waitFor({ state: 'attached' })
  await eventually(() => assert.doesNotMatch(new URL(page.url()).pathname, /^\/(login)?$/))
}

/** apiToken logs in through the API (not the browser) for setting up data. */
export async function apiToken(role) {
  const u = USERS[role]
  const res = await fetch(`${env.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(u),
  })
  assert.equal(res.status, 200, `API login of ${role}`)
  return (await res.json()).access_token
}

/** apiCall calls the API with a token and returns the decoded answer. */
export async function apiCall(token, method, url, body) {
  const res = await fetch(`${env.baseURL}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  const data = text ? JSON.parse(text) : null
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`)
  return data
}

/** won shows an amount as the app does: 12345 → "₩12,345". */
export function won(n) {
  return '₩' + n.toLocaleString('en-US')
}

/** wonToNumber reads "₩1,234,567" as 1234567. */
export function wonToNumber(text) {
  const m = text.replace(/\s/g, '').match(/^(-?)₩([\d,]+)$/)
  assert.ok(m, `not a won amount: ${JSON.stringify(text)}`)
  return Number(m[1] + m[2].replace(/,/g, ''))
}

// Words a Korean page may show in Latin letters: the ad industry's
// abbreviations (Naver's own console uses them; VAT, SNS), file formats and
// encodings, the app's name "날개 Nalgae", and the language switch, which
// says "English" and "언어 / Language" so that a reader of either finds it.
export const LATIN_ALLOWED = ['SNS', 'ROAS', 'CTR', 'CVR', 'CPC', 'CPA', 'AOV', 'KPI', 'VAT', 'CSV', 'XLSX', 'TSV', 'TXT', 'PDF', 'UTF', 'BOM', 'EUC', 'CATME', 'Nalgae', 'English', 'Language']

/** englishWords lists the Latin words of three letters or more that the
 * element (a locator: page.locator('body') for the page) shows or reads
 * aloud (placeholders, aria-labels, titles), without e-mail and web
 * addresses, file names and LATIN_ALLOWED. A Korean page shows none. */
export async function englishWords(locator, allowed = LATIN_ALLOWED) {
  return locator.evaluate(
    (root, allowed) => {
      const texts = [root === document.body ? document.title : '', root.innerText]
      for (const el of root.querySelectorAll('[placeholder], [aria-label], [title]')) {
        if (!el.getClientRects().length) continue
        texts.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '', el.getAttribute('title') || '')
      }
      const words = new Set()
      for (const raw of texts) {
        const text = raw
          .replace(/[\w.+-]+@[\w.-]+/g, ' ') // e-mail addresses
          .replace(/(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/[\w./?=&%-]*)?/g, ' ') // web addresses, file names
        for (const m of text.matchAll(/[A-Za-z]{3,}/g)) if (!allowed.includes(m[0])) words.add(m[0])
      }
      return [...words]
    },
    allowed,
  )
}

/** PHONE is the viewport of the phone-sized tests. */
export const PHONE = { width: 375, height: 800 }

/**
 * assertNoSidewaysScroll fails when the page scrolls sideways at its width,
 * naming up to five elements that stick out. With outsideTables, an element
 * sticking out is a failure even when the page does not scroll, unless it is
 * inside a table's own scrolling box (.table-scroll).
 */
export async function assertNoSidewaysScroll(page, what, { outsideTables = false } = {}) {
  // after layout settles (fonts, charts)
  await page.waitForTimeout(200)
  const { scrollWidth, offenders } = await page.evaluate((outsideTables) => {
    const w = document.documentElement.clientWidth
    const offenders = []
    for (const el of document.querySelectorAll('body *')) {
      if (outsideTables && el.closest('.table-scroll')) continue
      const r = el.getBoundingClientRect()
      if (r.width > 0 && r.right > w + 1) {
        offenders.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} right=${Math.round(r.right)}`)
        if (offenders.length >= 5) break
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, offenders }
  }, outsideTables)
  const width = page.viewportSize()?.width ?? PHONE.width
  assert.ok(scrollWidth <= width, `${what}: scrollWidth ${scrollWidth} > ${width}; wider elements: ${offenders.join(', ')}`)
  if (outsideTables) assert.deepEqual(offenders, [], `${what}: elements outside a table box overflow the width`)
}

/** pdfLines is the text of a PDF, line by line (items on one baseline joined, left to right), and its page count. */
export async function pdfLines(buffer) {
  const doc = await getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, isEvalSupported: false }).promise
  const lines = []
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent()
    const byY = new Map()
    for (const item of content.items) {
      if (!('str' in item)) continue
      const y = Math.round(item.transform[5])
      if (!byY.has(y)) byY.set(y, [])
      byY.get(y).push(item)
    }
    for (const items of byY.values()) {
      items.sort((a, b) => a.transform[4] - b.transform[4])
      lines.push(items.map((i) => i.str).join(''))
    }
  }
  const pages = doc.numPages
  await doc.destroy()
  return { lines, pages }
}

