// File import with preview (SPEC §5, §7): the student previews a Naver
// SearchAd report (2026 layout, two days, written by the test), sees what it
// would create, applies it and finds the days as drafts; a report with one
// bad cell shows that cell's line and column, and cannot be applied.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before } from 'node:test'
import { e2e, englishWords, eventually, expectPath, expectText, ko, login, msg, textOf, useServer, won } from './harness.js'

useServer()

const CAMPAIGN = '파워링크 캠핑용품 키워드' // a search-ad campaign of the 이도공감 team
const PHONE = { width: 375, height: 800 }

let dir = ''
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nalgae-e2e-import-'))
})
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

function seoulDate(offsetDays = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date())
  const [y, m, d] = today.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + offsetDays)).toISOString().slice(0, 10)
}

// 2026-11-19 → 2026.11.19. (as the ad system writes dates)
const dotted = (iso) => iso.replaceAll('-', '.') + '.'

/** writeFile writes a UTF-8 file with a BOM, as the ad system downloads it. */
function writeFile(name, lines) {
  const p = path.join(dir, name)
  fs.writeFileSync(p, '\ufeff' + lines.join('\r\n') + '\r\n')
  return p
}

// A table's row by what one of its cells shows, exactly.
const row = (page, testid, cell) =>
  page.getByTestId(testid).locator('tbody tr').filter({ has: page.getByRole('cell', { name: cell, exact: true }) })

async function openCampaign(page) {
  await login(page, 'student')
  await expectText(page.getByTestId('team-name'), '이도공감')
  await page.getByRole('link', { name: CAMPAIGN, exact: true }).click()
  await expectPath(page, /^\/campaigns\/\d+$/)
  await expectText(page.getByTestId('campaign-name'), CAMPAIGN)
  const panel = page.getByTestId('campaign-import')
  await expectText(panel.locator('h2'), msg(ko, 'imports.title'))
  return panel
}

const fact = (panel, key) => textOf(panel.getByTestId('import-' + key).locator('dd'))

e2e('the student previews a SearchAd report, applies it and finds the days as drafts', async ({ newPage }) => {
  // Two days after the campaign's end (its own days are approved already):
  // the first in two rows (two keywords) that the import sums, then the
  // report's totals row, which is not a day.
  const dayA = seoulDate(-6)
  const dayB = seoulDate(-5)
  const file = writeFile('searchad-2026.csv', [
    `캠페인보고서(${dotted(dayA)}~${dotted(dayB)}),idogonggam_ad`,
    '일별,캠페인,키워드,노출수,클릭수,평균 CPC,총비용,총 전환수,총 전환매출액(원)',
    `${dotted(dayA)},${CAMPAIGN},캠핑의자,"1,500",35,600,"21,000",1,"45,000"`,
    `${dotted(dayA)},${CAMPAIGN},캠핑테이블,700,15,600,"9,000",1,"30,000"`,
    `${dotted(dayB)},${CAMPAIGN},캠핑의자,"1,900",40,460,"18,400",1,"25,000"`,
    '합계,,,"4,100",90,538,"48,400",3,"100,000"',
  ])

  const page = await newPage()
  const panel = await openCampaign(page)
  await expectText(panel, '네이버 검색광고') // the help names the reports it takes
  const apply = panel.getByTestId('campaign-import-apply')
  assert.equal(await apply.isDisabled(), true, 'nothing to apply before a preview')

  await panel.getByLabel(msg(ko, 'imports.file')).setInputFiles(file)
  await panel.getByRole('button', { name: msg(ko, 'imports.preview'), exact: true }).click()
  await expectText(panel.getByTestId('import-state'), msg(ko, 'imports.previewOk'))
  assert.equal(await fact(panel, 'format'), '네이버 검색광고 보고서 (CSV)')
  assert.equal(await fact(panel, 'encoding'), 'UTF-8 (BOM)')
  assert.equal(await fact(panel, 'rows'), '3')
  assert.equal(await fact(panel, 'days'), '2')
  assert.equal(await fact(panel, 'created'), '2')
  assert.equal(await fact(panel, 'updated'), '0')
  assert.equal(await fact(panel, 'unchanged'), '0')
  assert.equal(await panel.getByTestId('import-errors').count(), 0)
  // the days lie outside the campaign's dates: warned, imported all the same
  await expectText(panel.getByTestId('import-warnings'), msg(ko, 'imports.warningsTitle', { n: 2 }))
  // the preview, its warnings included, is all Korean
  assert.deepEqual(await englishWords(panel), [], 'English words in the import preview')
  // a preview writes nothing
  assert.equal(await row(page, 'entries-table', dayA).count(), 0)

  await eventually(async () => assert.equal(await apply.isEnabled(), true))
  await apply.click()
  await expectText(panel.getByTestId('import-state'), msg(ko, 'imports.appliedNote'))
  assert.equal(await fact(panel, 'created'), '2')
  assert.equal(await apply.isDisabled(), true, 'the applied file cannot be applied twice')

  // The entries reload: both days are drafts with the summed figures.
  const rowA = row(page, 'entries-table', dayA)
  await expectText(rowA, won(30_000))
  await expectText(rowA, won(75_000))
  await expectText(rowA, msg(ko, 'status.draft'))
  const rowB = row(page, 'entries-table', dayB)
  await expectText(rowB, won(18_400))
  await expectText(rowB, msg(ko, 'status.draft'))
  await expectText(page.getByTestId('submit-all'), msg(ko, 'metrics.submitAll', { n: 2 }))

  // The same file again changes nothing.
  await panel.getByLabel(msg(ko, 'imports.file')).setInputFiles(file)
  await panel.getByRole('button', { name: msg(ko, 'imports.preview'), exact: true }).click()
  await eventually(async () => assert.equal(await fact(panel, 'unchanged'), '2'))
  assert.equal(await fact(panel, 'created'), '0')
})

e2e('a report with one bad cell shows its line and column, and cannot be applied (on a phone)', async ({ newPage }) => {
  const day = seoulDate(-8)
  const next = seoulDate(-7)
  const file = writeFile('searchad-bad-cell.csv', [
    `캠페인보고서(${dotted(day)}~${dotted(next)}),idogonggam_ad`,
    '일별,캠페인,노출수,클릭수,평균 CPC,총비용,총 전환수,총 전환매출액(원)',
    `${dotted(day)},${CAMPAIGN},"2,000",40,500,"20,000",1,"40,000"`,
    `${dotted(next)},${CAMPAIGN},"2,100",4O,500,"20,000",1,"40,000"`, // 4O: a letter O
  ])

  const page = await newPage({ viewport: PHONE })
  const panel = await openCampaign(page)
  await panel.getByLabel(msg(ko, 'imports.file')).setInputFiles(file)
  await panel.getByRole('button', { name: msg(ko, 'imports.preview'), exact: true }).click()
  await expectText(panel.getByTestId('import-state'), msg(ko, 'imports.previewErrors', { n: 1 }))

  const errors = panel.getByTestId('import-errors')
  await expectText(errors.locator('caption'), msg(ko, 'imports.errorsTitle', { n: 1 }))
  const cells = errors.locator('tbody tr').first().locator('td')
  assert.equal(await textOf(cells.nth(0)), '4', 'the physical line of the bad row (title and header come first)')
  assert.equal(await textOf(cells.nth(1)), '클릭수')
  assert.match(await textOf(cells.nth(2)), /4O/)
  assert.equal(await panel.getByTestId('campaign-import-apply').isDisabled(), true)
  assert.deepEqual(await englishWords(panel), [], 'English words beside the bad cell')

  // Fits the phone: no sideways scrolling with the errors shown.
  const { scrollWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth }))
  assert.ok(scrollWidth <= PHONE.width, `scrollWidth ${scrollWidth} > ${PHONE.width}`)

  // Nothing was written.
  assert.equal(await row(page, 'entries-table', day).count(), 0)
})
