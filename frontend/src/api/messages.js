// The API's messages are English sentences meant for people; the app shows
// its own words for the ones it knows, in the UI's language, and the API's
// sentence for the rest.
import { ApiError } from './client.js'

const fieldPatterns = [
  [/^is required( to set a new password)?$/, 'errors.field.required'],
  [/^must be ≥ 0$/, 'errors.field.nonNegative'],
  [/^must be a whole number$/, 'errors.field.wholeNumber'],
  [/^must be a number$/, 'errors.field.number'],
  [/^must be a real date written YYYY-MM-DD$/, 'errors.field.date'],
  [/^must not be in the future$/, 'errors.field.future'],
  [/^must not exceed impressions$/, 'errors.field.clicksOverImpressions'],
  [/^must not exceed viewers$/, 'errors.field.peakOverViewers'],
  [/^must not be before (\w+)$/, 'errors.field.notBefore', (m, t) => ({ field: t('errors.fieldNames.' + m[1]) })],
  [/^must be an email address/, 'errors.field.email'],
  [/^must be at most (\d+) characters$/, 'errors.field.maxChars', (m) => ({ n: m[1] })],
  [/^must be at least (\d+) characters$/, 'errors.field.minChars', (m) => ({ n: m[1] })],
  [/^must be between (\d+) and (\d+)$/, 'errors.field.between', (m) => ({ min: m[1], max: m[2] })],
  [/^must be at most (\d+)$/, 'errors.field.atMost', (m) => ({ n: m[1] })],
  [/^is not your current password$/, 'errors.field.currentPassword'],
  [/^must be at most (\d+) bytes$/, 'errors.field.maxBytes', (m) => ({ n: m[1] })],
  [/^must not contain the email address or its name part$/, 'errors.field.containsEmail'],
  [/^is only recorded for live_commerce campaigns$/, 'errors.field.liveOnly'],
  [/^must be an http\(s\) address$/, 'errors.field.httpAddress'],
  [/^is not a campaign of this team$/, 'errors.field.notTeamCampaign'],
  [/^is not an entry of this team$/, 'errors.field.notTeamEntry'],
  [/^is not a cursor this server gave out$/, 'errors.field.cursor'],
  [/^must be a merchant user$/, 'errors.field.merchantUser'],
  [/^must be a professor or city user$/, 'errors.field.staffUser'],
  [/^must be professor or city$/, 'errors.field.staffUser'],
  [/^must be the user's own role/, 'errors.field.ownRole'],
  [/^must be a student$/, 'errors.field.studentUser'],
  [/^must be a whole number from (\d+) to (\d+)$/, 'errors.field.between', (m) => ({ min: m[1], max: m[2] })],
  [/^must be at most (\d+) \(one day\)$/, 'errors.field.atMost', (m) => ({ n: m[1] })],
  [/^must be ko or en$/, 'errors.field.locale'],
  [/^must be leader or member$/, 'errors.field.memberRole'],
  [/^must be one of /, 'errors.field.oneOf'],
  [/^must be online, offline or all$/, 'errors.field.oneOf'],
  [/^must be planning, active or closed$/, 'errors.field.oneOf'],
  [/^must be true or false$/, 'errors.field.boolean'],
  [/^no such (user|merchant)$/, 'errors.field.noSuch'],
  [/^the campaign has live commerce entries with viewers/, 'errors.field.staysLive'],
  [/^unknown (action|campaign kind|status)/, 'errors.field.oneOf'],
  [/^a comparison team has no (campaigns|members|targets)$/, 'errors.field.comparisonTeam'],
  [/^must be a campaign kind or null$/, 'errors.field.kindOrNull'],
  [/^must be null for /, 'errors.field.nullForSales'],
  [/^must be increase or decrease$/, 'errors.field.oneOf'],
  [/^is set only when the team is created$/, 'errors.field.onlyOnCreate'],
  [/^must be an integer from (\d+) to (\d+)$/, 'errors.field.between', (m) => ({ min: m[1], max: m[2] })],
  [/^is not a student of this team$/, 'errors.field.notTeamStudent'],
  [/^at most (\d+) criteria$/, 'errors.field.atMostCriteria', (m) => ({ n: m[1] })],
  [/^must be 1–40 lowercase letters/, 'errors.field.criterionKey'],
  [/^is used twice$/, 'errors.field.usedTwice'],
  [/^must be the customer id: digits only$/, 'errors.field.customerId'],
  [/^must be SearchAd's campaign id/, 'errors.field.searchadCampaign'],
  [/^is required \(true previews, false applies\)$/, 'errors.field.dryRun'],
  [/^must not be after today$/, 'errors.field.future'],
  [/^must not be empty$/, 'errors.field.notEmpty'],
  [/^must be the key as SearchAd shows it/, 'errors.field.searchadKey'],
  [/^a pull reads at most (\d+) days$/, 'errors.field.pullDays', (m) => ({ n: m[1] })],
  [/^is not one of the twelve statements$/, 'errors.field.unknownStatement'],
  [/^must be baseline, endline or followup$/, 'errors.field.oneOf'],
  [/^must be open, overdue or answered$/, 'errors.field.oneOf'],
  [/^cannot change; record a new assessment/, 'errors.field.assessmentProgram'],
  [/^is required to change an answer$/, 'errors.field.required'],
  [/^must not be negative$/, 'errors.field.nonNegative'],
  [/^must be a whole number of months from (\d+) to (\d+)$/, 'errors.field.between', (m) => ({ min: m[1], max: m[2] })],
  [/^is listed twice$/, 'errors.field.usedTwice'],
  [/^must list at most (\d+) entries$/, 'errors.field.atMostEntries', (m) => ({ n: m[1] })],
]

/** fieldMessage translates one of the API's field messages. */
export function fieldMessage(t, message) {
  if (!message) return ''
  for (const [re, key, params] of fieldPatterns) {
    const m = re.exec(message)
    if (m) return t(key, params ? params(m, t) : {})
  }
  return message
}

/** errorMessage says in words what went wrong with a call. */
export function errorMessage(t, err) {
  if (!(err instanceof ApiError)) return t('errors.generic')
  switch (err.status) {
    case 0:
      return t('errors.network')
    case 401:
      return t('errors.unauthorized')
    case 403:
      return t('errors.forbidden')
    case 404:
      return t('errors.notFound')
    case 409:
      if (err.code === 'version_conflict') return t('errors.versionConflict')
      if (err.code === 'duplicate') return t('errors.duplicate')
      if (err.code === 'has_dependents') return t('errors.hasDependents')
      if (err.code === 'locked') return err.days.length ? t('errors.lockedDays', { days: err.days.join(', ') }) : t('errors.locked')
      if (err.code === 'program_closed') return t('errors.programClosed')
      return t('errors.invalidState')
    case 413:
      return t('errors.tooLarge')
    case 422:
      return t('errors.validation')
    case 429:
      return t('errors.rateLimited')
    default:
      return t('errors.generic')
  }
}
