// Every page each role opens, on a 375 px phone in Korean: a table wider
// than the phone scrolls sideways inside its own box and shows that it goes
// on (a shadow at the cut edge, data-cut="true", the first column stuck in
// view), or turns its rows into cards; and no English word appears on the
// page — not in its text, nor in a placeholder, a label read aloud or a
// tooltip (harness.englishWords says which Latin words may show).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { apiCall, apiToken, e2e, englishWords, login, useServer } from './harness.js'

useServer()

const PHONE = { width: 375, height: 800 }

/** settle waits until the page has no spinner and its requests are done. */
async function settle(page) {
  await page.waitForLoadState('networkidle')
  await page.getByTestId('loading').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {})
  await page.locator('main h1').first().waitFor()
  await page.waitForTimeout(300)
}

/** tableProblems lists each visible table on the page that is wider than
 * its box but does not say so, or that no box of its own holds. */
async function tableProblems(page) {
  return page.evaluate(() => {
    const problems = []
    let wide = 0
    for (const table of document.querySelectorAll('main table')) {
      if (!table.getClientRects().length) continue
      const box = table.closest('.table-scroll')
      const name = table.closest('[data-testid]')?.dataset.testid || table.querySelector('th')?.innerText || '?'
      if (!box) {
        problems.push(`${name}: not inside a scrolling box`)
        continue
      }
      if (box.scrollWidth <= box.clientWidth + 1) continue
      wide++
      const frame = box.closest('.table-frame')
      if (!frame || frame.dataset.cut !== 'true') problems.push(`${name}: scrolls but is not marked as cut`)
      const first = table.querySelector('tbody tr > :first-child')
      if (first && getComputedStyle(first).position !== 'sticky') problems.push(`${name}: its first column scrolls away`)
      if (getComputedStyle(box).overflowX !== 'auto' && getComputedStyle(box).overflowX !== 'scroll') problems.push(`${name}: cannot be scrolled`)
    }
    return { problems, wide }
  })
}

async function check(page, where, report) {
  await settle(page)
  const { problems, wide } = await tableProblems(page)
  const english = await englishWords(page.locator('body'))
  report.push({ where, wide, problems, english })
}

e2e('every page at 375 px in Korean: wide tables say they go on, and no English word shows', async ({ newPage }) => {
  const city = await apiToken('city')
  const program = (await apiCall(city, 'GET', '/programs')).items[0]
  const prof = await apiToken('professor')
  const teams = (await apiCall(prof, 'GET', `/programs/${program.id}/teams`)).items
  const ido = teams.find((tm) => tm.merchant?.name === '이도공감') || teams[0]
  const campaigns = (await apiCall(prof, 'GET', `/teams/${ido.id}/campaigns`)).items
  const byKind = (k) => campaigns.find((c) => c.kind === k)

  const visits = {
    student: [`/teams/${ido.id}`, ...['search_ad', 'live_commerce'].filter(byKind).map((k) => `/campaigns/${byKind(k).id}`)],
    professor: ['/programs', `/programs/${program.id}`, `/programs/${program.id}/review`, `/programs/${program.id}/grades`, `/teams/${ido.id}`],
    city: [`/programs/${program.id}/report`],
    merchant: ['/store'],
    admin: ['/admin/users', '/admin/programs', '/admin/merchants', `/programs/${program.id}/setup`],
  }
  const report = []
  let wideSeen = 0
  for (const [role, paths] of Object.entries(visits)) {
    const page = await newPage({ viewport: PHONE })
    await login(page, role)
    await check(page, `${role} ${new URL(page.url()).pathname}`, report)
    for (const p of paths) {
      await page.goto(p)
      await check(page, `${role} ${p}`, report)
    }
    await page.close()
  }
  for (const r of report) wideSeen += r.wide
  const bad = report.filter((r) => r.problems.length || r.english.length)
  assert.ok(wideSeen >= 5, `wide tables seen at 375 px: ${wideSeen}`)
  const lines = bad.map((r) => `${r.where}: ${[...r.problems, ...(r.english.length ? ['English: ' + r.english.join(', ')] : [])].join('; ')}`)
  assert.deepEqual(lines, [], 'pages with an unmarked wide table or English words')
}, { timeout: 240_000 })
