import { describe, expect, it } from 'vitest'
import {
  NONE,
  formatNumber,
  formatPct,
  formatRange,
  formatSignedPct,
  formatWindows,
  formatWon,
  formatWonCompact,
  parseWhole,
  todayInSeoul,
} from '../src/format.js'

describe('formatWon', () => {
  it.each([
    [1234567, '₩1,234,567'],
    [0, '₩0'],
    [999, '₩999'],
    [174.6, '₩175'],
    [-5000, '-₩5,000'],
    [null, NONE],
    [undefined, NONE],
    [Number.NaN, NONE],
  ])('%s → %s', (v, want) => expect(formatWon(v)).toBe(want))
})

describe('formatPct', () => {
  it.each([
    [629, '629.0%'],
    [629.12, '629.1%'],
    [127.04999, '127.0%'],
    [1.95, '2.0%'],
    [2222.345, '2,222.3%'],
    [0, '0.0%'],
    [-0.01, '0.0%'],
    [-12.34, '-12.3%'],
    [null, NONE],
    [Number.POSITIVE_INFINITY, NONE],
  ])('%s → %s', (v, want) => expect(formatPct(v)).toBe(want))
})

describe('formatSignedPct', () => {
  it('adds a plus to growth', () => expect(formatSignedPct(127)).toBe('+127.0%'))
  it('keeps the minus of a decline', () => expect(formatSignedPct(-3.25)).toBe('-3.3%'))
  it('no sign for zero', () => expect(formatSignedPct(0.01)).toBe('0.0%'))
  it('dash for null', () => expect(formatSignedPct(null)).toBe(NONE))
})

describe('formatNumber', () => {
  it('groups thousands', () => expect(formatNumber(19573)).toBe('19,573'))
  it('dash for null', () => expect(formatNumber(null)).toBe(NONE))
})

describe('windows', () => {
  it('states after vs before', () => {
    expect(
      formatWindows({ before_from: '2026-08-31', before_to: '2026-09-30', after_from: '2026-10-01', after_to: '2026-10-31' }),
    ).toBe('2026-10-01 ~ 2026-10-31 vs 2026-08-31 ~ 2026-09-30')
  })
  it('dash without windows', () => {
    expect(formatWindows(null)).toBe(NONE)
    expect(formatRange('2026-10-01', null)).toBe(NONE)
  })
})

describe('todayInSeoul', () => {
  it('is the Seoul date, not UTC', () => {
    // 2026-10-01 16:30 UTC is already 2026-10-02 01:30 in Seoul
    expect(todayInSeoul(new Date('2026-10-01T16:30:00Z'))).toBe('2026-10-02')
    expect(todayInSeoul(new Date('2026-10-01T14:59:00Z'))).toBe('2026-10-01')
  })
})

describe('parseWhole', () => {
  it.each([
    ['1,200', 1200],
    [' 35 ', 35],
    ['₩5,000', 5000],
    ['', null],
    [null, null],
    [42, 42],
    ['abc', 'abc'],
  ])('%j → %j', (v, want) => expect(parseWhole(v)).toBe(want))
})

describe('formatWonCompact', () => {
  it('shortens large amounts', () => {
    expect(formatWonCompact(1600000, 'en')).toBe('₩1.6M')
    expect(formatWonCompact(1600000, 'ko')).toBe('₩160만')
  })
})
