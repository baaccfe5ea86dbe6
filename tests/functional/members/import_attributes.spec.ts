import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Import from '#app/members/models/import'
import { RunImport } from '#app/members/imports/run_import'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { BulkMemberImport } from '#app/members/imports/bulk_members'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops, csvFile } from '#tests/functional/members/fixtures'

const HEADER = '手机号,姓名,尺码,储值余额,首次到店,接受回访,爱好'

/** A company with one custom attribute of each type. */
async function company() {
  const { company: created } = await createCompanyWithShops()
  const attributes = new MemberAttributes()
  const ids: Record<string, number> = {}
  for (const [label, type, options] of [
    ['尺码', 'enum', ['S', 'M', 'L']],
    ['储值余额', 'number', []],
    ['首次到店', 'date', []],
    ['接受回访', 'boolean', []],
    ['爱好', 'text', []],
  ] as const) {
    ids[label] = await attributes.define(created.id, { label, type, options: [...options] }, null)
  }
  return { company: created, ids }
}

test.group('Members / import of custom attributes', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const bulk of [true, false]) {
    test(`columns named like an attribute fill it; bad values are rejected with their column (${bulk ? 'bulk' : 'per-row'} path)`, async ({
      assert,
    }) => {
      const { company: created, ids } = await company()
      BulkMemberImport.counters = { fast: 0, fallback: 0, failedWrites: 0 }
      const run = async (lines: string[]) =>
        new RunImport().handle({
          companyId: created.id,
          kind: 'members',
          path: await csvFile([HEADER, ...lines].join('\n')),
          bulk,
        })
      const values = async (phoneTail: string) => {
        const member = await db
          .from('members')
          .where('company_id', created.id)
          .whereRaw('name = ?', [phoneTail])
          .firstOrFail()
        const held = await new MemberAttributes().valuesFor(member.id)
        return Object.fromEntries(
          Object.entries(ids)
            .filter(([, id]) => held.has(id))
            .map(([label, id]) => [label, held.get(id)])
        )
      }

      const first = await run([
        '13800138000,李小芳,M,"1,234.5",2024/3/5,是,瑜伽',
        '13900139000,王强,XXL,10,2024-01-01,否,',
        '13700137000,赵六,,１２,2024年3月5日,,',
      ])
      assert.deepInclude(first, { rows: 3, inserted: 2, updated: 0, duplicates: 0, rejected: 1 })
      assert.deepEqual(
        first.rejects.map((r) => [r.line, r.column, r.reason]),
        [[3, '尺码', 'invalid_attribute']]
      )
      assert.deepEqual(await values('李小芳'), {
        尺码: 'M',
        储值余额: '1234.5',
        首次到店: '2024-03-05',
        接受回访: 'true',
        爱好: '瑜伽',
      })
      assert.deepEqual(await values('赵六'), { 储值余额: '12', 首次到店: '2024-03-05' })

      // The same file again changes nothing.
      const again = await run([
        '13800138000,李小芳,M,"1,234.5",2024/3/5,是,瑜伽',
        '13900139000,王强,XXL,10,2024-01-01,否,',
        '13700137000,赵六,,１２,2024年3月5日,,',
      ])
      assert.deepInclude(again, { inserted: 0, updated: 0, duplicates: 2, rejected: 1 })

      // What staff wrote stays; an empty attribute is filled (the member counts as updated).
      const zhao = await db.from('members').where({ company_id: created.id, name: '赵六' }).first()
      await new MemberAttributes().set(created.id, zhao.id, { [ids['爱好']]: '跑步' }, null)
      const third = await run(['13700137000,赵六,S,99,2025-01-01,否,读书'])
      assert.deepInclude(third, { rows: 1, updated: 1, rejected: 0 })
      assert.deepEqual(await values('赵六'), {
        尺码: 'S',
        储值余额: '12',
        首次到店: '2024-03-05',
        接受回访: 'false',
        爱好: '跑步',
      })

      // A new member on two rows of one file: the first row's value wins, the
      // second fills only the attributes still empty.
      const fourth = await run(['13600136000,孙七,L,,,,', '13600136000,孙七,S,5,2023-06-01,,'])
      assert.deepInclude(fourth, { rows: 2, inserted: 1, updated: 1, rejected: 0 })
      assert.deepEqual(await values('孙七'), { 尺码: 'L', 储值余额: '5', 首次到店: '2023-06-01' })

      // The set-based path takes rows with attribute values like any other.
      if (bulk) {
        assert.equal(BulkMemberImport.counters.failedWrites, 0)
        assert.equal(BulkMemberImport.counters.fallback, 0)
        assert.equal(BulkMemberImport.counters.fast, 7)
      }
    })
  }

  test('the mapping screen offers the custom attributes; a column mapped to one previews as its values', async ({
    client,
    assert,
  }) => {
    const { ids } = await company()
    const crm = await createStaff('crm')
    const upload = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .file('file', await csvFile('联系方式,衣服尺寸\n13800138000,L\n'))
      .redirects(0)
    upload.assertStatus(302)
    const record = await Import.query().orderBy('id', 'desc').firstOrFail()
    const screen = await client.get(`/imports/${record.id}/mapping`).loginAs(crm)
    screen.assertTextIncludes(`value="attribute:${ids['尺码']}"`)
    screen.assertTextIncludes('自定义属性 · 尺码')

    const saved = await client
      .post(`/imports/${record.id}/mapping`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ columns: ['phone', `attribute:${ids['尺码']}`] })
      .redirects(0)
    saved.assertStatus(302)
    const preview = await client.get(`/imports/${record.id}/preview`).loginAs(crm)
    preview.assertStatus(200)
    preview.assertTextIncludes('尺码=L')
    assert.notInclude(preview.text(), 'invalid_attribute')
  })
})
