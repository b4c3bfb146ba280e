// Every field message the server writes (models/, api/) has Korean words in
// the app: no English sentence reaches the Korean UI (SPEC §7).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fieldMessage } from '../src/api/messages.js'
import { createAppI18n } from '../src/i18n.js'

const root = path.resolve(__dirname, '../..')

function goSources(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? goSources(path.join(dir, e.name)) : e.name.endsWith('.go') && !e.name.endsWith('_test.go') ? [path.join(dir, e.name)] : []))
}

// The messages given with a field: p.Add/Check/Addf(…, "field", "message")
// and Invalid("field", "message"); a format verb stands for a number.
function serverFieldMessages() {
  const out = new Set()
  for (const file of [...goSources(path.join(root, 'models')), ...goSources(path.join(root, 'api'))]) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!/\.(Add|Addf|Check)\(|Invalid\(/.test(line)) continue
      for (const m of line.matchAll(/"[a-z_]+", "([^"]+)"/g)) out.add(m[1].replace(/%[dv]/g, '1').replace(/%s/g, 'x'))
    }
  }
  return [...out]
}

describe('server field messages', () => {
  it('are all translated', () => {
    const { t } = createAppI18n('ko').global
    const messages = serverFieldMessages()
    expect(messages.length).toBeGreaterThan(25)
    const untranslated = messages.filter((m) => fieldMessage(t, m) === m || /[a-z]{3,}/i.test(fieldMessage(t, m).replace(/\(예: [^)]*\)/, '')))
    expect(untranslated).toEqual([])
  })
})
