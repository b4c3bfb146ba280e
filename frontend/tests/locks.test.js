// The lock rules the app uses to hide actions the server would refuse
// (409 locked), checked against SPEC §11.3's cases.
import { describe, expect, it } from 'vitest'
import { entryLocked, overlaps, salesLocked, standingLocks } from '../src/locks.js'

const pub = (over) => ({ id: 1, from: null, to: null, kind: '', unlocked_at: null, ...over })
const entry = (date, status = 'approved') => ({ date, status })
const sale = (period_start, period_end, status = 'approved') => ({ period_start, period_end, status })

describe('standingLocks', () => {
  it('leaves out publications an admin unlocked', () => {
    const a = pub({ id: 1 })
    const b = pub({ id: 2, unlocked_at: '2026-12-01T00:00:00Z' })
    expect(standingLocks([a, b])).toEqual([a])
    expect(standingLocks(null)).toEqual([])
  })
})

describe('overlaps', () => {
  it.each([
    [null, null, '2026-01-01', '2026-01-01', true],
    ['2026-10-01', '2026-10-31', '2026-10-01', '2026-10-01', true],
    ['2026-10-01', '2026-10-31', '2026-10-31', '2026-10-31', true],
    ['2026-10-01', '2026-10-31', '2026-09-30', '2026-09-30', false],
    ['2026-10-01', '2026-10-31', '2026-11-01', '2026-11-01', false],
    ['2026-10-01', null, '2030-01-01', '2030-01-01', true],
    [null, '2026-10-31', '2020-01-01', '2020-01-01', true],
    ['2026-10-01', '2026-10-31', '2026-09-15', '2026-10-01', true],
    ['2026-10-01', '2026-10-31', '2026-10-31', '2026-11-15', true],
    ['2026-10-01', '2026-10-31', '2026-09-01', '2026-09-30', false],
  ])('%s–%s meets %s–%s: %s', (from, to, start, end, want) => {
    expect(overlaps(from, to, start, end)).toBe(want)
  })
})

describe('entryLocked', () => {
  const locks = [pub({ from: '2026-10-01', to: '2026-10-31', kind: 'search_ad' })]
  it('locks an approved entry of the kind within the period', () => {
    expect(entryLocked(locks, 'search_ad', entry('2026-10-15'))).toBe(true)
  })
  it('leaves entries of another kind, outside the period, or not approved', () => {
    expect(entryLocked(locks, 'live_commerce', entry('2026-10-15'))).toBe(false)
    expect(entryLocked(locks, 'search_ad', entry('2026-11-01'))).toBe(false)
    for (const s of ['draft', 'submitted', 'returned']) expect(entryLocked(locks, 'search_ad', entry('2026-10-15', s))).toBe(false)
  })
  it('a publication without kind or dates locks every approved entry', () => {
    expect(entryLocked([pub()], 'sns', entry('2019-01-01'))).toBe(true)
    expect(entryLocked([], 'sns', entry('2019-01-01'))).toBe(false)
  })
})

describe('salesLocked', () => {
  it('locks an approved record whose period overlaps, whatever the publication kind', () => {
    const locks = [pub({ from: '2026-10-01', to: '2026-10-31', kind: 'search_ad' })]
    expect(salesLocked(locks, sale('2026-09-01', '2026-10-01'))).toBe(true)
    expect(salesLocked(locks, sale('2026-09-01', '2026-09-30'))).toBe(false)
    expect(salesLocked(locks, sale('2026-10-05', '2026-10-06', 'submitted'))).toBe(false)
  })
})
