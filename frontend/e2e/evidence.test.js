// Evidence (SPEC §14.2): on a phone (375 px) the student attaches a PNG to a
// day's entry, the paper-clip shows its count, and an HTML page renamed .png
// is refused in words; the professor opens the file from the approval queue
// (the download is the very bytes, an attachment with nosniff) and approves
// the day.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { apiToken, e2e, eventually, expectPath, expectText, ko, login, msg, textOf, useServer, won } from './harness.js'

const env = useServer()

const PHONE = { width: 375, height: 800 }
const CAMPAIGN = '파워링크 캠핑용품 키워드' // a search-ad campaign of the 이도공감 team
const SPEND = 13_579 // the day's spend: it finds the row in both tables

// A real 2×2 PNG (red, green, blue, white).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC',
  'base64',
)
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script>광고 보고서</body></html>')

// A table's row by an amount it shows (a phone's stacked cells name
// themselves with their column's label too, so the text is matched).
const row = (page, testid, amount) => page.getByTestId(testid).locator('tbody tr').filter({ hasText: amount })

async function noSidewaysScroll(page, what) {
  await page.waitForTimeout(200)
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
  assert.ok(scrollWidth <= clientWidth, `${what}: scrollWidth ${scrollWidth} > ${clientWidth}`)
}

e2e(
  'a student attaches a photo from a phone; the professor opens it from the queue and approves',
  async ({ newPage }) => {
    assert.equal(PNG.subarray(1, 4).toString(), 'PNG')

    // The student, on a phone, logs a day on a campaign.
    const student = await newPage({ viewport: PHONE })
    await login(student, 'student')
    await expectText(student.getByTestId('team-name'), '이도공감')
    await student.getByRole('link', { name: CAMPAIGN }).click()
    await expectPath(student, /^\/campaigns\/\d+$/)
    const form = student.getByTestId('log-today')
    const field = (key) => form.getByLabel(msg(ko, 'metrics.fields.' + key), { exact: true })
    await field('spend_krw').fill(String(SPEND))
    await field('impressions').fill('2000')
    await field('clicks').fill('40')
    await field('conversions').fill('2')
    await field('revenue_krw').fill('45000')
    await form.getByRole('button', { name: msg(ko, 'metrics.log') }).click()
    const day = row(student, 'entries-table', won(SPEND))
    await expectText(day, msg(ko, 'status.draft'))
    const date = await day.getByRole('cell').first().innerText()
    assert.match(date.trim(), /\d{4}-\d{2}-\d{2}/)
    const dayDate = date.trim().match(/\d{4}-\d{2}-\d{2}/)[0]

    // No evidence yet: the paper-clip offers to attach one.
    const clip = day.getByTestId('evidence-clip')
    await expectText(clip, msg(ko, 'evidence.attach'))
    assert.equal(await clip.getAttribute('aria-label'), msg(ko, 'evidence.attachOf', { of: dayDate }))
    await clip.click()
    const panel = student.getByTestId('evidence')
    await expectText(panel.locator('h3'), msg(ko, 'evidence.titleMetric', { date: dayDate }))
    await expectText(panel.getByTestId('evidence-empty'), msg(ko, 'evidence.empty'))

    // The phone's pickers: the camera and the files, labelled, photos and PDFs.
    const camera = panel.getByLabel(msg(ko, 'evidence.camera'), { exact: true })
    assert.equal(await camera.getAttribute('type'), 'file')
    assert.equal(await camera.getAttribute('accept'), 'image/*,application/pdf')
    assert.notEqual(await camera.getAttribute('capture'), null, 'the camera picker has capture')
    const picker = panel.getByLabel(msg(ko, 'evidence.file'), { exact: true })
    assert.equal(await picker.getAttribute('accept'), 'image/*,application/pdf')

    await camera.setInputFiles({ name: '영수증.png', mimeType: 'image/png', buffer: PNG })
    await panel.getByTestId('evidence-upload').click()
    await expectText(panel.getByTestId('evidence-name'), '영수증.png')
    await expectText(panel.getByTestId('evidence-item'), 'PNG')
    await expectText(panel.getByTestId('evidence-item'), '박서연') // uploaded by: the demo student
    // The paper-clip now shows the count.
    await eventually(async () => assert.equal(await clip.getAttribute('data-count'), '1'))
    assert.equal(await textOf(clip), '1')
    assert.equal(await clip.getAttribute('aria-label'), msg(ko, 'evidence.clipOf', { of: dayDate, n: 1 }))
    await noSidewaysScroll(student, 'campaign page with the evidence open')

    // An HTML page renamed .png is refused, in words; nothing is added.
    await picker.setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: HTML })
    await panel.getByTestId('evidence-upload').click()
    await expectText(panel.getByTestId('evidence-error'), msg(ko, 'evidence.unsupported'))
    assert.equal(await panel.getByTestId('evidence-item').count(), 1)
    assert.equal(await clip.getAttribute('data-count'), '1')

    // After a reload the count comes from the list's answer.
    await student.reload()
    await expectText(row(student, 'entries-table', won(SPEND)).getByTestId('evidence-clip'), '1')
    await row(student, 'entries-table', won(SPEND)).getByTestId('entry-submit').click()
    await expectText(row(student, 'entries-table', won(SPEND)), msg(ko, 'status.submitted'))

    // The professor opens the evidence from the approval queue.
    const prof = await newPage()
    await login(prof, 'professor')
    await prof.getByTestId('review-link').click()
    await expectPath(prof, /^\/programs\/\d+\/review$/)
    const queued = row(prof, 'queue-table-metric-search_ad', won(SPEND)) // the queue's search-ad table
    await expectText(queued, CAMPAIGN)
    const queueClip = queued.locator('.clip')
    await expectText(queueClip, '1')
    await queueClip.click()
    const opened = prof.getByTestId('review-evidence')
    await expectText(opened.getByTestId('evidence-name'), '영수증.png')
    assert.equal(await opened.getByTestId('evidence-form').count(), 0, 'the queue only shows the files')
    const [download] = await Promise.all([prof.waitForEvent('download'), opened.getByTestId('evidence-download').click()])
    assert.equal(download.suggestedFilename(), '영수증.png')
    assert.deepEqual(fs.readFileSync(await download.path()), PNG, 'the download is the bytes the student attached')

    // The API answers it as an attachment of its sniffed type, nosniff.
    const token = await apiToken('professor')
    const entryId = Number((await queued.getByRole('checkbox').getAttribute('data-testid')).replace('select-metric-', ''))
    const list = await (await fetch(`${env.baseURL}/api/v1/metrics/${entryId}/evidence`, { headers: { authorization: `Bearer ${token}` } })).json()
    assert.equal(list.items.length, 1)
    assert.equal(list.items[0].size, PNG.length)
    const res = await fetch(`${env.baseURL}/api/v1/evidence/${list.items[0].id}`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'image/png')
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.match(res.headers.get('content-disposition'), /^attachment;/)
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG)

    // Then approves the day.
    await queued.getByRole('checkbox').check()
    await prof.getByTestId('approve-metric').click()
    await eventually(async () => assert.equal(await queued.count(), 0, 'the approved day leaves the queue'))
    await student.reload()
    await expectText(row(student, 'entries-table', won(SPEND)), msg(ko, 'status.approved'))
    await expectText(row(student, 'entries-table', won(SPEND)).getByTestId('evidence-clip'), '1')
  },
  { timeout: 180_000 },
)
