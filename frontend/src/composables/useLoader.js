import { ref } from 'vue'

/** useLoader runs an async loader and keeps its result, whether it is still
 * loading and its error, for LoadingState / ErrorState / EmptyState. */
export function useLoader(fn) {
  const data = ref(null)
  const loading = ref(false)
  const error = ref(null)
  let seq = 0

  async function load(...args) {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const result = await fn(...args)
      if (mine === seq) data.value = result
    } catch (err) {
      if (mine === seq) error.value = err
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { data, loading, error, load }
}
