// Locks and closing in the app (SPEC §11.3): after a publication the
// approved entries it published show a lock and offer no edit or return;
// an admin lifts the locks with a reason, the edit works and the
// publication counts it; a closed program says so and offers no change
// until an admin reopens it.
import assert from 'node:assert/strict'
import { apiCall, apiToken, e2e, eventually, expectPath, expectText, ko, login, msg, useServer } from './harness.js'

useServer()

/** approvedCampaign finds a campaign of the student's team with approved entries. */
async function approvedCampaign(token) {
  const teams = await apiCall(token, 'GET', '/teams')
  for (const team of teams.items) {
    const campaigns = await apiCall(token, 'GET', `/teams/${team.id}/campaigns?limit=500`)
    for (const c of campaigns.items) {
      const entries = await apiCall(token, 'GET', `/campaigns/${c.id}/metrics?limit=500`)
      const approved = entries.items.filter((e) => e.status === 'approved')
      if (approved.length) return { team, campaign: c, approved }
    }
  }
  throw new Error('no campaign with approved entries in the demo')
}

/** rowsOf reads the entries table: each row's date, whether it shows a lock
 * and which buttons it offers. */
async function rowsOf(page) {
  return page.getByTestId('entries-table').evaluate((box) =>
    [...box.querySelectorAll('tbody tr')].map((tr) => ({
      date: tr.querySelector('td').innerText.trim(),
      status: tr.querySelector('[data-status]')?.dataset.status,
      locked: !!tr.querySelector('[data-testid="lock-badge"]'),
      buttons: [...tr.querySelectorAll('button')].map((b) => b.innerText.trim()),
    })),
  )
}

e2e('published entries are locked until an admin lifts the locks; the edit then counts', async ({ newPage }) => {
  const prof = await apiToken('professor')
  const student = await apiToken('student')
  const { team, campaign, approved } = await approvedCampaign(student)
  const pub = await apiCall(prof, 'POST', `/programs/${team.program_id}/publications`, { title: '잠금 확인', lang: 'ko' })

  const page = await newPage()
  await login(page, 'professor')
  await page.goto(`/campaigns/${campaign.id}`)
  await page.getByTestId('entries-table').waitFor()
  const rows = await eventually(async () => {
    const r = await rowsOf(page)
    assert.ok(r.some((x) => x.locked), 'a locked row')
    return r
  })
  for (const r of rows) {
    assert.equal(r.locked, r.status === 'approved', `${r.date} (${r.status}) locked: ${r.locked}`)
    if (r.locked) {
      assert.ok(!r.buttons.includes(ko.common.edit), `${r.date}: no edit on a locked row`)
      assert.ok(!r.buttons.includes(ko.review.return), `${r.date}: no return on a locked row`)
    }
  }

  // The server agrees: an edit of a locked entry is 409 locked.
  const entry = approved[0]
  const res = await fetch(new URL(`/api/v1/metrics/${entry.id}`, page.url()), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${prof}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spend_krw: entry.spend_krw + 1000, version: entry.version }),
  })
  assert.equal(res.status, 409)
  assert.equal((await res.json()).error.code, 'locked')

  // An admin lifts the locks with a reason, on the publications page.
  const admin = await newPage()
  await login(admin, 'admin')
  await admin.goto(`/programs/${team.program_id}/publications`)
  await expectText(admin.getByTestId(`publication-${pub.id}`).getByTestId('pub-lock'), ko.publications.locking)
  await admin.getByTestId('unlock-open').click()
  await admin.getByTestId('unlock-confirm').click()
  await expectText(admin.getByTestId('unlock').locator('[data-testid="field-error"]'), ko.errors.field.required)
  await admin.getByLabel(ko.publications.unlockReason).fill('보도자료 뒤 영수증 대조로 10월 광고비 정정')
  await admin.getByTestId('unlock-confirm').click()
  await expectText(admin.getByTestId(`publication-${pub.id}`).getByTestId('pub-lock'), msg(ko, 'publications.unlockedAt', { at: '' }).trim())

  // The professor's page shows no lock any more, and the edit works.
  await page.reload()
  await page.getByTestId('entries-table').waitFor()
  await eventually(async () => {
    const r = await rowsOf(page)
    assert.ok(r.length > 0 && r.every((x) => !x.locked), 'no lock after the unlock')
    assert.ok(r.filter((x) => x.status === 'approved').every((x) => x.buttons.includes(ko.common.edit)), 'approved rows can be edited')
  })
  const fresh = await apiCall(prof, 'GET', `/metrics/${entry.id}`)
  await apiCall(prof, 'PATCH', `/metrics/${entry.id}`, { spend_krw: fresh.spend_krw + 1000, version: fresh.version })
  await admin.reload()
  await expectText(admin.getByTestId(`publication-${pub.id}`).getByTestId('pub-edits'), /^1\b/)
  await expectText(admin.getByTestId(`publication-${pub.id}`).getByTestId('pub-edits'), ko.publications.changedSince)
}, { timeout: 120_000 })

e2e('a closed program says so and offers no change until an admin reopens it', async ({ newPage }) => {
  const student = await apiToken('student')
  const { team, campaign } = await approvedCampaign(student)

  const admin = await newPage()
  await login(admin, 'admin')
  await admin.goto(`/programs/${team.program_id}`)
  await admin.getByTestId('program-close').click()
  await admin.getByTestId('program-status-dialog').getByTestId('dialog-confirm').click()
  await admin.getByTestId('program-closed').waitFor()
  await admin.getByTestId('program-reopen').waitFor()

  const page = await newPage()
  await login(page, 'student')
  await page.goto(`/teams/${team.id}`)
  await expectText(page.getByTestId('program-closed'), ko.locks.closedTitle)
  await page.getByTestId('campaign-table').waitFor()
  assert.equal(await page.getByTestId('campaign-new').count(), 0, 'no new campaign')
  assert.equal(await page.getByTestId('sales-add').count(), 0, 'no new sales record')
  await page.goto(`/campaigns/${campaign.id}`)
  await page.getByTestId('entries-table').waitFor()
  await page.getByTestId('program-closed').waitFor()
  assert.equal(await page.getByTestId('log-today').count(), 0, 'no quick log form')
  const buttons = (await rowsOf(page)).flatMap((r) => r.buttons)
  assert.deepEqual(buttons, [], 'no row action in a closed program')

  // The admin reopens it; the student's page offers work again.
  await admin.getByTestId('program-reopen').click()
  await admin.getByTestId('program-status-dialog').getByTestId('dialog-confirm').click()
  await admin.getByTestId('program-close').waitFor()
  await page.reload()
  await page.getByTestId('log-today').waitFor()
  assert.equal(await page.getByTestId('program-closed').count(), 0)
  await expectPath(page, /^\/campaigns\/\d+$/)
}, { timeout: 120_000 })
