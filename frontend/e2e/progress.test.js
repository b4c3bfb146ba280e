// SPEC §13 in the browser: the demo merchant answers the follow-up that is
// due, on a phone (375 px), and takes the hand-over workbook; the city
// reads last year's sustainability and this year's change in self-reliance.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { apiCall, apiToken, e2e, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

const PHONE = { width: 375, height: 800 }

e2e('the merchant answers a due follow-up on a phone and downloads the hand-over workbook', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'merchant')
  const due = page.getByTestId('due-followups')
  const item = due.getByTestId('due-followup')
  await item.first().waitFor()
  assert.equal(await item.count(), 1, 'one follow-up is due: 이도공감, 12 months after last year')
  await item.getByTestId('followup-answer').click()

  const form = item.locator('form')
  // Every field is labelled and fits the phone's width.
  for (const label of [msg(ko, 'progress.followups.monthlySales'), new RegExp('^' + msg(ko, 'progress.followups.answeredOn') + '[\\s*]*$'), msg(ko, 'progress.followups.note')]) {
    const input = form.getByLabel(label)
    await input.scrollIntoViewIfNeeded()
    const box = await input.boundingBox()
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${label} fits: ${JSON.stringify(box)}`)
  }
  // Sending without the yes/no names the field.
  await form.getByTestId('followup-send').click()
  await expectText(form.getByTestId('field-error').first(), msg(ko, 'errors.field.required'))

  await form.getByLabel(msg(ko, 'progress.followups.yes'), { exact: true }).check()
  await form.getByLabel(msg(ko, 'kinds.live_commerce'), { exact: true }).check()
  await form.getByLabel(msg(ko, 'kinds.search_ad'), { exact: true }).check()
  await form.getByLabel(msg(ko, 'progress.followups.monthlySales')).fill('26,400,000')
  await form.getByLabel(msg(ko, 'progress.followups.note')).fill('겨울 캠핑 라이브를 혼자 준비하고 있어요')
  await form.getByTestId('followup-send').click()
  await expectText(due.getByTestId('empty'), msg(ko, 'progress.followups.noneDue'))
  assert.equal(await item.count(), 0)
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(scrollWidth <= PHONE.width, `the store page scrolls sideways: ${scrollWidth}`)

  // The server holds the merchant's own answer.
  const token = await apiToken('merchant')
  const programs = await apiCall(token, 'GET', '/programs')
  const last = programs.items.find((p) => p.status === 'closed')
  const answered = await apiCall(token, 'GET', `/programs/${last.id}/followups?state=answered`)
  const mine = answered.items.find((f) => f.months === 12)
  assert.ok(mine, 'the 12-month follow-up is answered')
  assert.equal(mine.still_selling_online, true)
  assert.deepEqual([...mine.channels_active].sort(), ['live_commerce', 'search_ad'])
  assert.equal(mine.monthly_sales_krw, 26400000)
  assert.equal(mine.answered_by_staff, false)

  // The hand-over workbook downloads as an XLSX (a zip).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('handover-download').click()])
  assert.match(download.suggestedFilename(), /\.xlsx$/)
  const bytes = fs.readFileSync(await download.path())
  assert.ok(bytes.length > 5000, `workbook of ${bytes.length} bytes`)
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK')
})

e2e('the city reads the self-reliance change and last year\'s sustainability', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'city')
  // This year's report: nine merchants assessed before and after, the chart.
  const sr = page.getByTestId('report-self-reliance')
  await expectText(sr.getByTestId('sr-paired').locator('dd.kpi__value'), '9')
  await sr.getByTestId('report-chart-areas').waitFor()
  assert.match(await sr.getByTestId('sr-change').locator('dd.kpi__value').innerText(), /^\+\d+\.\d$/)

  const token = await apiToken('city')
  const programs = await apiCall(token, 'GET', '/programs')
  const last = programs.items.find((p) => p.status === 'closed')
  await page.goto(`/programs/${last.id}/report`)
  const row = page.getByTestId('sustainability-3')
  await row.waitFor()
  const cells = await row.locator('th, td').allInnerTexts()
  assert.deepEqual(cells.map((c) => c.trim()), ['3', '6', '6', '5', '83.3%'])
})

e2e('the professor sees overdue follow-ups and the team\'s four areas', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'professor')
  const token = await apiToken('professor')
  const programs = await apiCall(token, 'GET', '/programs')
  const last = programs.items.find((p) => p.status === 'closed')
  await page.goto(`/programs/${last.id}`)
  const panel = page.getByTestId('followups-panel')
  await panel.getByTestId('followup-row').first().waitFor()
  assert.ok((await panel.getByTestId('followup-row').count()) >= 1)

  const teams = await apiCall(token, 'GET', `/programs/${programs.items.find((p) => p.status !== 'closed').id}/teams?limit=100`)
  const ido = teams.items.find((tm) => tm.merchant?.name === '이도공감')
  await page.goto(`/teams/${ido.id}`)
  await page.getByTestId('self-reliance').getByTestId('team-chart-areas').waitFor()
  await page.getByTestId('assessment-baseline').waitFor()
  await page.getByTestId('assessment-endline').waitFor()
})
