// The city's report as people read it: every highlight's figure can be found
// in the team table (이도공감's ROAS is its ad ROAS, not 2,222%), the A4 PDF
// Chromium prints keeps every amount of the team table whole, and on a phone
// the wide tables show that they go on.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { e2e, eventually, expectPath, expectText, login, pdfLines, useServer } from './harness.js'

useServer()

const PHONE = { width: 375, height: 800 }

async function openReport(page) {
  await login(page, 'city')
  await expectPath(page, /^\/programs\/\d+\/report$/)
  await page.getByTestId('report-teams-table').locator('tbody tr').first().waitFor()
  await expectText(page.getByTestId('highlights'), '629%')
}

/** rowFigures reads each team row's percentages as numbers, by merchant. */
async function rowFigures(page) {
  return page.getByTestId('report-teams-table').evaluate((box) => {
    const heads = [...box.querySelectorAll('thead th')].map((th) => th.innerText.trim())
    return [...box.querySelectorAll('tbody tr')].map((tr) => {
      // a growth cell states its windows below its figure: the figure is the first line
      const cells = [...tr.querySelectorAll('td')].map((td) => td.innerText.trim().split('\n')[0].trim())
      return { merchant: cells[1], cells: Object.fromEntries(heads.map((h, i) => [h, cells[i]])) }
    })
  })
}

const pctOf = (text) => Number(text.replace(/[+,%p\s]/g, ''))

e2e('every highlight figure is in the team table, and team ROAS is ad ROAS', async ({ newPage }) => {
  const page = await newPage()
  await openReport(page)
  const highlights = await page.getByTestId('highlights').locator('li').allInnerTexts()
  assert.ok(highlights.length >= 2)
  const rows = await rowFigures(page)
  for (const h of highlights) {
    const merchant = h.split(':')[0].trim()
    const row = rows.find((r) => r.merchant === merchant)
    assert.ok(row, `a row for ${merchant}`)
    const figures = [...h.matchAll(/(\d[\d,]*(?:\.\d)?)%/g)].map((m) => pctOf(m[1]))
    assert.ok(figures.length > 0, `a figure in ${h}`)
    const inRow = Object.values(row.cells).filter((c) => /%p?$/.test(c)).map((c) => Math.abs(pctOf(c)))
    for (const f of figures) {
      assert.ok(inRow.some((v) => Math.abs(v - f) < 0.051), `${h}: ${f}% is not in ${merchant}'s row ${JSON.stringify(row.cells)}`)
    }
  }
  const ido = rows.find((r) => r.merchant === '이도공감')
  const roasHead = Object.keys(ido.cells).find((k) => k.startsWith('광고수익률 (검색·쇼핑광고)'))
  assert.ok(roasHead, `an ad ROAS column in ${Object.keys(ido.cells)}`)
  assert.ok(!ido.cells[roasHead].includes('2,222'), `이도공감's ROAS is its ad ROAS: ${ido.cells[roasHead]}`)
  const searchHead = Object.keys(ido.cells).find((k) => k.startsWith('검색광고 광고수익률'))
  assert.equal(ido.cells[roasHead], ido.cells[searchHead], 'its ad ROAS is its search ads\' ROAS (its only ad kind)')
})

e2e('the A4 print keeps every amount of the team table whole', async ({ newPage }) => {
  const page = await newPage()
  await openReport(page)
  await page.getByTestId('chart-over-time').waitFor()
  const amounts = await page
    .getByTestId('report-teams-table')
    .locator('tbody td.num-cell')
    .evaluateAll((tds) => tds.map((td) => td.innerText.trim().split('\n')[0].trim()).filter((s) => s !== '—'))
  assert.ok(amounts.length > 40, `${amounts.length} figures in the team table`)
  const pdf = await page.pdf({ format: 'A4', printBackground: true })
  const lines = (await pdfLines(pdf)).lines.map((l) => l.replace(/\s+/g, ''))
  const missing = [...new Set(amounts)].filter((a) => !lines.some((l) => l.includes(a.replace(/\s+/g, ''))))
  assert.deepEqual(missing, [], `figures split or missing in the PDF text (${lines.length} lines)`)
})

e2e('on a phone the wide tables show that they go on', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await openReport(page)
  const box = page.getByTestId('report-teams-table')
  const state = await eventually(async () => {
    const s = await box.evaluate((el) => ({
      scrolls: el.scrollWidth > el.clientWidth,
      cut: el.parentElement.dataset.cut,
      sticky: getComputedStyle(el.querySelector('tbody td')).position,
    }))
    assert.deepEqual(s, { scrolls: true, cut: 'true', sticky: 'sticky' })
    return s
  })
  assert.ok(state.scrolls)
  const dir = process.env.SCREENS_DIR
  if (dir) {
    fs.mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: path.join(dir, 'report-375.png'), fullPage: true })
    await box.scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(dir, 'report-375-table.png') })
  }
})
