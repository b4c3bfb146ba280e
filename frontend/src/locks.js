// Which approved results a publication has locked (SPEC §11.3), so that the
// app shows a lock instead of offering an edit, a delete or a return that
// the server would refuse with 409 locked. The server decides; these rules
// mirror models/lock.go: a standing publication (not lifted by an admin's
// unlock) locks the approved entries of its kind (every kind when it has
// none) dated within its period, and every approved sales record whose
// period overlaps it; a period without from or to is open on that side.

/** standingLocks are the publications whose locks hold. */
export function standingLocks(publications) {
  return (publications || []).filter((p) => !p.unlocked_at)
}

/** overlaps: start–end meets from–to (either bound open when missing). */
export function overlaps(from, to, start, end) {
  if (from && end < from) return false
  if (to && start > to) return false
  return true
}

/** entryLocked: an entry of a campaign of kind is locked. */
export function entryLocked(locks, kind, entry) {
  if (!entry || entry.status !== 'approved') return false
  return locks.some((p) => (!p.kind || p.kind === kind) && overlaps(p.from, p.to, entry.date, entry.date))
}

/** salesLocked: a sales record is locked, whatever the publication's kind. */
export function salesLocked(locks, record) {
  if (!record || record.status !== 'approved') return false
  return locks.some((p) => overlaps(p.from, p.to, record.period_start, record.period_end))
}
