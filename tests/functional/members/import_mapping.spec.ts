import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import AuditEvent from '#app/shared/audit/models/audit_event'
import Import from '#app/members/models/import'
import Member from '#app/members/models/member'
import { RunImport } from '#app/members/imports/run_import'
import { ColumnMappings } from '#app/members/imports/column_mappings'
import { MEMBER_FIELDS } from '#app/members/imports/columns'
import { createStaff } from '#tests/support/staff'
import { countRows, createCompanyWithShops, csvFile } from '#tests/functional/members/fixtures'

/** A CRM system's own export: no header the importer knows. */
const CUSTOM = [
  '客户名称,联系方式,所在城市,内部编号',
  '张三,13800138000,杭州,A-1',
  '李四,13900139000,上海,A-2',
].join('\n')

test.group('Members / import column mapping', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an unknown header goes to the mapping screen; the saved mapping previews, runs and is reused on the next file', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const crm = await createStaff('crm')
    const upload = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .file('file', await csvFile(CUSTOM))
      .redirects(0)
    upload.assertStatus(302)
    const record = await Import.query().orderBy('id', 'desc').firstOrFail()
    assert.equal(upload.header('location'), `/imports/${record.id}/mapping`)

    const screen = await client.get(`/imports/${record.id}/mapping`).loginAs(crm)
    screen.assertStatus(200)
    screen.assertTextIncludes('客户名称')
    screen.assertTextIncludes('13800138000')
    screen.assertTextIncludes('name="columns[3]"')

    const duplicate = await client
      .post(`/imports/${record.id}/mapping`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ columns: ['name', 'phone', 'name', ''] })
      .redirects(0)
    duplicate.assertStatus(302)
    assert.equal(await countRows('import_column_mappings'), 0)

    const saved = await client
      .post(`/imports/${record.id}/mapping`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ columns: ['name', 'phone', 'city', 'erp_customer_id'] })
      .redirects(0)
    saved.assertStatus(302)
    assert.equal(saved.header('location'), `/imports/${record.id}/preview`)
    const audit = await AuditEvent.query().where('action', 'imports.mapping_saved').firstOrFail()
    assert.equal(audit.actorId, crm.id)

    const preview = await client.get(`/imports/${record.id}/preview`).loginAs(crm)
    preview.assertStatus(200)
    preview.assertTextIncludes('张三')
    assert.equal(await countRows('members'), 0, 'a preview keeps nothing')

    const summary = await new RunImport().handle({
      companyId: company.id,
      kind: 'members',
      path: record.filePath,
    })
    assert.deepInclude(summary, { rows: 2, inserted: 2, rejected: 0 })
    assert.isNotNull(summary.mappingId)
    const zhang = await Member.findByOrFail('name', '张三')
    assert.equal(zhang.city, '杭州')
    assert.equal(zhang.phone!.digits, '13800138000')
    const erp = await db
      .from('member_identities')
      .where({ type: 'erp_customer_id', value: 'A-1' })
      .first()
    assert.equal(erp.member_id, zhang.id)

    // Next month's file with the same header (spacing and width differ): no screen, mapping reused.
    const next = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .file(
        'file',
        await csvFile('客户名称 ,联系方式,所在城市,内部编号\n王五,13700137000,南京,A-3\n')
      )
    next.assertStatus(200)
    next.assertTextIncludes('王五')
    next.assertTextIncludes('data-testid="mapping-used"')
  })

  test('a mapping is per kind and per header; a column count that differs falls back to the aliases', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const headers = ['客户名称', '联系方式']
    await new ColumnMappings().save(
      company.id,
      'members',
      headers,
      ['name', 'phone'],
      MEMBER_FIELDS,
      null
    )
    assert.isNotNull(await new ColumnMappings().find(company.id, 'members', headers))
    assert.isNull(await new ColumnMappings().find(company.id, 'orders', headers))
    assert.isNull(await new ColumnMappings().find(company.id, 'members', [...headers, 'x']))

    const standard = await new RunImport().handle({
      companyId: company.id,
      kind: 'members',
      path: await csvFile('name,phone\n赵六,13600136000\n'),
    })
    assert.isNull(standard.mappingId)
    assert.equal(standard.inserted, 1)

    await assert.rejects(() =>
      new ColumnMappings().save(
        company.id,
        'members',
        headers,
        ['name', 'nonsense'],
        MEMBER_FIELDS,
        null
      )
    )
  })
})
