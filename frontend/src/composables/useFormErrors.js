import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from '../api/client.js'
import { errorMessage, fieldMessage } from '../api/messages.js'

/** useFormErrors keeps a form's errors: one per field (shown beside the
 * field, from the API's `fields`) and one for the form as a whole. */
export function useFormErrors() {
  const { t } = useI18n()
  const fields = reactive({})
  const message = ref('')

  function clear() {
    for (const k of Object.keys(fields)) delete fields[k]
    message.value = ''
  }

  function capture(err) {
    clear()
    if (err instanceof ApiError && err.fields && Object.keys(err.fields).length) {
      for (const [k, v] of Object.entries(err.fields)) fields[k] = fieldMessage(t, v)
    }
    message.value = errorMessage(t, err)
  }

  return { fields, message, clear, capture }
}
