// What another system's developer writes against Nalgae's API: a client
// typed by openapi-typescript from the document the server serves
// (generated/nalgae-api.d.ts, made by contract.test.js; not checked in),
// called through openapi-fetch. contract.test.js type-checks this file with
// tsc and runs it against a demo server, so an answer whose shape changes
// (a field renamed, retyped, made nullable) breaks `make test` here first.
// Every type is spelled out on purpose: each annotation is a promise the
// document must keep.
import createClient from 'openapi-fetch'
import type { components, paths } from './generated/nalgae-api.js'

type KPIBlock = components['schemas']['KPIBlock']
type ErrorBody = components['schemas']['ErrorBody']

/** What the tour saw, for the test to check against the server's data. */
export interface Tour {
  userId: number
  role: 'admin' | 'professor' | 'student' | 'merchant' | 'city'
  teamId: number
  programId: number
  teamTotal: { spend_krw: number; revenue_krw: number; roas_pct: number | null }
  teamSalesGrowthPct: number | null
  teamWindowAfterFrom: string | null
  reportTeamTotal: { spend_krw: number; revenue_krw: number; roas_pct: number | null } | null
  reportTeams: number
  reportHighlights: string[]
  wrongPassword: string
}

function fail(what: string, status: number, error: ErrorBody | undefined): never {
  throw new Error(`${what}: ${status} ${error ? `${error.error.code}: ${error.error.message}` : ''}`)
}

function money(block: KPIBlock): Tour['teamTotal'] {
  return { spend_krw: block.spend_krw, revenue_krw: block.revenue_krw, roas_pct: block.roas_pct }
}

/** tour logs in, reads the first team's KPIs (approved entries only) and
 * its program's report, as a city dashboard would. */
export async function tour(baseUrl: string, email: string, password: string): Promise<Tour> {
  const api = createClient<paths>({ baseUrl })

  const refused = await api.POST('/api/v1/auth/login', { body: { email, password: password + '-wrong' } })
  if (refused.data !== undefined || refused.error === undefined) throw new Error('a wrong password logged in')
  const wrongPassword: string = refused.error.error.code

  const login = await api.POST('/api/v1/auth/login', { body: { email, password } })
  if (login.error !== undefined) fail('login', login.response.status, login.error)
  const { access_token: token, expires_in: expiresIn, user } = login.data
  if (user === null) throw new Error('login answered no user')
  if (expiresIn <= 0) throw new Error(`expires_in ${expiresIn}`)
  const headers = { Authorization: `Bearer ${token}` }

  const teams = await api.GET('/api/v1/teams', { headers, params: { query: { limit: 1 } } })
  if (teams.error !== undefined) fail('teams', teams.response.status, teams.error)
  const team = teams.data.items[0]
  if (team === undefined) throw new Error('no team to read')

  const kpis = await api.GET('/api/v1/teams/{id}/kpis', {
    headers,
    params: { path: { id: team.id }, query: { statuses: 'approved' } },
  })
  if (kpis.error !== undefined) fail('team KPIs', kpis.response.status, kpis.error)
  const windows = kpis.data.windows

  const report = await api.GET('/api/v1/programs/{id}/report', {
    headers,
    params: { path: { id: team.program_id }, query: { lang: 'en' } },
  })
  if (report.error !== undefined) fail('report', report.response.status, report.error)
  const row = report.data.teams.find((t) => t.team_id === team.id)

  return {
    userId: user.id,
    role: user.role,
    teamId: team.id,
    programId: team.program_id,
    teamTotal: money(kpis.data.total),
    teamSalesGrowthPct: kpis.data.sales_growth_pct,
    teamWindowAfterFrom: windows === null ? null : windows.after_from,
    reportTeamTotal: row === undefined ? null : money(row.total),
    reportTeams: report.data.teams.length,
    reportHighlights: report.data.highlights,
    wrongPassword,
  }
}
