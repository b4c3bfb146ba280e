// Reading a publication in the browser: the hash is recomputed from the
// bytes and compared with the recorded one; the period and the suppressed
// kinds are read from the frozen report as the print view states them.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hex, kindBlocks, period, readPublication, sha256Hex, shareURL } from '../src/publication.js'

const encode = (s) => new TextEncoder().encode(s)
const nodeSha = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex')

describe('sha256Hex', () => {
  it('is the lowercase hex SHA-256 of the bytes, as sha256sum prints it', async () => {
    for (const text of ['', 'abc', '{"title":"참여 업체 1"}', 'x'.repeat(10000)]) {
      const bytes = encode(text)
      expect(await sha256Hex(bytes)).toBe(nodeSha(bytes))
    }
  })
  it('is null where the browser has no Web Crypto', async () => {
    expect(await sha256Hex(encode('abc'), null)).toBeNull()
  })
  it('hex pads every byte to two digits', () => {
    expect(hex(new Uint8Array([0, 1, 15, 16, 255]).buffer)).toBe('00010f10ff')
  })
})

describe('readPublication', () => {
  const body = '{"program_name":"부산","teams":[],"filters":{"lang":"ko"}}'
  const bytes = encode(body)
  it('verifies bytes whose hash is the recorded one (any letter case)', async () => {
    const r = await readPublication(bytes, nodeSha(bytes).toUpperCase())
    expect(r).toEqual({ report: JSON.parse(body), sha256: nodeSha(bytes), verified: true })
  })
  it('says so when the bytes were changed on the way', async () => {
    const other = encode(body.replace('부산', '서울'))
    const r = await readPublication(other, nodeSha(bytes))
    expect(r.verified).toBe(false)
    expect(r.sha256).toBe(nodeSha(other))
  })
  it('cannot tell without Web Crypto, and shows the recorded hash', async () => {
    const r = await readPublication(bytes, nodeSha(bytes), null)
    expect(r.verified).toBeNull()
    expect(r.sha256).toBe(nodeSha(bytes))
  })
  it('cannot tell without a recorded hash, and shows the computed one', async () => {
    const r = await readPublication(bytes, null)
    expect(r.verified).toBeNull()
    expect(r.sha256).toBe(nodeSha(bytes))
  })
})

describe('period', () => {
  it('is the filter when the publication had dates', () => {
    expect(period({ filters: { from: '2026-10-01', to: null }, series: [{ date: '2026-09-01' }] })).toEqual({ from: '2026-10-01', to: null, filtered: true })
  })
  it('is the first and last day of the results otherwise', () => {
    const series = [{ date: '2026-10-03' }, { date: '2026-09-01' }, { date: '2026-11-20' }]
    expect(period({ filters: { from: null, to: null }, series })).toEqual({ from: '2026-09-01', to: '2026-11-20', filtered: false })
  })
  it('is empty without results', () => {
    expect(period({})).toEqual({ from: null, to: null, filtered: false })
  })
})

describe('kindBlocks', () => {
  it('separates suppressed kinds (with their team count) from shown ones, in the app order', () => {
    const report = {
      by_kind: {
        sns: { roas_pct: null },
        live_commerce: { suppressed: true, teams: 2 },
        search_ad: { roas_pct: 202 },
        short_clip: { suppressed: true, teams: 1 },
      },
    }
    expect(kindBlocks(report)).toEqual({
      shown: ['search_ad', 'sns'],
      suppressed: [
        { kind: 'live_commerce', teams: 2 },
        { kind: 'short_clip', teams: 1 },
      ],
    })
    expect(kindBlocks({})).toEqual({ shown: [], suppressed: [] })
  })
})

describe('shareURL', () => {
  it('is /p/<token> on this site', () => {
    expect(shareURL('https://nalgae.example.kr/', 'Ab-_9')).toBe('https://nalgae.example.kr/p/Ab-_9')
  })
})
