// The store owner and their sales figures: confirming one names them as who
// confirmed; "달라요" with a note sends a figure back to the team (returned,
// the note shown, the confirmation withdrawn).
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

e2e('the merchant confirms a sales figure, sees their name, then disputes it with a note', async ({ newPage }) => {
  const me = await apiCall(await apiToken('merchant'), 'GET', '/me')
  const page = await newPage()
  await login(page, 'merchant')
  const table = page.getByTestId('sales-table')
  await table.locator('tbody tr').first().waitFor()
  const toConfirm = table.locator('tbody tr').filter({ has: page.getByTestId('sales-confirm') }).first()
  assert.ok(await toConfirm.count(), 'a sales figure waits for the merchant')
  const period = (await toConfirm.locator('td').first().innerText()).trim()
  const row = table.locator('tbody tr').filter({ hasText: period }).first()
  await toConfirm.getByTestId('sales-confirm').click()
  await expectText(row.getByTestId('sales-confirmed-by'), me.name)

  await row.getByTestId('sales-dispute').click()
  const dialog = page.getByTestId('return-dialog')
  await dialog.waitFor({ state: 'visible' })
  const note = '오프라인 매출이 빠졌습니다'
  await dialog.getByTestId('return-note').fill(note)
  await dialog.getByTestId('dialog-confirm').click()
  await dialog.waitFor({ state: 'hidden' })
  await expectText(row, msg(ko, 'status.returned'))
  await expectText(row.getByTestId('review-note'), note)
  await eventually(async () => assert.equal(await row.getByTestId('sales-confirmed-by').count(), 0, 'the confirmation is withdrawn'))
  await expectText(row, msg(ko, 'sales.notConfirmed'))
})
