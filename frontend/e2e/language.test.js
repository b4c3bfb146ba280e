// The language switch: Korean by default, English on a click, remembered
// across a reload (on this device and on the account), and back to 한국어.
import assert from 'node:assert/strict'
import { e2e, eventually, expectText, en, ko, login, msg, useServer } from './harness.js'

useServer()

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang)
const pressed = (page, l) => page.getByTestId('lang-' + l).getAttribute('aria-pressed')

e2e('the login page switches to English and stays so after a reload', async ({ newPage }) => {
  const page = await newPage({ locale: null }) // a device that never chose
  await page.goto('/login')
  await expectText(page.locator('h1'), msg(ko, 'login.title'))
  await expectText(page.locator('label[for="login-email"]'), msg(ko, 'login.email'))
  assert.equal(await pressed(page, 'ko'), 'true')

  await page.getByTestId('lang-en').click()
  await expectText(page.locator('h1'), msg(en, 'login.title'))
  await expectText(page.locator('label[for="login-email"]'), msg(en, 'login.email'))
  await expectText(page.getByTestId('login-submit'), msg(en, 'login.submit'))
  assert.equal(await htmlLang(page), 'en')
  assert.equal(await pressed(page, 'en'), 'true')

  await page.reload()
  await expectText(page.locator('h1'), msg(en, 'login.title'))
  assert.equal(await htmlLang(page), 'en')

  await page.getByTestId('lang-ko').click()
  await expectText(page.locator('h1'), msg(ko, 'login.title'))
  assert.equal(await htmlLang(page), 'ko')
  await page.reload()
  await expectText(page.locator('h1'), msg(ko, 'login.title'))
})

e2e('a logged-in student switches to English, reloads, and switches back to 한국어', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'student')
  const kpisHeading = page.getByTestId('team-kpis').locator('h2')
  await expectText(kpisHeading, msg(ko, 'team.kpis'))
  await expectText(page.getByTestId('nav-my-team'), msg(ko, 'nav.myTeam'))
  await expectText(page.getByTestId('logout'), msg(ko, 'nav.logout'))

  await page.getByTestId('lang-en').click()
  await expectText(kpisHeading, msg(en, 'team.kpis'))
  await expectText(page.getByTestId('nav-my-team'), msg(en, 'nav.myTeam'))
  await expectText(page.getByTestId('logout'), msg(en, 'nav.logout'))
  await expectText(page.getByTestId('current-user'), msg(en, 'roles.student'))
  assert.equal(await htmlLang(page), 'en')

  await page.reload()
  await expectText(kpisHeading, msg(en, 'team.kpis'))
  await expectText(page.getByTestId('team-kpis').getByTestId('kpi-spend'), msg(en, 'kpi.spend'))
  assert.equal(await htmlLang(page), 'en')

  await page.getByTestId('lang-ko').click()
  await expectText(kpisHeading, msg(ko, 'team.kpis'))
  await expectText(page.getByTestId('logout'), msg(ko, 'nav.logout'))
  await page.reload()
  await expectText(kpisHeading, msg(ko, 'team.kpis'))
  assert.equal(await htmlLang(page), 'ko')
})

e2e('the account remembers English on another device, and the report speaks it', async ({ newPage }) => {
  const first = await newPage()
  await login(first, 'city')
  await expectText(first.getByTestId('report-summary').locator('h2'), msg(ko, 'report.summary'))
  await first.getByTestId('lang-en').click()
  await expectText(first.getByTestId('report-summary').locator('h2'), msg(en, 'report.summary'))
  await expectText(first.getByTestId('highlights').locator('h2'), msg(en, 'report.highlights'))
  // The highlights are written by the server in the UI's language.
  const amuse = first.getByTestId('highlights').locator('li', { hasText: '아뮤즈마켓' })
  await expectText(amuse, '629%')
  await eventually(async () => assert.doesNotMatch(await amuse.innerText(), /광고수익률/))

  // A second browser that never chose a language follows the account.
  const second = await newPage({ locale: null })
  await login(second, 'city')
  await expectText(second.getByTestId('report-summary').locator('h2'), msg(en, 'report.summary'))
  await second.getByTestId('lang-ko').click()
  await expectText(second.getByTestId('report-summary').locator('h2'), msg(ko, 'report.summary'))
})
