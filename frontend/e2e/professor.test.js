// A professor's day: grading a team, where whether the team sees the grade
// is a choice they make, in words, never a default, and a score out of range
// is named beside its field while the running total still shows; and the
// tables they take to Excel, with Korean file names and today's date.
import assert from 'node:assert/strict'
import fs from 'node:fs'
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

function seoulToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date()).replace(/-/g, '')
}

e2e('엑셀 다운로드 saves the teams table and a campaign\'s days as Korean-named files of what they show', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'professor')
  const table = page.getByTestId('teams-table')
  await table.locator('tbody tr').first().waitFor()
  const button = page.getByTestId('teams-table-excel')
  await expectText(button, msg(ko, 'table.excel'))
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()])
  assert.equal(file.suggestedFilename(), `${msg(ko, 'fileNames.teams')}_${seoulToday()}.csv`)
  const text = fs.readFileSync(await file.path(), 'utf8')
  assert.ok(text.startsWith('\uFEFF'), 'a BOM, so that Excel reads Korean')
  const lines = text.slice(1).trim().split('\r\n')
  const shown = await table.locator('tbody tr').count()
  assert.equal(lines.length, shown + 1, 'a header and every row')
  assert.ok(lines[0].startsWith(msg(ko, 'report.team')), lines[0])
  const firstRow = (await table.locator('tbody tr').first().locator('td').allInnerTexts()).map((s) => s.trim())
  assert.ok(lines[1].includes(firstRow[0]) && lines[1].includes(`"${firstRow[2]}"`), `${lines[1]} holds ${firstRow.slice(0, 3)}`)

  // a campaign's days: every day, not only the two weeks on the page
  const teams = (await apiCall(await apiToken('professor'), 'GET', '/teams')).items
  const team = teams.find((tm) => tm.merchant?.name === '이도공감') || teams[0]
  const campaigns = (await apiCall(await apiToken('professor'), 'GET', `/teams/${team.id}/campaigns`)).items
  const ad = campaigns.find((c) => c.kind === 'search_ad')
  const days = (await apiCall(await apiToken('professor'), 'GET', `/campaigns/${ad.id}/metrics?limit=500`)).items
  await page.goto(`/campaigns/${ad.id}`)
  const daysButton = page.getByTestId('entries-table-excel')
  const [dayFile] = await Promise.all([page.waitForEvent('download'), daysButton.click()])
  assert.equal(dayFile.suggestedFilename(), `${msg(ko, 'fileNames.days')}_${seoulToday()}.csv`)
  const dayLines = fs.readFileSync(await dayFile.path(), 'utf8').slice(1).trim().split('\r\n')
  assert.equal(dayLines.length, days.length + 1)
  assert.ok(!/approved|submitted|draft/.test(dayLines.join('\n')), 'statuses in words')
  assert.ok(dayLines.some((l) => l.includes(msg(ko, 'status.approved'))))
})
