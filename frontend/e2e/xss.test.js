// A merchant named like an HTML tag stays text everywhere it is shown: the
// admin's merchant list, the page of a team that uses it, and the report.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectPath, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

const NAME = '<img src=x onerror="window.__xss=1">'

async function assertStaysText(page, where, scope) {
  await expectText(scope, NAME)
  await eventually(async () => {
    const found = await page.evaluate(() => ({
      xss: typeof window.__xss,
      imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
    }))
    assert.deepEqual(found, { xss: 'undefined', imgs: 0 }, `${where}: the name was rendered as HTML`)
  }, { timeout: 1000 })
}

e2e('a merchant named <img src=x onerror=…> is shown as text', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'admin')
  await page.getByTestId('nav-merchants').click()
  await expectPath(page, /^\/admin\/merchants$/)
  await expectText(page.locator('h1'), msg(ko, 'adminMerchants.title'))

  // Created through the admin's form.
  await page.getByTestId('merchant-new').click()
  const form = page.getByTestId('merchant-form')
  await form.getByLabel(msg(ko, 'merchant.name')).fill(NAME)
  await form.getByLabel(msg(ko, 'merchant.region')).fill('부산 중구')
  await page.getByTestId('merchant-save').click()
  await form.waitFor({ state: 'hidden' })
  const listed = page.getByTestId('merchants-table').locator('tbody tr', { hasText: '부산 중구' })
  await assertStaysText(page, 'merchant list', listed)

  // A team of the demo program uses it (set up through the API).
  const token = await apiToken('admin')
  const merchants = await apiCall(token, 'GET', '/merchants?limit=100')
  const merchant = merchants.items.find((m) => m.name === NAME)
  assert.ok(merchant, 'the merchant was saved with its name unchanged')
  const programs = await apiCall(token, 'GET', '/programs')
  const programId = programs.items[0].id
  const team = await apiCall(token, 'POST', `/programs/${programId}/teams`, { name: `${NAME} 팀`, merchant_id: merchant.id })

  await page.goto(`/teams/${team.id}`)
  await assertStaysText(page, 'team page', page.getByTestId('merchant-name'))
  await expectText(page.getByTestId('team-name'), `${NAME} 팀`)

  await page.goto(`/programs/${programId}/report`)
  const row = page.getByTestId('report-teams-table').locator('tbody tr', { hasText: `${NAME} 팀` })
  await assertStaysText(page, 'report', row)
  await page.getByTestId('chart-before-after').waitFor()
  assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined')
})
