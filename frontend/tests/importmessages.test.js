// Every message the import writes (models/imports, models/import.go) has
// words in the app: a Korean user meets no English sentence in a preview's
// errors and warnings or in a refused file's explanation (SPEC §7).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { importMessage } from '../src/api/importMessages.js'
import { createAppI18n } from '../src/i18n.js'

const root = path.resolve(__dirname, '../..')
const sources = [
  ...fs.readdirSync(path.join(root, 'models/imports')).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => path.join(root, 'models/imports', f)),
  path.join(root, 'models/import.go'),
]

// A Go format string as the server fills it: %q a quoted cell, %s a date or
// a word, %d a number, %v the cell's own error.
function filled(format) {
  return format
    .replace(/%%/g, '%')
    .replace(/%q/g, '"4O"')
    .replace(/%d/g, '12')
    .replace(/%v/g, 'is not a number')
    .replace(/%s/g, (_, i) => '2026-10-01')
}

// The messages: the first string literal of a fail/warn/Message/unsupported
// call, and the explanations a function returns.
function serverImportMessages() {
  const out = new Set()
  for (const file of sources) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /(?:\.fail\(|\.warn\(|Message: (?:fmt\.Sprintf\()?|unsupported\((?:fmt\.Sprintf\()?|return (?:fmt\.Sprintf\()?)[^"]*?"((?:[^"\\]|\\.)+)"/.exec(line)
      if (!m) continue
      const text = m[1].replace(/\\"/g, '"')
      if (!/^[A-Z"…a-z%]/.test(text) || /^%q %v$/.test(text) || text.length < 12 || text.endsWith(' ')) continue
      if (/^(load|create|find|import:|campaign program)/.test(text)) continue // wrapped internal errors, never shown
      out.add(filled(text))
    }
  }
  // messages put together from pieces
  out.add('The entry of 2026-10-01 is approved: only a professor of the program or an admin can change it')
  out.add('The sales record of 2026-10-01 to 2026-10-31 (online) is approved: only a professor of the program or an admin can change it')
  out.add('The entry of 2026-10-01 is approved: SearchAd\'s figures differ, and the approved ones are kept')
  out.add('2026-12-01 is outside the campaign\'s dates (2026-10-01 to open); imported all the same')
  out.add('"4O" is not a date (write 2025.10.08., 2025-10-08 or 20251008)')
  out.add('"4O" must be a whole number')
  out.add('"4O" is too large')
  out.add('the file has no total column for this figure, so the purchase-only one is imported as the entry\'s conversions')
  return [...out]
}

const FORMATS = /\.?\b(CSV|TSV|XLSX|xlsx|xls)\b/g

describe('import messages', () => {
  it('are all said in Korean', () => {
    const { t } = createAppI18n('ko').global
    const messages = serverImportMessages()
    expect(messages.length).toBeGreaterThan(40)
    const untranslated = messages.filter((m) => /[A-Za-z]{3,}/.test(importMessage(t, m).replace(FORMATS, '')))
    expect(untranslated).toEqual([])
  })
  it('keep the cell, the line and the dates they name', () => {
    const { t } = createAppI18n('ko').global
    expect(importMessage(t, '"4O" is not a number')).toBe('“4O”은(는) 숫자가 아닙니다.')
    expect(importMessage(t, "2026-12-01 is outside the campaign's dates (2026-10-01 to 2026-10-31); imported all the same")).toContain('2026-10-01 ~ 2026-10-31')
    expect(importMessage(t, 'line 7 already gives the sales of 2026-10-01 to 2026-10-31 (online)')).toBe('7번째 줄에 이미 2026-10-01 ~ 2026-10-31 (온라인) 매출이 있습니다.')
  })
})
