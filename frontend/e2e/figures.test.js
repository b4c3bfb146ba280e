// Figures you can trace: a team's figure says which statuses it counts and
// can be switched to the report's ("승인된 실적"), where the student and the
// merchant see the same amount the city sees; the report's growth figures
// show their windows beside them.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectText, ko, login, msg, textOf, useServer, won, wonToNumber } from './harness.js'

useServer()

async function reportRow(merchant) {
  const city = await apiToken('city')
  const programs = (await apiCall(city, 'GET', '/programs')).items
  const report = await apiCall(city, 'GET', `/programs/${programs[0].id}/report`)
  return report.teams.find((tm) => tm.merchant_name === merchant)
}

e2e('the student and the merchant see the city’s figure when approved results are counted', async ({ newPage }) => {
  // A draft day, which the team's working figure counts and the report does not.
  const token = await apiToken('student')
  const teams = (await apiCall(token, 'GET', '/teams')).items
  const campaigns = (await apiCall(token, 'GET', `/teams/${teams[0].id}/campaigns`)).items
  const ad = campaigns.find((c) => c.kind === 'search_ad')
  await apiCall(token, 'POST', `/campaigns/${ad.id}/metrics`, { date: '2026-12-01', spend_krw: 9999, impressions: 10, clicks: 1, conversions: 0, revenue_krw: 0 })
  const row = await reportRow('이도공감')
  const approved = row.total.spend_krw

  for (const role of ['student', 'merchant']) {
    const page = await newPage()
    await login(page, role)
    const kpis = page.getByTestId(role === 'student' ? 'team-kpis' : 'store-kpis')
    const spend = kpis.getByTestId('kpi-spend')
    const sw = kpis.getByTestId('counted-switch')
    // the figure says what it counts: every status by default
    assert.equal(await sw.getByTestId('counted-all').isChecked(), true)
    await expectText(sw, msg(ko, 'counted.all'))
    await eventually(async () => assert.equal(wonToNumber((await textOf(spend.locator('.kpi__value')))), approved + 9999))
    await sw.getByText(msg(ko, 'counted.approved')).click()
    await eventually(async () => assert.equal(wonToNumber(await textOf(spend.locator('.kpi__value'))), approved, `${role}: the report's figure`))
    await expectText(kpis, msg(ko, 'kpi.counted', { statuses: msg(ko, 'status.approved') }))
  }

  // the campaign page offers the same choice
  const approvedAd = (await apiCall(token, 'GET', `/campaigns/${ad.id}/kpis?statuses=approved`)).total.spend_krw
  const page = await newPage()
  await login(page, 'student')
  await page.goto(`/campaigns/${ad.id}`)
  const ckpis = page.getByTestId('campaign-kpis')
  await ckpis.getByTestId('counted-switch').getByText(msg(ko, 'counted.approved')).click()
  await eventually(async () => assert.equal(wonToNumber(await textOf(ckpis.getByTestId('kpi-spend').locator('.kpi__value'))), approvedAd))
})

e2e('every growth figure of the report table shows its windows beside it', async ({ newPage }) => {
  const row = await reportRow('이도공감')
  const page = await newPage()
  await login(page, 'city')
  const table = page.getByTestId('report-teams-table')
  const tr = table.locator('tbody tr', { hasText: '이도공감' })
  const cell = tr.getByTestId('growth-windows').first()
  await expectText(cell, `${row.windows.after_from} ~ ${row.windows.after_to}`)
  await expectText(cell, `${row.windows.before_from} ~ ${row.windows.before_to}`)
  await expectText(tr, won(row.sales_after_krw))
})

e2e('a date preset filters the report, which says what the filter leaves unchanged', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'city')
  const table = page.getByTestId('report-teams-table')
  const growthOf = async () => (await textOf(table.locator('tbody tr', { hasText: '이도공감' }).getByTestId('growth-windows').first().locator('..'))).split('\n')[0].trim()
  await table.locator('tbody tr').first().waitFor()
  const growthBefore = await growthOf()
  assert.equal(await page.getByTestId('filter-unchanged').count(), 0, 'no note without a filter')

  await page.getByTestId('report-preset-lastMonth').click()
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date())
  const [y, m] = today.split('-').map(Number)
  const from = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10)
  const to = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10)
  await eventually(async () => {
    const q = new URL(page.url()).searchParams
    assert.deepEqual([q.get('from'), q.get('to')], [from, to])
  })
  assert.equal(await page.getByTestId('filter-from').inputValue(), from)
  await expectText(page.getByTestId('filter-unchanged'), msg(ko, 'report.filterUnchanged'))
  // as the note says, sales growth is the team's own windows, not the filter's
  await eventually(async () => assert.equal(await growthOf(), growthBefore))
})

e2e('every KPI card of the report has a "?" with its formula in words', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'city')
  for (const id of ['total-spend', 'total-revenue', 'total-roas', 'total-ctr', 'total-cvr', 'total-conversions', 'total-growth']) {
    const card = page.getByTestId(id)
    await card.getByTestId('kpi-formula').click()
    const text = await textOf(card.locator('.kpi__formula p'))
    assert.ok(text.length > 5, `${id}: ${text}`)
  }
  await expectText(page.getByTestId('total-roas').locator('.kpi__formula p'), msg(ko, 'kpi.formula.adRoas'))
})
