// Enumerations of the API in SPEC order; their names are in the locale files.
export const KINDS = ['search_ad', 'shopping_ad', 'live_commerce', 'smart_store', 'short_clip', 'sns']
export const STATUSES = ['draft', 'submitted', 'approved', 'returned']
export const ROLES = ['admin', 'professor', 'student', 'merchant', 'city']
