// A new program from nothing, in the browser: the admin creates a program, a
// merchant, a student and a team, adds the student to the team (the setup page
// must not go blank on a team without members), and the student logs in and
// lands on the team.
import assert from 'node:assert/strict'
import { e2e, eventually, expectPath, expectText, ko, login, msg, textOf, useServer } from './harness.js'

useServer()

e2e('an admin sets up a new program and its student lands on the team', async ({ newPage }) => {
  const page = await newPage()
  await login(page, 'admin')

  // The program.
  await page.getByTestId('nav-admin-programs').click()
  await expectPath(page, /^\/admin\/programs$/)
  await page.getByTestId('program-new').click()
  await page.getByTestId('program-name').fill('창원 디지털 전환 2027')
  await page.getByTestId('program-city').fill('창원시')
  await page.getByTestId('program-starts').fill('2027-03-02')
  await page.getByTestId('program-ends').fill('2027-06-30')
  await page.getByTestId('program-save').click()
  const programRow = page.getByTestId('programs-table').locator('tr', { hasText: '창원 디지털 전환 2027' })
  await programRow.waitFor()

  // The merchant.
  await page.getByTestId('nav-merchants').click()
  await expectPath(page, /^\/admin\/merchants$/)
  await page.getByTestId('merchant-new').click()
  const mform = page.getByTestId('merchant-form')
  await mform.getByLabel(msg(ko, 'merchant.name')).fill('진해꽃빵')
  await mform.getByLabel(msg(ko, 'merchant.region')).fill('창원 진해구')
  await page.getByTestId('merchant-save').click()
  await mform.waitFor({ state: 'hidden' })

  // The student.
  await page.getByTestId('nav-users').click()
  await expectPath(page, /^\/admin\/users$/)
  await page.getByTestId('user-new').click()
  await page.getByTestId('user-email').fill('new-student@changwon.test')
  await page.getByTestId('user-name').fill('한새봄')
  await page.getByTestId('user-role').selectOption('student')
  await page.getByTestId('user-password').fill('spring-2027-flowers')
  await page.getByTestId('user-create').click()
  await page.getByTestId('user-create-form').waitFor({ state: 'hidden' })

  // The team, on the program's setup page.
  await page.getByTestId('nav-admin-programs').click()
  await programRow.getByRole('link', { name: msg(ko, 'programs.setup') }).click()
  await expectPath(page, /^\/programs\/\d+\/setup$/)
  await page.getByTestId('team-name-input').fill('꽃빵팀')
  await page.getByTestId('team-merchant').selectOption({ label: '진해꽃빵' })
  await page.getByTestId('team-create').click()

  // The new team without members is listed (the page used to go blank here).
  const team = page.locator('[data-testid^="team-setup-"]', { hasText: '꽃빵팀' })
  await expectText(team, msg(ko, 'setup.noMembers'))
  const teamId = (await team.getAttribute('data-testid')).replace('team-setup-', '')
  // …and still after a reload.
  await page.reload()
  await expectText(team, msg(ko, 'setup.noMembers'))

  // The picker finds the student by name and leaves out current members.
  await page.getByTestId('member-q-' + teamId).fill('한새')
  const picker = page.getByTestId('member-user-' + teamId)
  const options = await eventually(async () => {
    const o = (await picker.locator('option').allInnerTexts()).slice(1)
    assert.equal(o.length, 1, `one student matches: ${o}`)
    return o
  })
  assert.match(options[0], /한새봄/)
  await picker.selectOption({ index: 1 })
  await page.getByTestId('member-add-' + teamId).click()
  await expectText(team, '한새봄')
  await page.getByTestId('member-q-' + teamId).fill('')
  await eventually(async () => {
    const left = await picker.locator('option').allInnerTexts()
    assert.ok(left.length > 1 && !left.some((o) => o.includes('한새봄')), `a member is not offered again: ${left}`)
  })

  // The student logs in and lands on the team.
  const spage = await newPage()
  await spage.goto('/login')
  await spage.getByTestId('login-email').fill('new-student@changwon.test')
  await spage.getByTestId('login-password').fill('spring-2027-flowers')
  await spage.getByTestId('login-submit').click()
  await expectPath(spage, new RegExp(`^/teams/${teamId}$`))
  assert.equal(await textOf(spage.getByTestId('team-name')), '꽃빵팀')
  await expectText(spage.getByTestId('merchant-name'), '진해꽃빵')
})
