import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seedMembers() {
  const shops = await createCompanyWithShops()
  const resolve = new ResolveMember()
  await resolve.handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13800138000' }],
    profile: { name: '李小芳', province: '浙江省', city: '杭州市' },
  })
  await resolve.handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13900139000' }],
    profile: { name: '=HYPERLINK("x")', province: '江苏省', city: '南京市' },
  })
  await resolve.handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13700137000' }],
    profile: { name: '赵六', province: '浙江省', city: '杭州市' },
  })
  return shops
}

async function exportAs(client: any, user: any, form: Record<string, string>) {
  const started = await client
    .post('/members/exports')
    .loginAs(user)
    .withCsrfToken()
    .form(form)
    .redirects(0)
  started.assertStatus(302)
  const run = await JobRun.query()
    .where('job_name', 'members.export')
    .orderBy('id', 'desc')
    .firstOrFail()
  await queue.drain()
  await run.refresh()
  return run
}

test.group('Members / export', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    drive.fake('fs')
    return () => drive.restore('fs')
  })

  test('exports the filtered set as a job, with masked phones, and audit-logs filter and row count', async ({
    client,
    assert,
  }) => {
    await seedMembers()
    const manager = await createStaff('manager') // members.export, no unmask
    const run = await exportAs(client, manager, { city: '杭州市' })
    assert.equal(run.status, 'completed')
    assert.deepEqual(run.counts, { rows: 2 })

    const page = await client.get(`/members/exports/${run.id}`).loginAs(manager)
    page.assertTextIncludes('data-testid="export-download"')

    const file = await client.get(`/members/exports/${run.id}/download`).loginAs(manager)
    file.assertStatus(200)
    file.assertHeader('content-type', 'text/csv; charset=utf-8')
    const csv = file.text()
    assert.isTrue(csv.startsWith('\uFEFFID,姓名,手机号'))
    assert.include(csv, '李小芳,138****8000')
    assert.include(csv, '赵六,137****7000')
    assert.notInclude(csv, '13800138000')
    assert.notInclude(csv, '南京市')
    assert.lengthOf(csv.trim().split('\r\n'), 3)

    const audit = await AuditEvent.query()
      .where('entity_type', 'member')
      .where('action', 'export')
      .firstOrFail()
    assert.equal(audit.actorId, manager.id)
    assert.deepInclude(audit.context!, { rows: 2, filters: { city: '杭州市' }, phones: 'masked' })
  })

  test('full numbers only with members.phone.unmask; formulas are defused', async ({
    client,
    assert,
  }) => {
    await seedMembers()
    const crm = await createStaff('crm') // members.export + members.phone.unmask
    const run = await exportAs(client, crm, {})
    const download = await client.get(`/members/exports/${run.id}/download`).loginAs(crm)
    const csv = download.text()
    assert.include(csv, '13800138000')
    assert.include(csv, `"'=HYPERLINK(""x"")"`)
    assert.deepEqual(run.counts, { rows: 3 })
  })

  test('nobody else downloads someone’s export; roles without members.export cannot start one', async ({
    client,
  }) => {
    await seedMembers()
    const crm = await createStaff('crm')
    const run = await exportAs(client, crm, {})
    const otherCrm = await createStaff('crm')
    const denied = await client.get(`/members/exports/${run.id}/download`).loginAs(otherCrm)
    denied.assertStatus(403)

    const viewer = await createStaff('viewer')
    const refused = await client.post('/members/exports').loginAs(viewer).withCsrfToken().form({})
    refused.assertStatus(403)
  })
})
