// How numbers, money, percentages and dates are shown. KPIs arrive unrounded
// from the server (SPEC §2); rounding for display happens here and only here.

export const NONE = '—'

const grouped = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  useGrouping: true,
})

function missing(v) {
  return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || v === ''
}

/** formatWon shows whole Korean won: 1234567 → "₩1,234,567"; null → "—". */
export function formatWon(v) {
  if (missing(v)) return NONE
  const n = Math.round(Number(v))
  if (Number.isNaN(n)) return NONE
  const sign = n < 0 ? '-' : ''
  return sign + '₩' + grouped.format(Math.abs(n))
}

/** formatPct shows a percentage to one decimal: 629 → "629.0%"; null → "—". */
export function formatPct(v) {
  if (missing(v)) return NONE
  const n = Number(v)
  if (Number.isNaN(n)) return NONE
  // half away from zero, as the server's own sentences round; no "-0.0%"
  const rounded = (Math.sign(n) * Math.round(Math.abs(n) * 10)) / 10
  return oneDecimal.format(rounded === 0 ? 0 : rounded) + '%'
}

/** formatSignedPct is a growth figure with its sign: 127 → "+127.0%". */
export function formatSignedPct(v) {
  const s = formatPct(v)
  if (s === NONE) return s
  return Number(v) > 0 && Math.round(Number(v) * 10) !== 0 ? '+' + s : s
}

/** formatNumber shows a count with thousands separators; null → "—". */
export function formatNumber(v) {
  if (missing(v)) return NONE
  const n = Number(v)
  if (Number.isNaN(n)) return NONE
  return grouped.format(Math.round(n))
}

/** formatRange writes a pair of dates as "2026-10-01 ~ 2026-10-31". */
export function formatRange(from, to) {
  if (!from || !to) return NONE
  return `${from} ~ ${to}`
}

/** formatWindows states what sales growth compared:
 * "2026-10-01 ~ 2026-10-31 vs 2026-08-31 ~ 2026-09-30" (after vs before). */
export function formatWindows(w) {
  if (!w) return NONE
  return `${formatRange(w.after_from, w.after_to)} vs ${formatRange(w.before_from, w.before_to)}`
}

const seoulDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** todayInSeoul is today's date in Asia/Seoul as YYYY-MM-DD (dates in Nalgae
 * are Seoul days, whatever the phone's time zone). */
export function todayInSeoul(now = new Date()) {
  return seoulDay.format(now)
}

/** daysAgoInSeoul is the Seoul date n days before today. */
export function daysAgoInSeoul(n, now = new Date()) {
  const [y, m, d] = todayInSeoul(now).split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d - n)).toISOString().slice(0, 10)
}

/** formatDateTime shows an RFC 3339 timestamp in Seoul time, in the UI's
 * language. */
export function formatDateTime(ts, locale = 'ko') {
  if (!ts) return NONE
  const d = new Date(ts)
  if (Number.isNaN(d.getTime())) return NONE
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ko-KR', {
    timeZone: 'Asia/Seoul',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d)
}

/** parseWhole reads a form field as a whole number: "1,200" → 1200; empty →
 * null; anything else is answered as-is so the server can say why. */
export function parseWhole(v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  const s = String(v).replace(/[,\s₩]/g, '')
  if (s === '') return null
  const n = Number(s)
  return Number.isFinite(n) ? n : s
}

/** formatWonCompact is a short amount for chart axes: ₩1,600,000 →
 * "₩160만" (ko) or "₩1.6M" (en). */
export function formatWonCompact(v, locale = 'ko') {
  if (missing(v)) return NONE
  const n = Number(v)
  const f = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'ko-KR', { notation: 'compact', maximumFractionDigits: 1 })
  return (n < 0 ? '-' : '') + '₩' + f.format(Math.abs(n))
}

/** shiftDate moves a YYYY-MM-DD date by n days (negative: earlier). */
export function shiftDate(date, n) {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** formatScore writes a 0–100 self-reliance score with one decimal. */
export function formatScore(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return NONE
  return (Math.round(v * 10) / 10).toFixed(1)
}
