// Messages come only from locales/ko.json and locales/en.json; Korean is the
// default, the user's choice is remembered in localStorage.
import { createI18n } from 'vue-i18n'
import ko from './locales/ko.json'
import en from './locales/en.json'

export const LOCALES = ['ko', 'en']
const STORAGE_KEY = 'nalgae.locale'

/** storedLocale is the language the user chose on this device, or null. */
export function storedLocale() {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    return LOCALES.includes(v) ? v : null
  } catch {
    return null
  }
}

export function rememberLocale(locale) {
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function createAppI18n(locale = storedLocale() || 'ko') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'ko',
    messages: { ko, en },
    missingWarn: false,
    fallbackWarn: false,
  })
}

export const i18n = createAppI18n()

/** setLocale switches the UI language and the page's lang attribute. */
export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}
