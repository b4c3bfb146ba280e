// A phone, 375 px wide: the student's team and campaign pages (with the
// quick form) and the city's report fit without sideways scrolling, and the
// quick form's fields are visible and labelled.
import assert from 'node:assert/strict'
import { PHONE, assertNoSidewaysScroll, e2e, expectPath, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

e2e('the student works on a phone without sideways scrolling', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'student')
  await expectText(page.getByTestId('team-name'), '이도공감')
  await page.getByTestId('campaign-table').waitFor()
  await assertNoSidewaysScroll(page, 'team page')

  await page.getByRole('link', { name: '쇼핑라이브 가을 캠핑 기획전', exact: true }).click()
  await expectPath(page, /^\/campaigns\/\d+$/)
  const form = page.getByTestId('log-today')
  await form.waitFor()
  await page.getByTestId('entries-table').waitFor()
  await page.getByTestId('campaign-chart').waitFor()
  await assertNoSidewaysScroll(page, 'campaign page')

  // Every field of the quick form (a live-commerce campaign shows them all)
  // is reachable by its label and visible within the phone's width.
  const labels = [msg(ko, 'metrics.date'), ...Object.values(ko.metrics.fields)]
  for (const label of labels) {
    const input = form.getByLabel(label === msg(ko, 'metrics.date') ? new RegExp('^' + label + '[\\s*]*$') : label, { exact: true })
    await input.scrollIntoViewIfNeeded()
    assert.ok(await input.isVisible(), `${label} is visible`)
    const box = await input.boundingBox()
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${label} fits in the width: ${JSON.stringify(box)}`)
  }
  const save = form.getByRole('button', { name: msg(ko, 'metrics.log') })
  assert.ok(await save.isVisible())
})

e2e('the city report fits a phone without sideways scrolling', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'city')
  await expectPath(page, /^\/programs\/\d+\/report$/)
  await page.getByTestId('report-teams-table').waitFor()
  await page.getByTestId('chart-over-time').waitFor()
  await expectText(page.getByTestId('highlights'), '629%')
  await assertNoSidewaysScroll(page, 'report page')
})
