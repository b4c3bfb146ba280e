// Routes, one page folder each. Pages are loaded on demand, so the first load
// carries only the shell, the login page and the API client.
import { createRouter, createWebHistory } from 'vue-router'
import { session, restoreSession, whenSessionExpires } from './stores/session.js'
import { i18n } from './i18n.js'

const ALL = ['admin', 'professor', 'student', 'merchant', 'city']

export const routes = [
  { path: '/login', name: 'login', component: () => import('./pages/login/LoginPage.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/', name: 'home', component: () => import('./pages/home/HomePage.vue'), meta: { roles: ALL, title: 'app.name' } },
  { path: '/teams', name: 'teams', component: () => import('./pages/teams/TeamsPage.vue'), meta: { roles: ALL, title: 'teams.title' } },
  { path: '/teams/:teamId(\\d+)', name: 'team', component: () => import('./pages/team/TeamPage.vue'), props: true, meta: { roles: ALL, title: 'team.title' } },
  { path: '/campaigns/:campaignId(\\d+)', name: 'campaign', component: () => import('./pages/campaign/CampaignPage.vue'), props: true, meta: { roles: ALL, title: 'campaign.title' } },
  { path: '/programs', name: 'programs', component: () => import('./pages/programs/ProgramsPage.vue'), meta: { roles: ['admin', 'professor', 'city'], title: 'programs.title' } },
  { path: '/programs/:programId(\\d+)', name: 'program', component: () => import('./pages/program/ProgramPage.vue'), props: true, meta: { roles: ['admin', 'professor'], title: 'program.title' } },
  { path: '/programs/:programId(\\d+)/review', name: 'review', component: () => import('./pages/review/ReviewPage.vue'), props: true, meta: { roles: ['admin', 'professor'], title: 'review.title' } },
  { path: '/programs/:programId(\\d+)/report', name: 'report', component: () => import('./pages/report/ReportPage.vue'), props: true, meta: { roles: ['admin', 'professor', 'city'], title: 'report.title' } },
  { path: '/programs/:programId(\\d+)/grades', name: 'grades', component: () => import('./pages/grades/GradesPage.vue'), props: true, meta: { roles: ['admin', 'professor'], title: 'grades.title' } },
  { path: '/programs/:programId(\\d+)/setup', name: 'setup', component: () => import('./pages/setup/SetupPage.vue'), props: true, meta: { roles: ['admin', 'professor'], title: 'setup.title' } },
  { path: '/programs/:programId(\\d+)/publications', name: 'publications', component: () => import('./pages/publications/PublicationsPage.vue'), props: true, meta: { roles: ['admin', 'professor', 'city'], title: 'publications.title' } },
  { path: '/publications/:publicationId(\\d+)/view', name: 'publication-view', component: () => import('./pages/publication-view/PublicationViewPage.vue'), props: true, meta: { roles: ['admin', 'professor', 'city'], title: 'publications.view' } },
  // The public page of a shared publication: no login, outside the app's layout.
  { path: '/p/:token', name: 'public-publication', component: () => import('./pages/public/PublicPublicationPage.vue'), props: true, meta: { public: true, bare: true, title: 'publication.pageTitle' } },
  { path: '/store', name: 'store', component: () => import('./pages/store/StorePage.vue'), meta: { roles: ['merchant', 'admin'], title: 'store.title' } },
  { path: '/admin/users', name: 'admin-users', component: () => import('./pages/admin-users/AdminUsersPage.vue'), meta: { roles: ['admin'], title: 'adminUsers.title' } },
  { path: '/admin/programs', name: 'admin-programs', component: () => import('./pages/admin-programs/AdminProgramsPage.vue'), meta: { roles: ['admin'], title: 'adminPrograms.title' } },
  { path: '/admin/merchants', name: 'admin-merchants', component: () => import('./pages/admin-merchants/AdminMerchantsPage.vue'), meta: { roles: ['admin'], title: 'adminMerchants.title' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/not-found/NotFoundPage.vue'), meta: { public: true, title: 'notFound.title' } },
]

export function createAppRouter(history = createWebHistory()) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior(to, from, saved) {
      return saved || { top: 0 }
    },
  })

  router.beforeEach(async (to) => {
    await restoreSession()
    if (to.meta.public) {
      if (to.name === 'login' && session.user) return { name: 'home' }
      return true
    }
    if (!session.user) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    const roles = to.meta.roles || ALL
    if (!roles.includes(session.user.role)) return { name: 'home' }
    return true
  })

  router.afterEach((to) => {
    const t = i18n.global.t
    const title = to.meta.title ? t(to.meta.title) : ''
    document.title = title && to.meta.title !== 'app.name' ? `${title} · ${t('app.name')}` : t('app.name')
  })

  whenSessionExpires(() => {
    const current = router.currentRoute.value
    if (!current.meta.public) {
      router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
    }
  })

  return router
}
