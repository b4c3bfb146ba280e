// Reading a publication (SPEC §11.2) in the browser: its bytes are checked
// against the recorded SHA-256 before they are shown, and the few facts the
// print view states (period, suppressed kinds, share link) are read the same
// way on the public page and in the app.
import { KINDS } from './constants.js'

/** hex writes bytes as lowercase hexadecimal, as the server records sha256. */
export function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** sha256Hex is the SHA-256 of bytes, or null where the browser cannot
 * compute it (no Web Crypto outside a secure context). */
export async function sha256Hex(bytes, subtle = globalThis.crypto?.subtle) {
  if (!subtle) return null
  return hex(await subtle.digest('SHA-256', bytes))
}

/** readPublication decodes a publication's bytes and checks them against
 * the recorded hash: verified is true when they match, false when they do
 * not, null when the browser could not tell. */
export async function readPublication(bytes, recorded, subtle) {
  const text = new TextDecoder().decode(bytes)
  const report = JSON.parse(text)
  const computed = await sha256Hex(bytes, subtle)
  const sha256 = computed || recorded || ''
  const verified = computed && recorded ? computed === recorded.toLowerCase() : null
  return { report, sha256, verified }
}

/** period is what a publication covers: its filter's dates when it had
 * them, else the first and last day of its results (null when none). */
export function period(report) {
  const f = report.filters || {}
  if (f.from || f.to) return { from: f.from || null, to: f.to || null, filtered: true }
  const days = (report.series || []).map((p) => p.date).filter(Boolean).sort()
  if (!days.length) return { from: null, to: null, filtered: false }
  return { from: days[0], to: days[days.length - 1], filtered: false }
}

/** kindBlocks splits a report's by_kind into the kinds it shows and the
 * kinds suppressed for small counts ({kind, teams}), in the app's order. */
export function kindBlocks(report) {
  const byKind = report.by_kind || {}
  const shown = []
  const suppressed = []
  for (const k of KINDS) {
    const b = byKind[k]
    if (!b) continue
    if (b.suppressed) suppressed.push({ kind: k, teams: b.teams })
    else shown.push(k)
  }
  return { shown, suppressed }
}

/** shareURL is the public page of a share token on this site. */
export function shareURL(origin, token) {
  return `${origin.replace(/\/+$/, '')}/p/${encodeURIComponent(token)}`
}
