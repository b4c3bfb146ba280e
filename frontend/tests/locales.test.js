// The messages: ko.json and en.json hold the same keys; every key the code
// asks for exists; templates hold no words of their own and never v-html.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'vue/compiler-sfc'
import ko from '../src/locales/ko.json'
import en from '../src/locales/en.json'
import { KINDS, ROLES, STATUSES } from '../src/constants.js'

const SRC = join(import.meta.dirname, '..', 'src')

function flatten(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? flatten(v, prefix + k + '.') : [[prefix + k, v]],
  )
}

function files(dir, exts) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return files(p, exts)
    return exts.some((e) => name.endsWith(e)) ? [p] : []
  })
}

const koKeys = new Map(flatten(ko))
const enKeys = new Map(flatten(en))
const sources = files(SRC, ['.vue', '.js'])

describe('locale files', () => {
  it('ko.json and en.json have exactly the same keys', () => {
    const onlyKo = [...koKeys.keys()].filter((k) => !enKeys.has(k))
    const onlyEn = [...enKeys.keys()].filter((k) => !koKeys.has(k))
    expect({ onlyKo, onlyEn }).toEqual({ onlyKo: [], onlyEn: [] })
  })

  it('every message is a non-empty string with the same placeholders in both', () => {
    const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const problems = []
    for (const [k, v] of koKeys) {
      const e = enKeys.get(k)
      if (typeof v !== 'string' || !v.trim()) problems.push('ko empty: ' + k)
      if (typeof e !== 'string' || !e.trim()) problems.push('en empty: ' + k)
      else if ([...new Set(placeholders(v))].join() !== [...new Set(placeholders(e))].join()) problems.push('placeholders differ: ' + k)
      // "@" starts a linked message in vue-i18n and would break the text
      if (/@/.test(v) || /@/.test(e || '')) problems.push('"@" in ' + k)
    }
    expect(problems).toEqual([])
  })

  it('every key the code names exists', () => {
    const missing = []
    for (const file of sources) {
      const text = readFileSync(file, 'utf8')
      const found = [
        ...[...text.matchAll(/\bte?\(\s*'([A-Za-z][\w.]*)'\s*[,)]/g)].map((m) => m[1]),
        ...[...text.matchAll(/\b(?:title|label): '([a-z][A-Za-z]*\.[\w.]+)'/g)].map((m) => m[1]),
      ]
      for (const key of found) if (!koKeys.has(key)) missing.push(`${relative(SRC, file)}: ${key}`)
    }
    expect(missing).toEqual([])
  })

  it('the keys built from values exist for every value', () => {
    const want = [
      ...STATUSES.map((s) => 'status.' + s),
      ...KINDS.map((k) => 'kinds.' + k),
      ...ROLES.map((r) => 'roles.' + r),
      ...['all', 'online', 'offline'].map((c) => 'channels.' + c),
      ...['planning', 'active', 'closed'].map((s) => 'programStatus.' + s),
      ...['ko', 'en'].map((l) => 'lang.' + l),
      ...['planning', 'execution', 'results', 'collaboration'].map((c) => 'rubric.' + c),
      ...['submit', 'confirm', 'approve', 'return'].map((a) => 'sales.done.' + a),
      ...['submit', 'approve', 'return'].map((a) => 'metrics.done.' + a),
      ...['approve', 'return'].map((a) => 'review.done.' + a),
      ...['spend_krw', 'impressions', 'clicks', 'conversions', 'revenue_krw', 'viewers', 'peak_viewers', 'likes', 'comments', 'duration_min'].map(
        (f) => 'metrics.fields.' + f,
      ),
    ]
    expect(want.filter((k) => !koKeys.has(k))).toEqual([])
  })
})

describe('templates', () => {
  const vueFiles = sources.filter((f) => f.endsWith('.vue'))
  const words = /[A-Za-z\u3131-\uD79D]/
  const textAttrs = new Set(['placeholder', 'title', 'aria-label', 'alt', 'label', 'aria-description'])

  function walk(node, file, out) {
    if (node.type === 2 && words.test(node.content)) out.push(`${file}: text "${node.content.trim()}"`)
    if (node.type === 1) {
      for (const p of node.props || []) {
        if (p.type === 6 && textAttrs.has(p.name) && p.value && words.test(p.value.content)) out.push(`${file}: ${p.name}="${p.value.content}"`)
        if (p.type === 7 && p.name === 'html') out.push(`${file}: v-html`)
      }
    }
    for (const child of node.children || []) walk(child, file, out)
  }

  it('hold no text outside the locale files and never use v-html', () => {
    const problems = []
    for (const file of vueFiles) {
      const { descriptor } = parse(readFileSync(file, 'utf8'), { filename: file })
      if (descriptor.template) walk(descriptor.template.ast, relative(SRC, file), problems)
    }
    expect(problems).toEqual([])
  })

  it('no code sets innerHTML or evaluates strings', () => {
    const bad = sources.filter((f) => /innerHTML|outerHTML|new Function\(|\beval\(/.test(readFileSync(f, 'utf8')))
    expect(bad).toEqual([])
  })
})
