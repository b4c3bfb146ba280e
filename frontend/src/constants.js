// Enumerations of the API in SPEC order; their names are in the locale files.
export const KINDS = ['search_ad', 'shopping_ad', 'live_commerce', 'smart_store', 'short_clip', 'sns']
export const STATUSES = ['draft', 'submitted', 'approved', 'returned']
export const ROLES = ['admin', 'professor', 'student', 'merchant', 'city']

// Imports (SPEC §5): the largest file the API takes, and the campaign kinds
// a file can be imported into (a SearchAd report: search_ad and shopping_ad;
// the live-commerce template: live_commerce).
export const MAX_IMPORT_MB = 20
export const IMPORT_KINDS = ['search_ad', 'shopping_ad', 'live_commerce']
export const IMPORT_ACCEPT = '.csv,.tsv,.txt,.xlsx'

/** countedQuery is the `statuses=` of a "which statuses count" choice:
 * 'approved' (the program report's default) or 'all' (a team's). */
export function countedQuery(choice) {
  return choice === 'approved' ? 'approved' : STATUSES.join(',')
}

// Evidence files (SPEC §14.2): what the phone's picker offers (photos and
// PDFs; the server also takes XLSX and CSV, decided by content) and the
// server's limit.
export const EVIDENCE_ACCEPT = 'image/*,application/pdf'
export const MAX_EVIDENCE_MB = 10
