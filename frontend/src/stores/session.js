// The session: who is logged in. The access token lives in the API client's
// memory; on page load a refresh (HttpOnly cookie) restores the session.
import { reactive, readonly } from 'vue'
import { api, refreshSession, setAccessToken, onSessionExpired } from '../api/client.js'
import { i18n, rememberLocale, setLocale, storedLocale } from '../i18n.js'

const state = reactive({
  user: null,
  ready: false, // the first restore attempt has finished
  expired: false, // the session ended by itself (not by logout)
})

export const session = readonly(state)

// A hint (not a secret) that this browser has a refresh cookie, so that a
// visitor who never logged in is not sent a refresh that can only fail.
const HINT_KEY = 'nalgae.session'
function setHint(on) {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1')
    else localStorage.removeItem(HINT_KEY)
  } catch {
    // no storage: the refresh is simply always tried
  }
}
function hasHint() {
  try {
    return localStorage.getItem(HINT_KEY) === '1'
  } catch {
    return true
  }
}

let restoring = null
let expiredHandler = () => {}

/** whenSessionExpires sets what happens when a refresh fails (the router sends
 * the user to the login page). */
export function whenSessionExpires(fn) {
  expiredHandler = fn
}

onSessionExpired(() => {
  if (!state.user) return
  state.user = null
  state.expired = true
  setAccessToken(null)
  setHint(false)
  expiredHandler()
})

/** adoptLocale applies the language after login: a choice made on this
 * device wins (and is saved to the account), else the account's language. */
async function adoptLocale(user) {
  const chosen = storedLocale()
  if (chosen && chosen !== user.locale) {
    try {
      const updated = await api.patch('/me', { locale: chosen })
      state.user = updated
    } catch {
      // the UI language still follows the device's choice
    }
    setLocale(chosen)
  } else if (!chosen && user.locale) {
    setLocale(user.locale)
  }
}

/** restoreSession tries the refresh cookie once per page load. */
export function restoreSession() {
  if (!restoring) {
    restoring = (async () => {
      try {
        if (!hasHint()) return
        await refreshSession()
        state.user = await api.get('/me')
        await adoptLocale(state.user)
      } catch {
        state.user = null
        setAccessToken(null)
        setHint(false)
      } finally {
        state.ready = true
      }
    })()
  }
  return restoring
}

export async function login(email, password) {
  const data = await api.post('/auth/login', { email, password })
  setAccessToken(data.access_token)
  setHint(true)
  state.user = data.user
  state.expired = false
  await adoptLocale(data.user)
  return state.user
}

export async function logout() {
  try {
    await api.post('/auth/logout', {})
  } catch {
    // the cookie may already be gone; forget the session anyway
  }
  setAccessToken(null)
  setHint(false)
  state.user = null
  state.expired = false
}

/** changeLocale switches the language, remembers it on this device and, when
 * logged in, on the account. */
export async function changeLocale(locale) {
  setLocale(locale)
  rememberLocale(locale)
  if (state.user && state.user.locale !== locale) {
    try {
      state.user = await api.patch('/me', { locale })
    } catch {
      // not fatal: the device remembers the choice
    }
  }
}

export function currentLocale() {
  return i18n.global.locale.value
}

/** For tests: set the user directly. */
export function _setUser(user) {
  state.user = user
  state.ready = true
}
