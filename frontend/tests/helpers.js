import { mount, flushPromises } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createAppI18n } from '../src/i18n.js'

/** mountWith mounts a component with the app's i18n (Korean unless told)
 * and, when asked, a memory router. */
export function mountWith(component, { props = {}, locale = 'ko', router = false, attachTo } = {}) {
  const plugins = [createAppI18n(locale)]
  if (router) {
    plugins.push(
      createRouter({
        history: createMemoryHistory(),
        routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }],
      }),
    )
  }
  return mount(component, { props, attachTo, global: { plugins } })
}

export function jsonResponse(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

export { flushPromises }
