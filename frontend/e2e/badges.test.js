// The menu's badge counts what waits for each user: the professor's entries
// and sales to review (one fewer after an approval), the student's returned
// entries, the store owner's sales to confirm and follow-ups due — each the
// count the API gives.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

async function badge(page) {
  const b = page.getByTestId('nav-badge')
  await b.waitFor({ state: 'attached' })
  return (await b.locator('.visually-hidden').textContent()).trim()
}

e2e('the menu badge counts what waits for the professor, the student and the store owner', async ({ newPage }) => {
  const prof = await apiToken('professor')
  const programs = (await apiCall(prof, 'GET', '/programs')).items
  let toReview = 0
  for (const p of programs) {
    const q = await apiCall(prof, 'GET', `/programs/${p.id}/review-queue`)
    toReview += q.metrics.length + q.sales.length
  }
  assert.ok(toReview > 1, `${toReview} waiting for review in the demo`)

  const page = await newPage()
  await login(page, 'professor')
  await eventually(async () => assert.equal(await badge(page), msg(ko, 'nav.waiting.review', { n: toReview })))
  // one approval later the badge says one fewer
  await page.getByTestId('review-link').click()
  const check = page.locator('input[data-testid^="select-metric-"]').first()
  await check.check()
  await page.getByTestId('approve-metric').click()
  await eventually(async () => assert.equal(await badge(page), msg(ko, 'nav.waiting.review', { n: toReview - 1 })))

  // the professor returns one of the student's approved days
  const student = await apiToken('student')
  const myTeams = (await apiCall(student, 'GET', '/teams')).items
  const firstCampaign = (await apiCall(student, 'GET', `/teams/${myTeams[0].id}/campaigns`)).items[0]
  const approved = (await apiCall(student, 'GET', `/campaigns/${firstCampaign.id}/metrics?statuses=approved&limit=1`)).items[0]
  await apiCall(prof, 'POST', `/metrics/${approved.id}/return`, { note: '광고비를 다시 확인해 주세요', version: approved.version })
  let returned = 0
  for (const tm of myTeams) {
    for (const c of (await apiCall(student, 'GET', `/teams/${tm.id}/campaigns`)).items) {
      returned += (await apiCall(student, 'GET', `/campaigns/${c.id}/metrics?statuses=returned&limit=500`)).items.length
    }
    returned += (await apiCall(student, 'GET', `/teams/${tm.id}/sales?statuses=returned&limit=500`)).items.length
  }
  assert.ok(returned > 0, 'the demo returned something to the student')
  const sp = await newPage()
  await login(sp, 'student')
  await eventually(async () => assert.equal(await badge(sp), msg(ko, 'nav.waiting.returned', { n: returned })))

  const merchant = await apiToken('merchant')
  const storeTeams = (await apiCall(merchant, 'GET', '/teams')).items
  let toConfirm = 0
  for (const tm of storeTeams) {
    toConfirm += (await apiCall(merchant, 'GET', `/teams/${tm.id}/sales?statuses=submitted,approved&limit=500`)).items.filter((s) => !s.confirmed_at).length
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date())
  let due = 0
  for (const p of new Set(storeTeams.map((tm) => tm.program_id))) {
    due += (await apiCall(merchant, 'GET', `/programs/${p}/followups?state=open&limit=500`)).items.filter((f) => f.due_on <= today).length
  }
  const parts = [
    ...(toConfirm ? [msg(ko, 'nav.waiting.confirm', { n: toConfirm })] : []),
    ...(due ? [msg(ko, 'nav.waiting.followups', { n: due })] : []),
  ]
  const mp = await newPage()
  await login(mp, 'merchant')
  if (parts.length) await eventually(async () => assert.equal(await badge(mp), parts.join(', ')))
  else {
    await expectText(mp.getByTestId('nav-store'), msg(ko, 'nav.store'))
    assert.equal(await mp.getByTestId('nav-badge').count(), 0, 'nothing waits, no badge')
  }
})
