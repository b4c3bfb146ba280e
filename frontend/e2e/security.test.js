// The browser side of the server's protections: the app runs under its
// Content-Security-Policy (the harness fails any test whose pages report a
// violation), and a page of another origin cannot use the session cookie.
import assert from 'node:assert/strict'
import http from 'node:http'
import { e2e, expectText, login, textOf, useServer } from './harness.js'

const env = useServer()

e2e('the app is served with a strict Content-Security-Policy and security headers', async ({ newPage }) => {
  const page = await newPage()
  const res = await page.goto('/login')
  const h = res.headers()
  assert.match(h['content-security-policy'], /script-src 'self'/)
  assert.match(h['content-security-policy'], /frame-ancestors 'none'/)
  assert.doesNotMatch(h['content-security-policy'], /unsafe-inline|unsafe-eval/)
  assert.equal(h['x-content-type-options'], 'nosniff')
  assert.equal(h['x-frame-options'], 'DENY')
  assert.equal(h['referrer-policy'], 'same-origin')
  // The app works under it: log in, and the API docs page too.
  await login(page, 'student')
  await page.goto('/api/docs')
  await expectText(page.locator('h1'), 'Nalgae')
  const styled = await page.evaluate(() => getComputedStyle(document.querySelector('section.route')).borderTopStyle)
  assert.equal(styled, 'solid', 'the docs page lost its stylesheet')
})

e2e('a page of another origin cannot refresh, log out or log in with the session', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'student')
  const who = await textOf(page.getByTestId('current-user'))

  // Another server on the same host, another port: the same site to the
  // browser, so the SameSite=Strict cookie does go along; what refuses the
  // requests is the server's check of where they come from.
  const evilServer = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<!doctype html><title>evil</title><p>hello</p>')
  })
  await new Promise((r) => evilServer.listen(0, '127.0.0.1', r))
  const evil = await page.context().newPage()
  await evil.goto(`http://127.0.0.1:${evilServer.address().port}/`)
  const answers = []
  evil.on('response', (r) => {
    if (r.url().startsWith(env.baseURL)) answers.push(`${r.url().slice(env.baseURL.length)} ${r.status()}`)
  })
  await evil.evaluate(async (base) => {
    const post = (path, body) =>
      fetch(base + path, { method: 'POST', mode: 'no-cors', credentials: 'include', body }).catch(() => null)
    await post('/api/v1/auth/refresh', '{}')
    await post('/api/v1/auth/logout', '{}')
    await post('/api/v1/auth/login', JSON.stringify({ email: 'student@demo.nalgae.kr', password: 'demo-student-2026' }))
  }, env.baseURL)
  await evil.close()
  evilServer.close()
  assert.deepEqual(answers.sort(), ['/api/v1/auth/login 403', '/api/v1/auth/logout 403', '/api/v1/auth/refresh 403'])

  // The session was neither used up nor revoked: a reload (a refresh by
  // cookie from the app itself) keeps the student logged in.
  await page.reload()
  assert.equal(await textOf(page.getByTestId('current-user')), who)
})
