// Grades (SPEC §12): the professor's grade sheet (every demo student, the
// numbers the API answers, sortable, missing pieces called out, the CSV for
// the learning system); a student's peer review with the behavioural anchors
// in Korean, saved; the merchant's rating form on the store dashboard on a
// phone. Every page is also checked at 375 px for sideways scrolling.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { PHONE, apiCall, apiToken, assertNoSidewaysScroll, e2e, eventually, expectPath, expectText, ko, login, msg, textOf, useServer } from './harness.js'

useServer()

// The page itself never scrolls sideways; a wide table may only scroll
// inside its own box (.table-scroll), which the document's width ignores.
const one = (v) => (v === null ? '—' : new Intl.NumberFormat('ko', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v))

async function openGradeSheet(page) {
  await login(page, 'professor')
  await expectPath(page, /^\/programs\/\d+$/)
  await page.getByTestId('grades-link').click()
  await expectPath(page, /^\/programs\/\d+\/grades$/)
  const programId = Number(new URL(page.url()).pathname.split('/')[2])
  const table = page.getByTestId('grade-table')
  await table.waitFor()
  return { programId, table }
}

e2e('the professor reads the grade sheet: every student, sortable, missing pieces named, the CSV', async ({ newPage }) => {
  const page = await newPage()
  const { programId, table } = await openGradeSheet(page)
  await expectText(page.locator('h1'), msg(ko, 'grades.title'))
  const sheet = await apiCall(await apiToken('professor'), 'GET', `/programs/${programId}/grades`)
  assert.ok(sheet.items.length >= 18, `${sheet.items.length} students on the demo sheet`)
  await eventually(async () => assert.equal(await table.locator('tbody tr').count(), sheet.items.length))

  // Each row shows its student's final grade as the API answers it.
  const rows = table.locator('tbody tr')
  for (let i = 0; i < sheet.items.length; i++) {
    const row = rows.nth(i)
    const name = await textOf(row.locator('td').first())
    const want = sheet.items.find((g) => g.name === name)
    assert.ok(want, `row ${i + 1} (${name}) is a student of the sheet`)
    assert.equal(await textOf(row.getByTestId('final-grade')), one(want.final_grade), `${want.name}'s final grade`)
  }

  // Missing pieces: the demo teams without targets are named, and counted.
  const withMissing = sheet.items.filter((g) => g.missing.length).length
  assert.ok(withMissing > 0, 'the demo has students with a missing component')
  await expectText(page.getByTestId('grades-missing-count'), msg(ko, 'grades.missingCount', { n: withMissing }))
  assert.equal(await table.getByTestId('missing-targets').count(), sheet.items.filter((g) => g.missing.includes('targets')).length)
  await expectText(table.getByTestId('missing-targets').first(), msg(ko, 'grades.missingNames.targets'))

  // Sorting by the final grade puts the rows in that order.
  await table.getByTestId('sort-final_grade').click()
  const th = table.locator('th', { has: page.getByTestId('sort-final_grade') })
  await eventually(async () => assert.match(await th.getAttribute('aria-sort'), /^(ascending|descending)$/))
  const dir = await th.getAttribute('aria-sort')
  const shown = (await table.getByTestId('final-grade').allInnerTexts()).map((s) => Number(s.replace(/,/g, '')))
  const sorted = [...shown].sort((a, b) => (dir === 'ascending' ? a - b : b - a))
  assert.deepEqual(shown, sorted, `final grades ${dir}`)

  // The CSV: UTF-8 with a BOM, JSON names as headers, a row per student,
  // Korean names intact.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('grades-csv').click()])
  // named in Korean with the day (SPEC §7): 성적_학사시스템용_20261206.csv
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date()).replace(/-/g, '')
  assert.equal(download.suggestedFilename(), `${msg(ko, 'fileNames.gradesLms')}_${day}.csv`)
  const bytes = fs.readFileSync(await download.path())
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a BOM')
  const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/)
  assert.equal(lines[0], 'student_id,name,email,team_id,team_name,rubric_pct,merchant_pct,targets_pct,team_grade,af,af_raw,final_grade,missing')
  assert.equal(lines.length - 1, sheet.items.length)
  for (const g of sheet.items) assert.ok(lines.some((l) => l.includes(g.name) && l.includes(g.team_name)), `${g.name} in the CSV`)
})

e2e('the grade sheet fits a phone without sideways scrolling', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  const { table } = await openGradeSheet(page)
  await table.getByTestId('final-grade').first().waitFor()
  await assertNoSidewaysScroll(page, 'grade sheet', { outsideTables: true })
})

e2e('a student rates a teammate with the anchors in Korean, on a phone, and the review is saved', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'student')
  await expectPath(page, /^\/teams\/(\d+)$/)
  const teamId = Number(new URL(page.url()).pathname.split('/')[2])
  const panel = page.getByTestId('peer-review')
  await expectText(panel.locator('h2'), msg(ko, 'peer.title'))
  // A teammate (not the student themself).
  const self = `(${msg(ko, 'peer.self')})`
  const summaries = panel.locator('summary')
  await summaries.first().waitFor()
  let mate = null
  for (const s of await summaries.all()) {
    if (!(await s.innerText()).includes(self)) {
      mate = s
      break
    }
  }
  assert.ok(mate, 'the student has a teammate to rate')
  const rateeId = Number((await mate.getAttribute('data-testid')).replace('peer-open-', ''))
  await mate.click()
  // Every dimension shows its five levels, each with its Korean anchor.
  for (const [dim, anchors] of Object.entries(ko.peer.anchors)) {
    const group = panel.getByRole('group', { name: msg(ko, `peer.dims.${dim}`) }).first()
    await group.waitFor()
    for (const [i, text] of anchors.entries()) {
      const radio = group.getByLabel(`${i + 1} — ${text}`, { exact: true })
      assert.ok(await radio.count(), `${dim} level ${i + 1} is labelled with its anchor`)
    }
  }
  await assertNoSidewaysScroll(page, 'peer review', { outsideTables: true })

  // A 2 for contributing, 3 elsewhere, and a comment; then saved.
  const pick = async (dim, level) => page.getByTestId(`peer-${rateeId}-${dim}-${level}`).check()
  await pick('contributing', 2)
  for (const dim of ['interacting', 'keeping_on_track', 'expecting_quality', 'having_skills']) await pick(dim, 3)
  await page.getByLabel(msg(ko, 'peer.comment')).filter({ visible: true }).fill('자료 정리를 더 도와주면 좋겠어요')
  await page.getByTestId(`peer-save-${rateeId}`).click()
  await expectText(page.locator('.notices'), '평가를 저장했습니다')

  // The server has it, and a reload shows it.
  const mine = await apiCall(await apiToken('student'), 'GET', `/teams/${teamId}/peer-reviews`)
  const saved = mine.items.find((r) => r.ratee_id === rateeId)
  assert.deepEqual(saved.scores, { contributing: 2, interacting: 3, keeping_on_track: 3, expecting_quality: 3, having_skills: 3 })
  assert.equal(saved.comment, '자료 정리를 더 도와주면 좋겠어요')
  await page.reload()
  await page.getByTestId(`peer-open-${rateeId}`).click()
  assert.ok(await page.getByTestId(`peer-${rateeId}-contributing-2`).isChecked())
})

e2e('the merchant rates the team from the store dashboard on a phone', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'merchant')
  await expectPath(page, /^\/store$/)
  const form = page.getByTestId('merchant-rating-form')
  await form.waitFor()
  await expectText(page.getByTestId('merchant-rating').locator('h2'), msg(ko, 'merchantRating.title'))
  // The overall levels are labelled in words; the demo rating is loaded.
  for (const [i, word] of ko.merchantRating.overallScale.entries()) {
    assert.ok(await form.getByLabel(`${i + 1} — ${word}`, { exact: true }).count(), `overall ${i + 1} labelled ${word}`)
  }
  await eventually(async () => assert.ok(await form.getByTestId('mr-overall-5').isChecked()))
  await assertNoSidewaysScroll(page, 'store dashboard', { outsideTables: true })

  await form.getByTestId('mr-overall-4').check()
  await form.getByLabel(msg(ko, 'merchantRating.skill.creativity'), { exact: true }).selectOption('3')
  await form.getByRole('button', { name: msg(ko, 'merchantRating.save') }).click()
  await expectText(page.locator('.notices'), msg(ko, 'merchantRating.saved'))

  const teamId = (await apiCall(await apiToken('merchant'), 'GET', '/teams')).items[0].id
  const rating = await apiCall(await apiToken('merchant'), 'GET', `/teams/${teamId}/merchant-rating`)
  assert.equal(rating.overall, 4)
  assert.equal(rating.skills.creativity, 3)
  await page.reload()
  await eventually(async () => assert.ok(await page.getByTestId('mr-overall-4').isChecked()))
})
