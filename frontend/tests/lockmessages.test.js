// A refused write on published or closed records is said in the UI's words,
// with the locked days the server named (SPEC §11.3).
import { describe, expect, it } from 'vitest'
import { ApiError, toApiError } from '../src/api/client.js'
import { errorMessage } from '../src/api/messages.js'
import { createAppI18n } from '../src/i18n.js'

const t = createAppI18n('ko').global.t

describe('409 locked and program_closed', () => {
  it('names the locked days the server sent', async () => {
    const res = new Response(JSON.stringify({ error: { code: 'locked', message: 'published figures are locked', days: ['2026-10-01', '2026-10-02'] } }), { status: 409 })
    const err = await toApiError(res)
    expect(err.days).toEqual(['2026-10-01', '2026-10-02'])
    expect(errorMessage(t, err)).toBe(t('errors.lockedDays', { days: '2026-10-01, 2026-10-02' }))
    expect(errorMessage(t, err)).toContain('2026-10-01, 2026-10-02')
  })
  it('says locked without days when none were sent', () => {
    expect(errorMessage(t, new ApiError(409, 'locked', 'x'))).toBe(t('errors.locked'))
  })
  it('says the program is closed', () => {
    const text = errorMessage(t, new ApiError(409, 'program_closed', 'the program is closed'))
    expect(text).toBe(t('errors.programClosed'))
    expect(text).not.toMatch(/[a-z]{3,}/i)
  })
})
