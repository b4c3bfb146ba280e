// A professor grades a team: whether the team sees the grade is a choice
// they make, in words, never a default; a score out of range is named beside
// its field while the running total still shows, leaving it out.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectText, ko, login, msg, textOf, useServer } from './harness.js'

useServer()

e2e('grading asks whether the team sees it, and the total shows beside an invalid score', async ({ newPage }) => {
  const teams = (await apiCall(await apiToken('professor'), 'GET', '/teams')).items
  const team = teams.find((tm) => tm.merchant?.name === '이도공감') || teams[0]
  const page = await newPage()
  await login(page, 'professor')
  await page.goto(`/teams/${team.id}`)
  const panel = page.getByTestId('evaluations')
  const form = panel.getByTestId('evaluation-form')
  await form.waitFor()
  // a new grade, not the professor's earlier one
  const again = form.getByRole('button', { name: msg(ko, 'evaluations.new') })
  if (await again.count()) await again.click()
  const visibility = form.getByTestId('eval-visibility')
  await expectText(visibility, msg(ko, 'evaluations.visibility'))
  assert.equal(await form.getByTestId('eval-visible').isChecked(), false)
  assert.equal(await form.getByTestId('eval-hidden').isChecked(), false)

  const inputs = form.locator('input[data-testid^="score-"]')
  const n = await inputs.count()
  assert.ok(n >= 2, `${n} criteria`)
  await inputs.nth(0).fill('999') // more than any criterion allows
  for (let i = 1; i < n; i++) await inputs.nth(i).fill('5')
  const total = form.getByTestId('eval-form-total')
  await expectText(total, msg(ko, 'evaluations.invalidLeftOut', { n: 1 }))
  assert.match(await textOf(total), new RegExp(`${5 * (n - 1)} / \\d+`))

  await form.getByTestId('eval-save').click()
  await expectText(visibility, msg(ko, 'evaluations.chooseVisibility'))
  await expectText(form, msg(ko, 'errors.validation'))

  await inputs.nth(0).fill('5')
  await form.getByTestId('eval-hidden').check()
  await form.getByTestId('eval-save').click()
  await expectText(page.locator('.notices'), msg(ko, 'evaluations.saved'))
  await eventually(async () => {
    const hidden = panel.getByTestId('evaluation').filter({ hasText: msg(ko, 'evaluations.hidden') })
    assert.ok((await hidden.count()) >= 1)
  })
})
