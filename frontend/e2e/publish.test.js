// Publishing results (SPEC §11): the merchant decides on a phone whether it
// may be named; a professor publishes the report and shares it; a browser
// that never logged in reads it with the consenting merchants named and the
// others as 참여 업체 n, prints it to an A4 PDF that holds the figures and
// the hash; the downloaded report.json hashes to the recorded sha256; after
// revocation the link finds nothing.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { PHONE, apiCall, apiToken, assertNoSidewaysScroll, e2e, en, eventually, expectPath, expectText, ko, login, msg, pdfLines, useServer } from './harness.js'

useServer()

e2e('the merchant says yes or no to being named, on a phone', async ({ newPage }) => {
  const page = await newPage({ viewport: PHONE })
  await login(page, 'merchant')
  await expectPath(page, /^\/store$/)
  // the demo merchant is in this year's program and last year's closed one:
  // one yes/no each; this test changes this year's
  const programs = await apiCall(await apiToken('merchant'), 'GET', '/programs')
  const active = programs.items.find((p) => p.status === 'active')
  const card = page.getByTestId('consent')
  await card.waitFor()
  await expectText(card, msg(ko, 'consent.explain'))
  const panel = card.getByTestId(`consent-${active.id}`)
  const state = panel.getByTestId('consent-state')
  // the demo's owner of 이도공감 agreed
  await expectText(state, msg(ko, 'consent.now', { state: ko.consent.granted }))
  const yes = panel.getByRole('radio', { name: ko.consent.yes })
  const no = panel.getByRole('radio', { name: ko.consent.no })
  assert.ok(await yes.isChecked())
  await panel.scrollIntoViewIfNeeded()
  await assertNoSidewaysScroll(page, 'store page with consent')

  await no.check()
  await expectText(state, msg(ko, 'consent.now', { state: ko.consent.notGranted }))
  await page.reload()
  await expectText(state, msg(ko, 'consent.now', { state: ko.consent.notGranted }))
  assert.ok(await no.isChecked(), 'the "no" stays after a reload')

  // back to yes, as the demo has it (the next test relies on it)
  await yes.check()
  await expectText(state, msg(ko, 'consent.now', { state: ko.consent.granted }))
})

e2e('a professor publishes the report; the public link names only who agreed, prints, verifies, and ends', async ({ newPage }) => {
  const prof = await apiToken('professor')
  const programs = await apiCall(prof, 'GET', '/programs')
  const programId = programs.items[0].id
  const live = await apiCall(prof, 'GET', `/programs/${programId}/report?lang=ko`)
  const teams = await apiCall(prof, 'GET', `/programs/${programId}/teams?limit=500`)
  // who agreed, from the API (the demo: 이도공감 by its owner, 아뮤즈마켓 on paper)
  const agreed = new Set()
  for (const tm of teams.items) {
    const c = await apiCall(prof, 'GET', `/merchants/${tm.merchant_id}/consents`)
    if (c.items.some((x) => x.program_id === programId && x.granted)) agreed.add(tm.merchant_id)
  }
  const named = live.teams.filter((tm) => agreed.has(teams.items.find((x) => x.id === tm.team_id).merchant_id)).map((tm) => tm.merchant_name)
  const hidden = live.teams.map((tm) => tm.merchant_name).filter((n) => !named.includes(n))
  assert.deepEqual(named.sort(), ['아뮤즈마켓', '이도공감'])
  assert.ok(hidden.length >= 3, `merchants without consent: ${hidden}`)

  // The professor publishes from the report page, with its filters.
  const page = await newPage()
  await login(page, 'professor')
  await page.goto(`/programs/${programId}/report`)
  await page.getByTestId('report-teams-table').waitFor()
  await page.getByTestId('report-publish').click()
  await expectPath(page, new RegExp(`^/programs/${programId}/publications$`))
  const title = page.getByTestId('pub-title-input')
  await eventually(async () => assert.ok((await title.inputValue()).length > 0, 'the title is prefilled'))
  await title.fill('2026 부산 디지털 전환 성과 (보도자료)')
  await page.getByTestId('pub-create').click()
  await page.getByTestId('publish-dialog').getByTestId('dialog-confirm').click()
  const item = page.locator('[data-testid^="publication-"]').first()
  await expectText(item, '2026 부산 디지털 전환 성과 (보도자료)')
  const sha = (await item.getByTestId('pub-sha').innerText()).trim()
  assert.match(sha, /^[0-9a-f]{64}$/)
  await expectText(item.getByTestId('pub-edits'), '0')

  // The downloaded report.json hashes to the recorded sha256 (sha256sum).
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('pub-json').click()])
  const file = await download.path()
  const bytes = fs.readFileSync(file)
  assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), sha, 'sha256sum of report.json is the recorded hash')
  const frozen = JSON.parse(bytes.toString('utf8'))
  assert.equal(frozen.publication.title, '2026 부산 디지털 전환 성과 (보도자료)')

  // Share it and read the link.
  await item.getByTestId('pub-share-create').click()
  const linkInput = item.getByTestId('pub-link')
  await linkInput.waitFor()
  const link = await linkInput.inputValue()
  assert.match(link, /\/p\/[A-Za-z0-9_-]{32,}$/, `a share link with a long random token: ${link}`)

  // A fresh browser, never logged in, opens it.
  const reader = await newPage()
  await reader.goto(link)
  const view = reader.getByTestId('publication')
  await view.waitFor()
  await expectText(reader.getByTestId('pub-title'), '2026 부산 디지털 전환 성과 (보도자료)')
  await expectText(reader.getByTestId('pub-verified'), ko.publication.verified)
  assert.equal(await reader.getByTestId('brand').count(), 0, 'no app header')
  assert.equal(await reader.locator('a[href]').count(), 0, 'no link into the app')
  const table = reader.getByTestId('pub-teams-table')
  await table.locator('tbody tr').first().waitFor()
  const merchants = await table.locator('tbody tr td:nth-child(2)').allInnerTexts()
  for (const n of named) assert.ok(merchants.includes(n), `${n} is named: ${merchants}`)
  const anonymous = merchants.filter((m) => /^참여 업체 \d+$/.test(m))
  assert.equal(anonymous.length, hidden.length, `the others are 참여 업체 n: ${merchants}`)
  const text = await reader.locator('body').innerText()
  for (const n of hidden) assert.ok(!text.includes(n), `${n} (no consent) appears on the public page`)
  await reader.getByTestId('pub-chart-over-time').waitFor()
  await reader.getByTestId('pub-chart-before-after').waitFor()

  // Printed to an A4 PDF: the headline figures and the hash are text in it.
  const headline = []
  for (const id of ['pub-growth', 'pub-roas', 'pub-spend', 'pub-revenue']) {
    headline.push((await reader.getByTestId(id).locator('.kpi__value').innerText()).trim())
  }
  assert.ok(headline.every((v) => v !== '—'), `headline figures: ${headline}`)
  await reader.waitForTimeout(300)
  const pdf = await reader.pdf({ format: 'A4', printBackground: true })
  const { lines, pages } = await pdfLines(pdf)
  const flat = lines.map((l) => l.replace(/\s+/g, ''))
  for (const v of headline) assert.ok(flat.some((l) => l.includes(v.replace(/\s+/g, ''))), `${v} in the PDF text`)
  assert.ok(flat.some((l) => l.includes(sha)), 'the sha256 is one unbroken line of the PDF')
  for (const n of named) assert.ok(flat.some((l) => l.includes(n)), `${n} in the PDF`)
  for (const n of hidden) assert.ok(!flat.some((l) => l.includes(n)), `${n} must not be in the PDF`)
  const amounts = await table
    .locator('tbody td.num-cell')
    .evaluateAll((tds) => tds.map((td) => td.innerText.trim()).filter((s) => s !== '—'))
  const missing = [...new Set(amounts)].filter((a) => !flat.some((l) => l.includes(a.replace(/\s+/g, ''))))
  assert.deepEqual(missing, [], 'every team-table figure whole in the PDF')
  assert.ok(pages >= 2 && pages <= 8, `${pages} A4 pages`)

  // Revoked, the link finds nothing.
  await item.getByTestId('pub-revoke').click()
  await page.getByTestId('revoke-dialog').getByTestId('dialog-confirm').click()
  await item.getByTestId('pub-share-create').waitFor()
  await reader.reload()
  await reader.getByTestId('pub-missing').waitFor()
  const res = await fetch(new URL(`/api/v1/public/publications/${link.split('/p/')[1]}`, link))
  assert.equal(res.status, 404)
}, { timeout: 180_000 })

e2e('the publications page and the public page (an English publication) fit a phone', async ({ newPage }) => {
  const prof = await apiToken('professor')
  const programId = (await apiCall(prof, 'GET', '/programs')).items[0].id
  const pub = await apiCall(prof, 'POST', `/programs/${programId}/publications`, { title: 'Phone check', lang: 'en', from: '2026-10-01', to: '2026-10-31' })
  const shared = await apiCall(prof, 'POST', `/publications/${pub.id}/share`)

  const page = await newPage({ viewport: PHONE })
  await login(page, 'professor')
  await page.goto(`/programs/${programId}/publications`)
  await page.getByTestId(`publication-${pub.id}`).getByTestId('pub-link').waitFor()
  await assertNoSidewaysScroll(page, 'publications page')
  for (const label of [ko.publications.fields.title, ko.report.from, ko.report.to, ko.report.kind, ko.publications.fields.lang]) {
    assert.ok(await page.getByLabel(new RegExp('^' + label + '[\\s*]*$')).first().isVisible(), `${label} is a labelled field`)
  }

  const reader = await newPage({ viewport: PHONE, locale: null })
  await reader.goto(`/p/${shared.share_token}`)
  await reader.getByTestId('pub-teams-table').waitFor()
  await expectText(reader.getByTestId('pub-period'), '2026-10-01 ~ 2026-10-31')
  // the page speaks the publication's language, whatever the device's
  await expectText(reader.locator('#pub-sum-h'), en.report.summary)
  await expectText(reader.getByTestId('pub-teams-table'), 'Participant 1')
  await assertNoSidewaysScroll(reader, 'public page')
  await expectText(reader.getByTestId('pub-sha256'), pub.sha256)
})

e2e('a professor records a consent given on paper, with its note', async ({ newPage }) => {
  const prof = await apiToken('professor')
  const programId = (await apiCall(prof, 'GET', '/programs')).items[0].id
  const teams = (await apiCall(prof, 'GET', `/programs/${programId}/teams?limit=500`)).items.filter((tm) => !tm.comparison)
  let target = null
  for (const tm of teams) {
    const c = await apiCall(prof, 'GET', `/merchants/${tm.merchant_id}/consents`)
    if (!c.items.some((x) => x.program_id === programId && x.granted)) {
      target = tm
      break
    }
  }
  assert.ok(target, 'a merchant without consent')

  const page = await newPage()
  await login(page, 'professor')
  await page.goto(`/programs/${programId}/setup`)
  const box = page.getByTestId(`consent-${target.id}`)
  await expectText(box, msg(ko, 'consent.staffState', { state: ko.consent.notGranted }))
  await box.getByTestId(`consent-${target.id}-open`).click()
  await box.getByRole('radio', { name: ko.consent.yes }).check()
  await box.getByTestId(`consent-${target.id}-save`).click()
  // the note is required when staff record a consent
  await expectText(box.locator('[data-testid="field-error"]'), ko.errors.field.required)
  await box.getByLabel(new RegExp('^' + ko.consent.note + '[\\s*]*$')).fill('11월 3일 방문 때 서면 동의서 받음')
  await box.getByTestId(`consent-${target.id}-save`).click()
  await expectText(box, msg(ko, 'consent.staffState', { state: ko.consent.granted }))
  await expectText(box, '11월 3일 방문 때 서면 동의서 받음')
  const after = await apiCall(prof, 'GET', `/merchants/${target.merchant_id}/consents`)
  const c = after.items.find((x) => x.program_id === programId)
  assert.equal(c.granted, true)
  assert.equal(c.note, '11월 3일 방문 때 서면 동의서 받음')
})
