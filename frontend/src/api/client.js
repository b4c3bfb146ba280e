// The one API client of the app. It knows the base path, keeps the access
// token in memory (never in storage, so a script cannot lift it from there),
// refreshes the session transparently when the token has expired, and turns
// the API's error shape {"error": {code, message, fields}} into ApiError.

export const BASE = '/api/v1'

/** ApiError is a failed API call: HTTP status, the API's stable code, its
 * message and, for validation errors, the message of each field. */
export class ApiError extends Error {
  constructor(status, code, message, fields = {}, days = []) {
    super(message || code || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code || 'unknown'
    this.fields = fields || {}
    // the locked days of a 409 locked (SPEC §11.3)
    this.days = Array.isArray(days) ? days : []
  }
}

let accessToken = null
let refreshing = null // the refresh in flight, shared by concurrent callers
let onExpired = () => {}

/** setAccessToken keeps the token of a login or refresh (null forgets it). */
export function setAccessToken(token) {
  accessToken = token || null
}

export function getAccessToken() {
  return accessToken
}

/** onSessionExpired registers what to do when the session cannot be
 * refreshed any more (the session store logs the user out). */
export function onSessionExpired(fn) {
  onExpired = fn
}

/** toApiError reads the error body of a failed response. */
export async function toApiError(response) {
  let body = null
  try {
    body = await response.json()
  } catch {
    body = null
  }
  const e = body && typeof body === 'object' ? body.error : null
  if (e && typeof e === 'object') {
    return new ApiError(response.status, e.code, e.message, e.fields, e.days)
  }
  return new ApiError(response.status, response.status === 0 ? 'network' : 'http_' + response.status, '')
}

function buildURL(path, query) {
  let url = BASE + path
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      params.set(k, Array.isArray(v) ? v.join(',') : String(v))
    }
    const qs = params.toString()
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return url
}

async function send(method, url, body, token) {
  // X-Requested-With: the server lets only requests with it use the refresh
  // cookie; a page of another site cannot add it without the server's leave.
  const headers = { Accept: 'application/json', 'X-Requested-With': 'nalgae' }
  // A FormData body goes as it is: the browser writes its multipart
  // Content-Type with the boundary, so it must not be set here.
  const form = typeof FormData !== 'undefined' && body instanceof FormData
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = 'Bearer ' + token
  try {
    return await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch (err) {
    throw new ApiError(0, 'network', err && err.message ? err.message : 'network error')
  }
}

/** refreshSession exchanges the HttpOnly refresh cookie for a new access
 * token. Concurrent callers share one request: the refresh token rotates on
 * every use, so two parallel refreshes would look like a replay. */
export function refreshSession() {
  if (!refreshing) {
    refreshing = (async () => {
      const res = await send('POST', BASE + '/auth/refresh', {}, null)
      if (!res.ok) {
        accessToken = null
        throw await toApiError(res)
      }
      const data = await res.json()
      accessToken = data.access_token
      return data
    })().finally(() => {
      refreshing = null
    })
  }
  return refreshing
}

const noRefresh = new Set(['/auth/login', '/auth/refresh', '/auth/logout'])

/** respond sends a request and answers the Response, whatever its status.
 * A 401 is answered by one refresh and one retry, so an expired access token
 * never shows; when the refresh fails too, the session has ended. */
async function respond(method, path, { body, query } = {}) {
  const url = buildURL(path, query)
  const usedToken = accessToken
  let res = await send(method, url, body, usedToken)
  if (res.status === 401 && !noRefresh.has(path)) {
    let retry = true
    if (accessToken === usedToken) {
      try {
        await refreshSession()
      } catch (err) {
        retry = false
        onExpired(err)
      }
    } // else another request refreshed meanwhile: just retry with its token
    if (retry) res = await send(method, url, body, accessToken)
  }
  return res
}

async function decode(res) {
  if (res.status === 204) return null
  const text = await res.text()
  return text ? JSON.parse(text) : null
}

/** request calls the API and answers the decoded JSON (null for 204), or
 * throws ApiError. */
export async function request(method, path, { body, query, raw = false } = {}) {
  const res = await respond(method, path, { body, query })
  if (!res.ok) throw await toApiError(res)
  // a review, a submission or a confirmation changes what waits for whom
  if (/\/(submit|approve|return|confirm|dispute|answer)$/.test(path) && typeof window !== 'undefined') window.dispatchEvent(new Event('nalgae:workflow'))
  if (raw) return res
  return decode(res)
}

/** upload posts a file as multipart/form-data in the field `field` ("file")
 * and answers the decoded JSON. An import refused for its rows answers 422
 * with the same body as its preview ({…, errors: [{line, column, message}]});
 * that answer is returned as a result, not thrown, so that the rows' errors
 * can be shown. Every other failure (413 too large, 415 not a table, 422 a
 * file for another place, …) throws ApiError. */
export async function upload(path, file, { query, field = 'file', filename } = {}) {
  const form = new FormData()
  if (filename !== undefined) form.append(field, file, filename)
  else form.append(field, file)
  const res = await respond('POST', path, { body: form, query })
  if (res.status === 422) {
    let body = null
    try {
      body = await res.clone().json()
    } catch {
      body = null
    }
    if (body && typeof body === 'object' && !body.error && Array.isArray(body.errors)) return body
  }
  if (!res.ok) throw await toApiError(res)
  return decode(res)
}

/** postImport posts a JSON body to a route that answers as an import does
 * (a SearchAd pull): like upload, an apply refused for its rows (422 with
 * the import answer) is returned, not thrown; every other failure throws. */
export async function postImport(path, body) {
  const res = await respond('POST', path, { body })
  if (res.status === 422) {
    let answer = null
    try {
      answer = await res.clone().json()
    } catch {
      answer = null
    }
    if (answer && typeof answer === 'object' && !answer.error && Array.isArray(answer.errors)) return answer
  }
  if (!res.ok) throw await toApiError(res)
  return decode(res)
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body = {}, query) => request('POST', path, { body, query }),
  patch: (path, body) => request('PATCH', path, { body }),
  put: (path, body) => request('PUT', path, { body }),
  del: (path) => request('DELETE', path),
}

/** getAll follows next_cursor until the list is complete (max 500 a page). */
export async function getAll(path, query = {}, maxPages = 20) {
  const items = []
  let cursor
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get(path, { ...query, limit: 500, cursor })
    items.push(...(page.items || []))
    if (!page.next_cursor) break
    cursor = page.next_cursor
  }
  return items
}

/** download fetches a file with the session's token and saves it, since a
 * plain link would not carry the Authorization header. */
export async function download(path, query, filename) {
  const res = await request('GET', path, { query, raw: true })
  const blob = await res.blob()
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 1000)
}

export { buildURL }
