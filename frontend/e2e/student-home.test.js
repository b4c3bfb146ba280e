// The student's day on a phone (375 px): the home (their team page) starts
// with what needs them — the returned day with the professor's note — and
// "오늘 실적 입력" logs a day in three taps (the action, the campaign, save),
// then offers "검토 요청" in the same place, which submits that day.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

const PHONE = { width: 375, height: 800 }

e2e('the student logs a day in three taps on a phone and submits it in place', async ({ newPage }) => {
  // A day the professor returned with a note, for the home to put first.
  const token = await apiToken('student')
  const prof = await apiToken('professor')
  const teams = (await apiCall(token, 'GET', '/teams')).items
  const campaigns = (await apiCall(token, 'GET', `/teams/${teams[0].id}/campaigns`)).items
  const ad = campaigns.find((c) => c.kind === 'search_ad')
  const day = await apiCall(token, 'POST', `/campaigns/${ad.id}/metrics`, { date: '2026-11-30', spend_krw: 5000, impressions: 100, clicks: 0, conversions: 0, revenue_krw: 0 })
  const sent = await apiCall(token, 'POST', `/metrics/${day.id}/submit`, { version: day.version })
  const note = '클릭수 0은 이상합니다. 광고 보고서를 다시 확인해 주세요.'
  await apiCall(prof, 'POST', `/metrics/${day.id}/return`, { version: sent.version, note })

  const page = await newPage({ viewport: PHONE })
  await login(page, 'student')
  const today = page.getByTestId('student-today')
  await today.waitFor()

  // What needs them comes first: the returned day with the professor's note,
  // above the merchant and KPI cards, one tap from its campaign.
  const returned = today.getByTestId('today-returned')
  await expectText(returned, note)
  await expectText(returned, '2026-11-30')
  assert.equal(await returned.locator(`a[href="/campaigns/${ad.id}"]`).count(), 1)
  const boxToday = await today.boundingBox()
  const boxKpis = await page.getByTestId('team-kpis').boundingBox()
  assert.ok(boxToday.y < boxKpis.y, 'what needs the student comes before the KPI cards')

  let taps = 0
  const tap = async (locator) => {
    taps++
    await locator.click()
  }
  // 1: the action
  await tap(today.getByTestId('today-log'))
  // 2: the campaign (the team has several)
  const live = campaigns.find((c) => c.kind === 'live_commerce')
  await tap(today.getByTestId('today-campaign-' + live.id))
  const form = today.getByTestId('metric-form')
  await form.waitFor()
  // The date starts on today for a broadcast; typing is not a tap.
  const date = await form.getByTestId('metric-date').inputValue()
  assert.match(date, /^\d{4}-\d{2}-\d{2}$/)
  await form.getByTestId('metric-spend_krw').fill('12000')
  await form.getByTestId('metric-revenue_krw').fill('345000')
  // money fields group the digits as they are typed
  assert.equal(await form.getByTestId('metric-spend_krw').inputValue(), '12,000')
  assert.equal(await form.getByTestId('metric-revenue_krw').inputValue(), '345,000')
  await form.getByTestId('metric-viewers').fill('420')
  // 3: save
  await tap(form.getByTestId('metric-save'))
  const saved = today.getByTestId('today-saved')
  await expectText(saved, date)
  assert.equal(taps, 3, 'a day is logged in three taps')

  // "검토 요청" is offered in place and submits that day.
  const submit = saved.getByTestId('today-submit')
  await expectText(submit, msg(ko, 'common.submit'))
  await submit.click()
  await expectText(saved, msg(ko, 'status.submitted'))
  await eventually(async () => {
    const items = (await apiCall(token, 'GET', `/campaigns/${live.id}/metrics?from=${date}&to=${date}`)).items
    assert.equal(items.length, 1)
    assert.equal(items[0].status, 'submitted')
    assert.equal(items[0].spend_krw, 12000)
    assert.equal(items[0].revenue_krw, 345000)
    assert.equal(items[0].viewers, 420)
  })
  // Nothing of it reaches past the phone's width.
  const box = await saved.boundingBox()
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, JSON.stringify(box))
})

e2e('a campaign shows its latest two weeks of days with 더 보기', async ({ newPage }) => {
  const token = await apiToken('student')
  const teams = (await apiCall(token, 'GET', '/teams')).items
  const campaigns = (await apiCall(token, 'GET', `/teams/${teams[0].id}/campaigns`)).items
  // a campaign the other test leaves alone, with more than two weeks of days
  let chosen = null
  let entries = []
  for (const c of campaigns.filter((c) => c.kind !== 'search_ad' && c.kind !== 'live_commerce')) {
    entries = (await apiCall(token, 'GET', `/campaigns/${c.id}/metrics?limit=500`)).items
    if (entries.length > 14) {
      chosen = c
      break
    }
  }
  assert.ok(chosen, 'the demo team has a campaign with more than 14 days')
  const dates = entries.map((e) => e.date).sort()
  const newest = new Date(dates[dates.length - 1] + 'T00:00:00Z')
  const since = (days) => new Date(newest.getTime() - (days - 1) * 86400000).toISOString().slice(0, 10)
  const inWeeks = (w) => dates.filter((d) => d >= since(14 * w)).length

  const page = await newPage({ viewport: PHONE })
  await login(page, 'student')
  await page.goto(`/campaigns/${chosen.id}`)
  const table = page.getByTestId('entries-table')
  await table.waitFor()
  await eventually(async () => assert.equal(await table.locator('tbody tr').count(), inWeeks(1)))
  const more = page.getByTestId('entries-more')
  await expectText(more, msg(ko, 'metrics.shown', { shown: inWeeks(1), n: entries.length }))
  await more.getByTestId('entries-more-button').click()
  await eventually(async () => assert.equal(await table.locator('tbody tr').count(), inWeeks(2)))
})
