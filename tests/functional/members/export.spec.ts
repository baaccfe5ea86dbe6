import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import db from '@adonisjs/lucid/services/db'
import ExcelJS from 'exceljs'
import { DateTime } from 'luxon'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { memberExportFile } from '#app/members/jobs/export_members_job'
import { MemberAttributes } from '#app/members/actions/member_attributes'

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
    assert.deepEqual(run.counts, { members: 2, rows: 2 })

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

  test('custom attributes follow as columns headed with their names', async ({
    client,
    assert,
  }) => {
    const { company } = await seedMembers()
    const attributes = new MemberAttributes()
    const size = await attributes.define(company.id, { label: '尺码', type: 'text' }, null)
    await attributes.define(company.id, { label: '爱好', type: 'text' }, null)
    const fang = await db.from('members').where('name', '李小芳').firstOrFail()
    await attributes.set(company.id, fang.id, { [size]: 'M' }, null)
    const manager = await createStaff('manager')
    const run = await exportAs(client, manager, { city: '杭州市' })
    const download = await client.get(`/members/exports/${run.id}/download`).loginAs(manager)
    const [header, ...lines] = download.text().trim().split('\r\n')
    assert.isTrue(header.endsWith(',尺码,爱好'))
    const fangLine = lines.find((line) => line.includes('李小芳'))!
    assert.isTrue(fangLine.endsWith(',M,'))
    const zhao = lines.find((line) => line.includes('赵六'))!
    assert.isTrue(zhao.endsWith(',,'))
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
    assert.deepEqual(run.counts, { members: 3, rows: 3 })
  })

  test('the orders of the filtered members, as XLSX: one line per order with its items, phones masked', async ({
    client,
    assert,
  }) => {
    const { company, tmall } = await seedMembers()
    const hangzhou = await db
      .from('members')
      .where('company_id', company.id)
      .where('city', '杭州市')
      .orderBy('id')
      .select('id', 'name')
    const others = await db
      .from('members')
      .where('company_id', company.id)
      .whereNot('city', '杭州市')
      .select('id')
    const upsert = new UpsertOrder()
    const order = (no: string, memberId: number, paidFen: number, items: any[]) =>
      upsert.handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: no,
        memberId,
        status: 'completed',
        orderedAt: DateTime.fromISO('2026-11-11T02:00:00Z'),
        paidAt: DateTime.fromISO('2026-11-11T02:05:00Z'),
        goodsFen: paidFen,
        paidFen,
        couponCodes: ['QZ-A'],
        items,
      })
    await order('HZ-1', hangzhou[0].id, 19900, [
      { skuCode: 'TEE-M', title: 'T恤', quantity: 2, priceFen: 9950 },
      { skuCode: 'CAP', title: '帽子', quantity: 1, priceFen: 0 },
    ])
    await order('HZ-2', hangzhou[1].id, 5000, [])
    await order('NJ-1', others[0].id, 7000, [])

    const manager = await createStaff('manager')
    const run = await exportAs(client, manager, {
      city: '杭州市',
      subject: 'orders',
      format: 'xlsx',
    })
    assert.equal(run.status, 'completed')
    assert.deepInclude(run.counts!, { rows: 2, members: 2 })
    const file = await client.get(`/members/exports/${run.id}/download`).loginAs(manager)
    file.assertStatus(200)
    file.assertHeader(
      'content-type',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    )
    const key = memberExportFile(run.id, run.payload as any).key
    assert.equal(key, `exports/orders-${run.id}.xlsx`)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(Buffer.from(await drive.use().getBytes(key)) as any)
    const sheet = workbook.worksheets[0]
    const rows = sheet.getSheetValues().slice(1) as unknown[][]
    assert.lengthOf(rows, 3)
    assert.deepEqual(rows[0].slice(1, 4), ['订单号', '店铺', '状态'])
    const byNo = Object.fromEntries(rows.slice(1).map((row) => [row[1], row.slice(1)]))
    assert.deepEqual(byNo['HZ-1'].slice(2, 11), [
      '交易成功',
      '2026-11-11 10:00',
      '2026-11-11 10:05',
      '199.00',
      '0.00',
      '0.00',
      '199.00',
      'QZ-A',
      'TEE-M×2|CAP×1',
    ])
    assert.equal(byNo['HZ-1'][13], '138****8000')
    assert.notProperty(byNo, 'NJ-1')
    const audit = await AuditEvent.query()
      .where('action', 'export')
      .orderBy('id', 'desc')
      .firstOrFail()
    assert.deepInclude(audit.context!, { subject: 'orders', format: 'xlsx', rows: 2 })

    const bad = await client
      .post('/members/exports')
      .loginAs(manager)
      .withCsrfToken()
      .header('referer', '/members')
      .form({ format: 'pdf' })
      .redirects(0)
    bad.assertStatus(302)
    assert.equal(
      await JobRun.query()
        .where('job_name', 'members.export')
        .count('* as n')
        .first()
        .then((r) => Number(r!.$extras.n)),
      1
    )
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
