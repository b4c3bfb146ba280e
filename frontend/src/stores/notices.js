// Short confirmations ("Saved", "3 entries approved") shown in a polite live
// region, so screen readers hear them too.
import { reactive } from 'vue'

export const notices = reactive({ items: [] })
let nextId = 1

export function notify(text, kind = 'ok', ms = 5000) {
  const id = nextId++
  notices.items.push({ id, text, kind })
  if (ms > 0) setTimeout(() => dismiss(id), ms)
  return id
}

export function dismiss(id) {
  const i = notices.items.findIndex((n) => n.id === id)
  if (i >= 0) notices.items.splice(i, 1)
}
