import { computed } from 'vue'
import { session } from '../stores/session.js'

/** useRole answers what the logged-in user may do, as SPEC §3 says; the
 * server decides in the end, this only hides what would be refused. */
export function useRole() {
  const role = computed(() => session.user?.role || '')
  return {
    role,
    isStaff: computed(() => role.value === 'admin' || role.value === 'professor'),
    canEditWork: computed(() => ['admin', 'professor', 'student'].includes(role.value)),
    canReview: computed(() => role.value === 'admin' || role.value === 'professor'),
    canComment: computed(() => ['admin', 'professor', 'student', 'merchant'].includes(role.value)),
    canConfirm: computed(() => ['admin', 'professor', 'merchant'].includes(role.value)),
    isAdmin: computed(() => role.value === 'admin'),
  }
}
