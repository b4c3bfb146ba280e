import { computed, inject, provide, ref, watch } from 'vue'
import { api, getAll } from '../api/client.js'
import { standingLocks } from '../locks.js'
import { session } from '../stores/session.js'

const KEY = Symbol('programState')

/** useProgramState loads what a page needs to know before it offers a
 * change (SPEC §11.3): whether the program is closed, and the standing
 * publications that lock approved results. Only staff may list
 * publications; for everyone else there are no locks to show (they cannot
 * change approved results anyway). It is provided to the page's panels. */
export function useProgramState(programId) {
  const program = ref(null)
  const locks = ref([])
  async function load() {
    const id = programId.value
    if (!id) return
    const [p, pubs] = await Promise.all([
      api.get(`/programs/${id}`).catch(() => null),
      ['admin', 'professor', 'city'].includes(session.user?.role) ? getAll(`/programs/${id}/publications`).catch(() => []) : [],
    ])
    if (id !== programId.value) return
    program.value = p
    locks.value = standingLocks(pubs)
  }
  watch(programId, load, { immediate: true })
  const state = { program, locks, closed: computed(() => program.value?.status === 'closed'), reload: load }
  provide(KEY, state)
  return state
}

/** programState is the state a page provided; a panel outside such a page
 * sees an open program without locks. */
export function programState() {
  return inject(KEY, { program: ref(null), locks: ref([]), closed: computed(() => false), reload: async () => {} })
}
