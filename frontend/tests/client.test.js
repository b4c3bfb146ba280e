import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, getAccessToken, onSessionExpired, refreshSession, setAccessToken } from '../src/api/client.js'

function json(status, body) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

// A fake API: /auth/refresh hands out "fresh"; other calls need it.
function fakeServer({ refreshOk = true, refreshDelay = 0 } = {}) {
  const calls = []
  const fetchMock = vi.fn(async (url, init) => {
    const auth = init.headers.Authorization || ''
    calls.push({ url, method: init.method, auth, credentials: init.credentials, requestedWith: init.headers['X-Requested-With'] })
    if (url === '/api/v1/auth/refresh') {
      if (refreshDelay) await new Promise((r) => setTimeout(r, refreshDelay))
      if (!refreshOk) return json(401, { error: { code: 'unauthorized', message: 'Log in again' } })
      return json(200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 900, user: { id: 1 } })
    }
    if (auth !== 'Bearer fresh') return json(401, { error: { code: 'unauthorized', message: 'expired' } })
    return json(200, { ok: true, url })
  })
  return { fetchMock, calls }
}

beforeEach(() => {
  setAccessToken('stale')
  onSessionExpired(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('api client', () => {
  it('sends JSON with the bearer token under /api/v1', async () => {
    setAccessToken('fresh')
    const { fetchMock, calls } = fakeServer()
    vi.stubGlobal('fetch', fetchMock)
    const out = await api.get('/teams', { limit: 10, cursor: undefined, statuses: ['approved', 'submitted'] })
    expect(out.ok).toBe(true)
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe('/api/v1/teams?limit=10&statuses=approved%2Csubmitted')
    expect(calls[0].auth).toBe('Bearer fresh')
    expect(calls[0].credentials).toBe('same-origin')
  })

  it('refreshes once on 401 and retries the request', async () => {
    const { fetchMock, calls } = fakeServer()
    vi.stubGlobal('fetch', fetchMock)
    const out = await api.get('/me')
    expect(out.ok).toBe(true)
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me'])
    expect(calls[1].auth).toBe('') // the refresh rides on the HttpOnly cookie
    // ...which the server lets be used only with this header (no other site can send it)
    expect(calls[1].requestedWith).toBe('nalgae')
    expect(calls[2].auth).toBe('Bearer fresh')
    expect(getAccessToken()).toBe('fresh')
  })

  it('shares one refresh between concurrent 401s', async () => {
    const { fetchMock, calls } = fakeServer({ refreshDelay: 20 })
    vi.stubGlobal('fetch', fetchMock)
    const results = await Promise.all([api.get('/teams/1'), api.get('/teams/1/kpis'), api.get('/teams/1/campaigns')])
    expect(results.every((r) => r.ok)).toBe(true)
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(calls.filter((c) => c.auth === 'Bearer fresh')).toHaveLength(3)
  })

  it('does not refresh again when another request already did', async () => {
    const { fetchMock, calls } = fakeServer()
    vi.stubGlobal('fetch', fetchMock)
    await refreshSession()
    setAccessToken('stale')
    // a request sent with the stale token answers 401 after someone else refreshed
    const p = api.get('/me')
    setAccessToken('fresh')
    await p
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1)
  })

  it('retries only once and ends the session when the refresh fails', async () => {
    const { fetchMock, calls } = fakeServer({ refreshOk: false })
    vi.stubGlobal('fetch', fetchMock)
    const expired = vi.fn()
    onSessionExpired(expired)
    const err = await api.get('/me').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(401)
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh'])
    expect(expired).toHaveBeenCalledTimes(1)
    expect(getAccessToken()).toBe(null)
  })

  it('never refreshes for a failed login', async () => {
    const fetchMock = vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'bad' } }))
    vi.stubGlobal('fetch', fetchMock)
    const err = await api.post('/auth/login', { email: 'a@b.kr', password: 'x' }).catch((e) => e)
    expect(err.status).toBe(401)
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('turns the error shape into an ApiError with fields', async () => {
    setAccessToken('fresh')
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(422, {
          error: { code: 'validation_failed', message: 'Some values are invalid; see fields.', fields: { spend_krw: 'must be ≥ 0' } },
        }),
      ),
    )
    const err = await api.post('/campaigns/1/metrics', { spend_krw: -1 }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.code).toBe('validation_failed')
    expect(err.message).toBe('Some values are invalid; see fields.')
    expect(err.fields).toEqual({ spend_krw: 'must be ≥ 0' })
  })

  it('copes with an error that is not JSON', async () => {
    setAccessToken('fresh')
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })))
    const err = await api.get('/teams').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(502)
    expect(err.fields).toEqual({})
  })

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const err = await api.get('/teams').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(0)
    expect(err.code).toBe('network')
  })

  it('answers null for 204', async () => {
    setAccessToken('fresh')
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    expect(await api.del('/comments/1')).toBe(null)
  })
})
