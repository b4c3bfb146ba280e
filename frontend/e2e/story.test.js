// The main story across roles: a student logs a day's results with the quick
// form and submits them; the professor approves one day and returns another
// with a note; the city's report then counts the approved day, and the
// student reads the professor's note.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectPath, expectText, ko, login, msg, textOf, useServer, won, wonToNumber } from './harness.js'

useServer()

const CAMPAIGN = '파워링크 캠핑용품 키워드' // a search-ad campaign of the 이도공감 team

function seoulDate(offsetDays = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date())
  const [y, m, d] = today.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + offsetDays)).toISOString().slice(0, 10)
}

async function logDay(page, { date, spend, impressions, clicks, conversions, revenue }) {
  const form = page.getByTestId('log-today')
  const field = (key) => form.getByLabel(msg(ko, 'metrics.fields.' + key), { exact: true })
  if (date) await form.getByLabel(new RegExp('^' + msg(ko, 'metrics.date') + '[\\s*]*$')).fill(date)
  await field('spend_krw').fill(String(spend))
  await field('impressions').fill(String(impressions))
  await field('clicks').fill(String(clicks))
  await field('conversions').fill(String(conversions))
  await field('revenue_krw').fill(String(revenue))
  await form.getByRole('button', { name: msg(ko, 'metrics.log') }).click()
}

// A table's row by what one of its cells shows, exactly (a date or an amount).
const row = (page, testid, cell) =>
  page.getByTestId(testid).locator('tbody tr').filter({ has: page.getByRole('cell', { name: cell, exact: true }) })

e2e('a day logged by the student, approved by the professor, counts in the city report', async ({ newPage }) => {
  const today = seoulDate(0)
  const yesterday = seoulDate(-1)
  const note = '광고비가 영수증과 달라요. <b>다시</b> 확인해 주세요.'

  // The city's report before: total ad spend and revenue.
  const city = await newPage()
  await login(city, 'city')
  await expectPath(city, /^\/programs\/\d+\/report$/)
  const spendBefore = wonToNumber(await textOf(city.getByTestId('total-spend').locator('.kpi__value')))
  const revenueBefore = wonToNumber(await textOf(city.getByTestId('total-revenue').locator('.kpi__value')))

  // The student opens a campaign of their team and logs two days.
  const student = await newPage()
  await login(student, 'student')
  await expectText(student.getByTestId('team-name'), '이도공감')
  await student.getByRole('link', { name: CAMPAIGN, exact: true }).click()
  await expectText(student.getByTestId('campaign-name'), CAMPAIGN)
  await expectText(student.getByTestId('log-today').locator('h2'), msg(ko, 'metrics.logTitle'))
  assert.equal(await student.getByTestId('metric-date').inputValue(), yesterday, 'ad results start on yesterday (Seoul): ad consoles settle the day after')
  await student.getByTestId('date-preset-today').click()
  assert.equal(await student.getByTestId('metric-date').inputValue(), today, 'the 오늘 preset')

  await logDay(student, { spend: 12345, impressions: 2345, clicks: 67, conversions: 3, revenue: 67890 })
  const todayRow = row(student, 'entries-table', today)
  await expectText(todayRow, won(12_345))
  await expectText(todayRow, won(67_890))
  await expectText(todayRow, msg(ko, 'status.draft'))

  await logDay(student, { date: yesterday, spend: 23456, impressions: 3456, clicks: 78, conversions: 2, revenue: 34567 })
  const yesterdayRow = row(student, 'entries-table', yesterday)
  await expectText(yesterdayRow, won(23_456))
  await expectText(yesterdayRow, msg(ko, 'status.draft'))

  const submitAll = student.getByTestId('submit-all')
  await expectText(submitAll, msg(ko, 'metrics.submitAll', { n: 2 }))
  await submitAll.click()
  await expectText(todayRow, msg(ko, 'status.submitted'))
  await expectText(yesterdayRow, msg(ko, 'status.submitted'))
  await eventually(async () => assert.equal(await student.getByTestId('submit-all').count(), 0))

  // The professor finds both in the approval queue: approves one, returns the other.
  const prof = await newPage()
  await login(prof, 'professor')
  await prof.getByTestId('review-link').click()
  await expectPath(prof, /^\/programs\/\d+\/review$/)
  const approveRow = row(prof, 'queue-table-metric-search_ad', won(12_345))
  await expectText(approveRow, '이도공감')
  await expectText(approveRow, CAMPAIGN)
  await expectText(approveRow, today)
  // each row links to its team and its campaign
  assert.match(await approveRow.getByRole('link', { name: '이도공감' }).first().getAttribute('href'), /^\/teams\/\d+$/)
  assert.match(await approveRow.getByRole('link', { name: CAMPAIGN }).getAttribute('href'), /^\/campaigns\/\d+$/)
  await approveRow.getByRole('checkbox').check()
  await expectText(prof.getByTestId('approve-metric'), msg(ko, 'review.approveSelected', { n: 1 }))
  await prof.getByTestId('approve-metric').click()
  await eventually(async () => assert.equal(await approveRow.count(), 0, 'the approved day leaves the queue'))

  const returnRow = row(prof, 'queue-table-metric-search_ad', won(23_456))
  await returnRow.getByRole('checkbox').check()
  await prof.getByTestId('return-metric').click()
  const dialog = prof.getByTestId('return-dialog')
  await dialog.waitFor({ state: 'visible' })
  // A note is required: confirming without one is refused beside the field.
  await dialog.getByTestId('dialog-confirm').click()
  await expectText(dialog.getByTestId('field-error'), msg(ko, 'review.noteRequired'))
  await dialog.getByLabel(msg(ko, 'review.note')).fill(note)
  await dialog.getByTestId('dialog-confirm').click()
  await dialog.waitFor({ state: 'hidden' })
  await eventually(async () => assert.equal(await returnRow.count(), 0, 'the returned day leaves the queue'))

  // The city's report now counts the approved day (and only that one).
  await city.reload()
  await eventually(async () => {
    const spendAfter = wonToNumber(await textOf(city.getByTestId('total-spend').locator('.kpi__value')))
    assert.equal(spendAfter - spendBefore, 12345)
  })
  const revenueAfter = wonToNumber(await textOf(city.getByTestId('total-revenue').locator('.kpi__value')))
  assert.equal(revenueAfter - revenueBefore, 67890)

  // The student sees the approval and the professor's note, as text.
  await student.reload()
  await expectText(todayRow, msg(ko, 'status.approved'))
  await expectText(yesterdayRow, msg(ko, 'status.returned'))
  const banner = student.getByTestId('returned-banner')
  await expectText(banner.locator('h2'), msg(ko, 'metrics.returnedTitle', { n: 1 }))
  assert.equal(await textOf(banner.getByTestId('returned-note')), note)
  assert.equal(await student.locator('[data-testid="returned-note"] b').count(), 0, 'the note is not rendered as HTML')
  await expectText(yesterdayRow.getByTestId('review-note'), note)
  // The returned day can be submitted again.
  await expectText(student.getByTestId('submit-all'), msg(ko, 'metrics.submitAll', { n: 1 }))
}, { timeout: 90_000 })

e2e('the review queue shows a live broadcast with its viewers and links it to its campaign', async ({ newPage }) => {
  // A broadcast day of 이도공감's live series, sent back for review: the
  // professor returns it and submits it again for the team (as they may).
  const token = await apiToken('professor')
  const teams = (await apiCall(token, 'GET', '/teams')).items
  const ido = teams.find((tm) => tm.merchant?.name === '이도공감') || teams[0]
  const campaigns = (await apiCall(token, 'GET', `/teams/${ido.id}/campaigns`)).items
  const live = campaigns.find((c) => c.kind === 'live_commerce')
  assert.ok(live, 'a live-commerce campaign in the demo team')
  const days = (await apiCall(token, 'GET', `/campaigns/${live.id}/metrics?limit=200`)).items
  let entry = days.find((m) => m.viewers > 1000 && m.revenue_krw > 0 && m.status !== 'submitted')
  assert.ok(entry, 'a broadcast day')
  if (entry.status === 'approved') entry = await apiCall(token, 'POST', `/metrics/${entry.id}/return`, { note: '시청자 수 확인', version: entry.version })
  await apiCall(token, 'POST', `/metrics/${entry.id}/submit`, { version: entry.version })

  const prof = await newPage()
  await login(prof, 'professor')
  await prof.getByTestId('review-link').click()
  const table = prof.getByTestId('queue-table-metric-live_commerce')
  await expectText(table.locator('thead'), msg(ko, 'metrics.fields.viewers'))
  const tr = row(prof, 'queue-table-metric-live_commerce', won(entry.revenue_krw))
  await expectText(tr, entry.viewers.toLocaleString('en-US'))
  await expectText(tr, entry.date)
  await tr.getByRole('link', { name: live.name }).click()
  await expectPath(prof, new RegExp(`^/campaigns/${live.id}$`))
})
