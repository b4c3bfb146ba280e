// What waits for the logged-in user, counted for the menu's badge (SPEC §7):
// entries and sales to review (professors, admins), returned entries and
// sales (students), sales to confirm and follow-ups due (a store's owner). Counted from the
// lists the pages themselves read, again at most every 15 s as the user
// moves between pages, and at once after an action that changes it.
import { reactive } from 'vue'
import { api, getAll } from '../api/client.js'
import { todayInSeoul } from '../format.js'

// parts: [{ kind: 'review' | 'returned' | 'confirm' | 'followups', n }]
export const waiting = reactive({ count: 0, parts: [] })
let last = 0
let running = null
let again = false

async function countFor(role) {
  switch (role) {
    case 'professor':
    case 'admin': {
      const programs = await getAll('/programs')
      const queues = await Promise.all(programs.map((p) => api.get(`/programs/${p.id}/review-queue`).catch(() => null)))
      return [{ kind: 'review', n: queues.reduce((n, q) => n + (q ? q.metrics.length + q.sales.length : 0), 0) }]
    }
    case 'student': {
      const teams = await getAll('/teams')
      const counts = await Promise.all(
        teams.map(async (tm) => {
          const campaigns = await getAll(`/teams/${tm.id}/campaigns`)
          const days = await Promise.all(campaigns.map((c) => getAll(`/campaigns/${c.id}/metrics`, { statuses: 'returned' })))
          const sales = await getAll(`/teams/${tm.id}/sales`, { statuses: 'returned' })
          return days.reduce((n, d) => n + d.length, 0) + sales.length
        }),
      )
      return [{ kind: 'returned', n: counts.reduce((a, b) => a + b, 0) }]
    }
    case 'merchant': {
      const teams = await getAll('/teams')
      const lists = await Promise.all(teams.map((tm) => getAll(`/teams/${tm.id}/sales`, { statuses: 'submitted,approved' })))
      const programs = [...new Set(teams.map((tm) => tm.program_id))]
      const followups = await Promise.all(programs.map((p) => getAll(`/programs/${p}/followups`, { state: 'open' }).catch(() => [])))
      const today = todayInSeoul()
      return [
        { kind: 'confirm', n: lists.flat().filter((s) => !s.confirmed_at).length },
        { kind: 'followups', n: followups.flat().filter((f) => f.due_on <= today).length },
      ]
    }
    default:
      return []
  }
}

/** refreshWaiting recounts for role; without force, not within 15 s of the last count. */
export function refreshWaiting(role, { force = false } = {}) {
  if (!role) {
    waiting.count = 0
    waiting.parts = []
    last = 0
    return Promise.resolve()
  }
  if (running) {
    if (force) again = true
    return running
  }
  if (!force && Date.now() - last < 15_000) return Promise.resolve()
  last = Date.now()
  running = countFor(role)
    .then((parts) => {
      waiting.parts = parts.filter((p) => p.n > 0)
      waiting.count = waiting.parts.reduce((a, p) => a + p.n, 0)
    })
    .catch(() => {}) // the badge keeps its last count
    .finally(() => {
      running = null
      if (again) {
        again = false
        refreshWaiting(role, { force: true })
      }
    })
  return running
}
