// The SearchAd pull end to end (SPEC §14.1, issue 16): `nalgae searchad-fake`
// serves SearchAd's /stats on a free loopback port and `nalgae serve` is
// pointed at it with NALGAE_SEARCHAD_BASE_URL. A student links a new search-ad
// campaign on its page, previews a 30-day pull, applies it, and the
// campaign's KPIs are the stand-in's sums (spend = salesAmt, revenue =
// convAmt), summed here from the stand-in's own answer, read with a request
// this test signs itself. A wrong secret leaves last_error and no rows (on a
// phone, in English). Last, neither the database file, nor the server's log,
// nor the user export, the audit log or the program report holds a key.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after } from 'node:test'
import { apiCall, apiToken, e2e, en, eventually, expectText, FRONTEND, ko, login, msg, textOf, useServer, won, wonToNumber } from './harness.js'

const PHONE = { width: 375, height: 800 }

// The stand-in, started before the server (by useServer, which waits for it).
const fake = { url: '', customer: '', apiKey: '', secret: '', campaign: '', child: null, out: '' }

async function startFake() {
  const bin = process.env.NALGAE_BIN ? path.resolve(process.env.NALGAE_BIN) : path.resolve(FRONTEND, '../bin/nalgae')
  fake.child = spawn(bin, ['searchad-fake', '--addr', '127.0.0.1:0', '--days', '60'], { stdio: ['ignore', 'pipe', 'pipe'] })
  fake.child.stdout.setEncoding('utf8')
  fake.child.stderr.setEncoding('utf8')
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('nalgae searchad-fake printed nothing in 10 s:\n' + fake.out)), 10_000)
    fake.child.stderr.on('data', (d) => (fake.out += d))
    fake.child.on('exit', (code) => reject(new Error(`nalgae searchad-fake exited (${code}):\n${fake.out}`)))
    fake.child.stdout.on('data', (d) => {
      fake.out += d
      if (!fake.out.includes('Ctrl-C')) return
      clearTimeout(timer)
      resolve()
    })
  })
  const field = (label) => {
    const m = fake.out.match(new RegExp('^  ' + label + '.*?\\s{2,}(\\S+)$', 'm'))
    assert.ok(m, `no ${label} in:\n${fake.out}`)
    return m[1]
  }
  assert.match(fake.out, /LOCAL STAND-IN/)
  fake.url = fake.out.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/)[1]
  fake.customer = field('customer id')
  fake.apiKey = field('access license')
  fake.secret = field('secret key')
  fake.campaign = field('SearchAd campaign id')
  return { NALGAE_SEARCHAD_BASE_URL: fake.url }
}
after(() => {
  if (fake.child && fake.child.exitCode === null) fake.child.kill('SIGTERM')
})

const env = useServer({ env: startFake })

function seoulDate(offsetDays = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date())
  const [y, m, d] = today.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + offsetDays)).toISOString().slice(0, 10)
}

/** stats reads the stand-in's /stats as SearchAd's documentation says a
 * client signs it — here, not through Nalgae's client. */
async function stats(since, until) {
  const ts = String(Date.now())
  const signature = crypto.createHmac('sha256', fake.secret).update(`${ts}.GET./stats`).digest('base64')
  const q = new URLSearchParams({
    id: fake.campaign,
    fields: JSON.stringify(['impCnt', 'clkCnt', 'salesAmt', 'ccnt', 'convAmt']),
    timeRange: JSON.stringify({ since, until }),
    timeIncrement: '1',
  })
  const res = await fetch(`${fake.url}/stats?${q}`, {
    headers: { 'X-Timestamp': ts, 'X-API-KEY': fake.apiKey, 'X-Customer': fake.customer, 'X-Signature': signature },
  })
  assert.equal(res.status, 200, 'the stand-in answers a request signed by the test')
  return (await res.json()).data
}

/** newCampaign makes a search-ad campaign of the demo student's team. */
async function newCampaign(token, name) {
  const teams = await apiCall(token, 'GET', '/teams')
  const team = teams.items[0]
  const c = await apiCall(token, 'POST', `/teams/${team.id}/campaigns`, {
    kind: 'search_ad', name, starts_on: seoulDate(-40), budget_krw: 1_000_000, target_roas_pct: 300,
  })
  return { team, campaign: c }
}

async function linkForm(panel, lang, values) {
  await panel.getByLabel(msg(lang, 'searchad.customerId'), { exact: false }).first().fill(values.customer)
  await panel.getByLabel(msg(lang, 'searchad.apiKey')).fill(values.apiKey)
  await panel.getByLabel(msg(lang, 'searchad.secretKey')).fill(values.secret)
  await panel.getByLabel(msg(lang, 'searchad.campaignId')).fill(values.campaign)
  await panel.getByRole('button', { name: msg(lang, 'searchad.link'), exact: true }).click()
}

const fact = (panel, key) => textOf(panel.getByTestId('import-' + key).locator('dd'))

e2e('a student links a campaign, previews 30 days, applies them, and the KPIs are SearchAd’s sums', async ({ newPage }) => {
  const student = await apiToken('student')
  const { campaign } = await newCampaign(student, '파워링크 검색광고 연동 시험')
  const from = seoulDate(-29)
  const to = seoulDate(0)
  const days = await stats(from, to)
  assert.equal(days.length, 30, 'the stand-in has every one of the 30 days')
  const sum = (k) => days.reduce((s, d) => s + d[k], 0)
  const want = { spend: sum('salesAmt'), revenue: sum('convAmt'), impressions: sum('impCnt'), clicks: sum('clkCnt'), conversions: sum('ccnt') }
  assert.ok(want.spend > 0 && want.revenue > 0)

  const page = await newPage()
  await login(page, 'student')
  await page.goto(`/campaigns/${campaign.id}`)
  const panel = page.getByTestId('searchad')
  await expectText(panel.locator('#searchad-h'), msg(ko, 'searchad.title'))
  await expectText(panel.getByTestId('searchad-unlinked'), msg(ko, 'searchad.none'))

  await linkForm(panel, ko, fake)
  await expectText(panel.getByTestId('searchad-customer'), fake.customer)
  await expectText(panel.getByTestId('searchad-key'), msg(ko, 'searchad.endsWith', { last4: fake.apiKey.slice(-4) }))
  await expectText(panel.getByTestId('searchad-last-pulled'), msg(ko, 'searchad.never'))
  assert.equal(await panel.getByTestId('searchad-form').count(), 0, 'the form closes once linked')
  assert.ok(!(await page.content()).includes(fake.secret), 'the page holds the secret after linking')

  // The range starts as the last 30 days.
  assert.equal(await panel.getByLabel(msg(ko, 'searchad.from')).inputValue(), from)
  assert.equal(await panel.getByLabel(msg(ko, 'searchad.to')).inputValue(), to)
  const apply = panel.getByTestId('searchad-apply')
  assert.equal(await apply.isDisabled(), true, 'nothing to apply before a preview')
  await panel.getByRole('button', { name: msg(ko, 'searchad.preview'), exact: true }).click()
  await expectText(panel.getByTestId('import-state'), msg(ko, 'imports.previewOk'))
  assert.equal(await fact(panel, 'days'), '30')
  assert.equal(await fact(panel, 'created'), '30')
  assert.equal(await fact(panel, 'updated'), '0')
  assert.equal(await fact(panel, 'unchanged'), '0')
  assert.equal(await page.getByTestId('entries-table').count(), 0, 'a preview writes nothing')
  // Each day that would be added, with SearchAd's figures.
  const changes = panel.getByTestId('searchad-changes')
  await expectText(changes.locator('caption'), msg(ko, 'searchad.changesPreview'))
  assert.equal(await changes.locator('tbody tr').count(), 30)
  const firstDay = changes.locator('tbody tr').filter({ has: page.getByRole('cell', { name: days[0].dateStart, exact: true }) })
  await expectText(firstDay, msg(ko, 'searchad.actions.created'))
  await expectText(firstDay, won(days[0].salesAmt))

  await eventually(async () => assert.equal(await apply.isEnabled(), true))
  await apply.click()
  await expectText(panel.getByTestId('import-state'), msg(ko, 'imports.appliedNote'))
  assert.equal(await fact(panel, 'created'), '30')
  await eventually(async () => assert.notEqual(await textOf(panel.getByTestId('searchad-last-pulled')), msg(ko, 'searchad.never')))

  // The page's KPIs and the API's are the stand-in's sums.
  const kpis = page.getByTestId('campaign-kpis')
  await eventually(async () => assert.equal(wonToNumber(await textOf(kpis.getByTestId('kpi-spend').locator('.kpi__value'))), want.spend))
  assert.equal(wonToNumber(await textOf(kpis.getByTestId('kpi-revenue').locator('.kpi__value'))), want.revenue)
  await expectText(page.getByTestId('entries'), won(want.spend))
  const k = await apiCall(student, 'GET', `/campaigns/${campaign.id}/kpis`)
  assert.deepEqual(
    { spend: k.total.spend_krw, revenue: k.total.revenue_krw, impressions: k.total.impressions, clicks: k.total.clicks, conversions: k.total.conversions },
    want,
  )
  const entries = await apiCall(student, 'GET', `/campaigns/${campaign.id}/metrics?limit=500`)
  assert.equal(entries.items.length, 30)
  assert.ok(entries.items.every((e) => e.status === 'draft' && e.source === 'searchad-api'))

  // The same 30 days again: nothing would change.
  await panel.getByRole('button', { name: msg(ko, 'searchad.preview'), exact: true }).click()
  await eventually(async () => assert.equal(await fact(panel, 'unchanged'), '30'))
  assert.equal(await fact(panel, 'created'), '0')
})

e2e('a wrong secret leaves last_error and no rows (on a phone, in English)', async ({ newPage }) => {
  const student = await apiToken('student')
  const { campaign } = await newCampaign(student, 'Power link wrong secret')
  const page = await newPage({ viewport: PHONE, locale: 'en' })
  await login(page, 'student')
  await page.goto(`/campaigns/${campaign.id}`)
  const panel = page.getByTestId('searchad')
  await expectText(panel.locator('#searchad-h'), msg(en, 'searchad.title'))

  // A bad customer id first: the server's field message, in English, by its field.
  await linkForm(panel, en, { ...fake, customer: '12-34' })
  await expectText(panel.locator('#sad-customer-error'), msg(en, 'errors.field.customerId'))

  await panel.getByLabel(msg(en, 'searchad.customerId')).fill(fake.customer)
  await panel.getByLabel(msg(en, 'searchad.secretKey')).fill('not-' + fake.secret)
  await panel.getByRole('button', { name: msg(en, 'searchad.link'), exact: true }).click()
  await expectText(panel.getByTestId('searchad-customer'), fake.customer)

  await panel.getByRole('button', { name: msg(en, 'searchad.preview'), exact: true }).click()
  await expectText(panel.getByTestId('searchad-failure'), msg(en, 'searchad.refused'))
  await expectText(panel.getByTestId('searchad-last-error'), '401')
  assert.equal(await panel.getByTestId('import-result').count(), 0)
  assert.equal(await panel.getByTestId('searchad-apply').isDisabled(), true)

  const link = await apiCall(student, 'GET', `/campaigns/${campaign.id}/searchad-link`)
  assert.match(link.last_error, /401/)
  assert.equal(link.last_pulled_at, null)
  const entries = await apiCall(student, 'GET', `/campaigns/${campaign.id}/metrics`)
  assert.equal(entries.items.length, 0, 'a refused pull writes no rows')

  const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }))
  assert.ok(scrollWidth <= PHONE.width, `scrollWidth ${scrollWidth} > ${PHONE.width}`)

  // Fixed on the page: the secret again, then a pull that works.
  await panel.getByTestId('searchad-edit').click()
  await panel.getByLabel(msg(en, 'searchad.secretKey')).fill(fake.secret)
  await panel.getByRole('button', { name: msg(en, 'common.save'), exact: true }).click()
  await expectText(panel.getByTestId('searchad-customer'), fake.customer)
  await panel.getByLabel(msg(en, 'searchad.from')).fill(seoulDate(-2))
  await panel.getByRole('button', { name: msg(en, 'searchad.preview'), exact: true }).click()
  await expectText(panel.getByTestId('import-state'), msg(en, 'imports.previewOk'))
  assert.equal(await fact(panel, 'created'), '3')
  await expectText(panel.getByTestId('searchad-changes'), msg(en, 'searchad.actions.created'))
  const wide = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(wide <= PHONE.width, `with the days listed: scrollWidth ${wide} > ${PHONE.width}`)
})

// Runs after the pulls above (node:test runs a file's tests in order).
e2e('no SearchAd key in the database file, the server log, the user export, the audit log or the report', async () => {
  const admin = await apiToken('admin')
  const student = await apiToken('student')
  const me = await apiCall(student, 'GET', '/me')
  const teams = await apiCall(student, 'GET', '/teams')
  const texts = {
    'the user export': JSON.stringify(await apiCall(admin, 'GET', `/users/${me.id}/export`)),
    'the audit log': JSON.stringify(await apiCall(admin, 'GET', '/audit?limit=500')),
  }
  const report = await fetch(`${env.baseURL}/api/v1/programs/${teams.items[0].program_id}/report.csv?statuses=draft,submitted,approved,returned`, {
    headers: { authorization: `Bearer ${admin}` },
  })
  assert.equal(report.status, 200, 'the program report')
  texts['the report'] = await report.text()
  // What the pulls left in the audit log is there, keys aside.
  assert.match(texts['the audit log'], /searchad_link/)
  const dir = env.server.dir
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('e2e.db')) texts['the database file ' + name] = fs.readFileSync(path.join(dir, name)).toString('latin1')
  }
  texts['the server log'] = fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
  assert.ok(texts['the database file e2e.db'], 'the database file was read')
  for (const [where, text] of Object.entries(texts)) {
    for (const key of [fake.secret, 'not-' + fake.secret, fake.apiKey]) {
      assert.ok(!text.includes(key), `${where} holds a SearchAd key`)
    }
  }
})
