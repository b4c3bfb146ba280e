import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse } from './helpers.js'

async function freshSession() {
  vi.resetModules()
  return import('../src/stores/session.js')
}

beforeEach(() => localStorage.clear())
afterEach(() => vi.unstubAllGlobals())

describe('session', () => {
  it('does not try a refresh for a browser that never logged in', async () => {
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const s = await freshSession()
    await s.restoreSession()
    expect(fetchMock).not.toHaveBeenCalled()
    expect(s.session.user).toBe(null)
    expect(s.session.ready).toBe(true)
  })

  it('restores the session from the refresh cookie after a login', async () => {
    const user = { id: 3, name: '박서연', role: 'student', locale: 'ko' }
    const fetchMock = vi.fn(async (url) => {
      if (url === '/api/v1/auth/login') return jsonResponse(200, { access_token: 'a1', token_type: 'Bearer', expires_in: 900, user })
      if (url === '/api/v1/auth/refresh') return jsonResponse(200, { access_token: 'a2', token_type: 'Bearer', expires_in: 900, user })
      if (url === '/api/v1/me') return jsonResponse(200, user)
      return jsonResponse(404, { error: { code: 'not_found', message: '' } })
    })
    vi.stubGlobal('fetch', fetchMock)
    let s = await freshSession()
    await s.login('student@demo.nalgae.kr', 'pw')
    expect(s.session.user.name).toBe('박서연')

    // a page load: memory is gone, the cookie (and the hint) remain
    s = await freshSession()
    await s.restoreSession()
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/me'])
    expect(fetchMock.mock.calls[2][1].headers.Authorization).toBe('Bearer a2')
    expect(s.session.user.id).toBe(3)
  })

  it('switching the language is remembered and saved to the account', async () => {
    const user = { id: 3, name: 'S', role: 'student', locale: 'ko' }
    const fetchMock = vi.fn(async (url, init) => {
      if (url === '/api/v1/auth/login') return jsonResponse(200, { access_token: 'a1', user })
      if (url === '/api/v1/me' && init.method === 'PATCH') return jsonResponse(200, { ...user, locale: JSON.parse(init.body).locale })
      return jsonResponse(404, { error: { code: 'not_found', message: '' } })
    })
    vi.stubGlobal('fetch', fetchMock)
    const s = await freshSession()
    await s.login('s@demo.nalgae.kr', 'pw')
    await s.changeLocale('en')
    expect(localStorage.getItem('nalgae.locale')).toBe('en')
    expect(s.session.user.locale).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })
})
