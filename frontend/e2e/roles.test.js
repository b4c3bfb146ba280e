// Each demo role logs in and lands on its own screen; a wrong password is
// answered in words; the login form works from the keyboard alone; a reload
// keeps the session (the refresh cookie restores it).
import assert from 'node:assert/strict'
import { e2e, eventually, expectPath, expectText, ko, login, msg, textOf, USERS, useServer } from './harness.js'

useServer()

e2e('student lands on the 이도공감 team with its KPI cards', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'student')
  await expectPath(page, /^\/teams\/\d+$/)
  await expectText(page.getByTestId('team-name'), '이도공감')
  await expectText(page.getByTestId('merchant-name'), '이도공감')
  const kpis = page.getByTestId('team-kpis')
  await expectText(kpis.locator('h2'), msg(ko, 'team.kpis'))
  // Sales growth with the windows it compares, and the KPI cards.
  await expectText(kpis.getByTestId('kpi-sales-growth'), '+127.0%')
  await expectText(kpis.getByTestId('kpi-sales-growth'), '2026-10-01 ~ 2026-10-31')
  assert.match(await textOf(kpis.getByTestId('kpi-roas')), /\d[\d,]*\.\d%/)
  assert.match(await textOf(kpis.getByTestId('kpi-spend')), /₩[\d,]+/)
  // Its campaigns are listed as links.
  const campaigns = page.getByTestId('campaign-table')
  await expectText(campaigns, '파워링크 캠핑용품 키워드')
  assert.ok((await campaigns.locator('a[data-testid^="campaign-link-"]').count()) >= 3)
})

e2e('professor lands on the program overview with the teams table', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'professor')
  await expectPath(page, /^\/programs\/\d+$/)
  await expectText(page.getByTestId('program-name'), '부산')
  const table = page.getByTestId('teams-table')
  await expectText(table, '이도공감')
  await expectText(table, '아뮤즈마켓')
  assert.equal(await table.locator('tbody tr').count(), 9)
  await expectText(page.getByTestId('review-link'), /승인 대기 \d+건/)
  // Sortable by a KPI: sorting by ROAS puts the rows in order.
  await table.getByTestId('sort-roas').click()
  await eventually(async () => {
    const sort = await table.locator('th', { has: page.getByTestId('sort-roas') }).getAttribute('aria-sort')
    assert.ok(sort === 'ascending' || sort === 'descending', `aria-sort ${sort}`)
  })
})

e2e('city lands on the program report with the headline highlights', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'city')
  await expectPath(page, /^\/programs\/\d+\/report$/)
  await expectText(page.getByTestId('report-title'), '부산')
  const highlights = page.getByTestId('highlights')
  const idogonggam = highlights.locator('li', { hasText: '이도공감' })
  await expectText(idogonggam, '127%')
  await expectText(highlights.locator('li', { hasText: '아뮤즈마켓' }), '629%')
  assert.match(await textOf(page.getByTestId('total-spend')), /₩[\d,]+/)
  await expectText(page.getByTestId('report-teams-table'), '이도공감')
  await page.getByTestId('chart-over-time').waitFor({ state: 'visible' })
})

e2e('merchant lands on the store dashboard', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'merchant')
  await expectPath(page, /^\/store$/)
  await expectText(page.locator('h1'), msg(ko, 'store.title'))
  await expectText(page.getByTestId('confirmations').locator('h2'), '확인을 기다리는 매출')
  await expectText(page.getByTestId('merchant-name'), '이도공감')
  await expectText(page.getByTestId('store-kpis').getByTestId('kpi-sales-growth'), '+127.0%')
})

e2e('admin lands on the users list', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'admin')
  await expectPath(page, /^\/admin\/users$/)
  await expectText(page.locator('h1'), msg(ko, 'adminUsers.title'))
  const table = page.getByTestId('users-table')
  for (const u of Object.values(USERS)) await expectText(table, u.email)
})

e2e('a wrong password is answered in words beside the form', async ({ newPage }) => {
  const page = await newPage()
  await page.goto('/login')
  await page.getByLabel(msg(ko, 'login.email')).fill(USERS.student.email)
  await page.getByLabel(msg(ko, 'login.password')).fill('not-the-password')
  await page.getByTestId('login-submit').click()
  const error = page.getByTestId('login-error')
  const text = await expectText(error, msg(ko, 'login.invalid'))
  assert.doesNotMatch(text, /unauthori[sz]ed|invalid_credentials|\b401\b/i)
  assert.equal(await error.getAttribute('role'), 'alert')
  assert.equal(new URL(page.url()).pathname, '/login')
  assert.equal(await page.getByTestId('current-user').count(), 0)
})

e2e('the login form works with the keyboard alone', async ({ newPage }) => {
  const page = await newPage()
  await page.goto('/login')
  await page.getByTestId('login-form').waitFor()
  // Tab from the top of the page to the email field.
  let focused = ''
  for (let i = 0; i < 15 && focused !== 'login-email'; i++) {
    await page.keyboard.press('Tab')
    focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') || '')
  }
  assert.equal(focused, 'login-email', 'Tab reaches the email field')
  await page.keyboard.type(USERS.professor.email)
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'login-password')
  await page.keyboard.type(USERS.professor.password)
  await page.keyboard.press('Enter')
  await expectPath(page, /^\/programs\/\d+$/)
  await expectText(page.getByTestId('current-user'), msg(ko, 'roles.professor'))
})

e2e('a reload keeps the session', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'student')
  await expectPath(page, /^\/teams\/\d+$/)
  const where = new URL(page.url()).pathname
  const who = await textOf(page.getByTestId('current-user'))
  await page.reload()
  await expectText(page.getByTestId('team-name'), '이도공감')
  assert.equal(new URL(page.url()).pathname, where)
  assert.equal(await textOf(page.getByTestId('current-user')), who)
  // A fresh page load has no token in memory: the data came through the
  // refresh cookie, so a deep link in a new tab works as well.
  const other = await page.context().newPage()
  await other.goto(where)
  await expectText(other.getByTestId('team-name'), '이도공감')
  await other.close()
})
