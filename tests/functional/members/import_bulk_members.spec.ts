import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { readFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { RunImport, type ImportSummary } from '#app/members/imports/run_import'
import { BulkMemberImport } from '#app/members/imports/bulk_members'
import { createCompanyWithShops, csvFile } from '#tests/functional/members/fixtures'

const TAOBAO =
  '买家昵称,姓名,手机号,性别,生日,省份,城市,会员等级,累计消费金额(元),交易次数,最后交易时间,积分'

/**
 * New members; the same buyer twice in one batch (the second row fills what
 * the first left empty); a member without a phone who gets one (per-row
 * path); a bad phone; a repeat.
 */
const FIRST = [
  TAOBAO,
  'tb_小芳,李小芳,13800138000,女,1990-05-01,浙江省,杭州市,V2,"1,234.50",12,2024-03-05 10:00,300',
  'tb_阿强,,13900139000,男,,江苏省,,V1,99,1,2024-01-01,10',
  'tb_阿强,王强,13900139000,男,1985-12-03,,南京市,V1,99,1,2024-01-01,10',
  'tb_老周,周一,,男,1980-01-01,浙江省,宁波市,,,,,',
  'tb_老周,,13600136000,,,,,,,,,',
  'tb_坏号,某人,1380013800,男,,,,,,,,',
  ',无昵称,+86 137 0000 0001,,,,上海市,,,,,',
  'tb_小芳,李小芳,13800138000,女,1990-05-01,浙江省,杭州市,V2,"1,234.50",12,2024-03-05 10:00,300',
].join('\n')

const STANDARD =
  'phone,taobao_nick,jd_pin,wechat_unionid,name,gender,birthday,province,city,email,registered_at,source_channel'

/**
 * An existing member gets a JD account and empty fields filled; a phone and
 * a nick of two different members (OneID: the phone wins, per-row path); a
 * new member by unionid, then a row naming her unionid and another member's
 * JD account in the same batch; a new member; a row without any identity.
 */
const SECOND = [
  STANDARD,
  '13800138000,,jd_xiaofang,,,,,,,fang@example.com,2023-01-01 10:00,京东',
  '13900139000,tb_小芳,,,,,,,,,,',
  ',,,union_1,新客,女,,,,,,微信',
  ',,jd_xiaofang,union_1,,,,,,,,',
  '13500000005,tb_新人,,,新人,,,北京,北京市,,,',
  ',,,,没有身份,,,,,,,',
].join('\n')

/** The Taobao export again with a new level and spend for 小芳: her platform report is replaced. */
const THIRD = [
  TAOBAO,
  'tb_小芳,李小芳,13800138000,女,1990-05-01,浙江省,杭州市,V3,"2,000",15,2024-06-01 10:00,500',
  'tb_阿强,王强,13900139000,男,1985-12-03,江苏省,南京市,V1,99,1,2024-01-01,10',
].join('\n')

const DROP = new Set(['id', 'created_at', 'updated_at', 'phone_encrypted', 'company_id'])

/** Members and identities of one company, ids replaced by their rank in insertion order. */
async function snapshot(companyId: number) {
  const members = await db.from('members').where('company_id', companyId).orderBy('id')
  const rank = new Map<number, number>(members.map((r: any, i: number) => [r.id, i + 1]))
  const clean = (row: Record<string, any>) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(row)) {
      if (DROP.has(key)) continue
      if ((key === 'member_id' || key === 'merged_into_id') && value !== null)
        out[key] = rank.get(value) ?? `?${value}`
      else if (value instanceof Date) out[key] = value.toISOString()
      else if (typeof value === 'bigint') out[key] = Number(value)
      else out[key] = value
    }
    return out
  }
  const identities = await db.from('member_identities').where('company_id', companyId).orderBy('id')
  return { members: members.map(clean), identities: identities.map(clean) }
}

const counts = (s: ImportSummary) => ({
  rows: s.rows,
  inserted: s.inserted,
  updated: s.updated,
  duplicates: s.duplicates,
  rejected: s.rejected,
  rejects: s.rejects.map((r) => `${r.line}:${r.column}:${r.reason}`).sort(),
})

async function load(bulk: boolean, batchSize: number) {
  const { company } = await createCompanyWithShops()
  const rejectsPath = app.tmpPath('test-imports', `${randomUUID()}-rejects.csv`)
  const run = async (content: string) =>
    counts(
      await new RunImport().handle({
        companyId: company.id,
        kind: 'members',
        path: await csvFile(content),
        bulk,
        batchSize,
        rejectsPath,
      })
    )
  const summaries = [
    await run(FIRST),
    await run(SECOND),
    await run(FIRST),
    await run(SECOND),
    await run(THIRD),
    await run(THIRD),
  ]
  return { company, summaries, rejects: await readFile(rejectsPath, 'utf8') }
}

test.group('Members / import / bulk member path', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const batchSize of [2000, 2]) {
    test(`same database state and counts as the per-row path (batch ${batchSize})`, async ({
      assert,
    }) => {
      const rowPath = await load(false, batchSize)
      BulkMemberImport.counters = { fast: 0, fallback: 0, failedWrites: 0 }
      const bulkPath = await load(true, batchSize)
      // The fast path did the work; the per-row path only took the OneID conflicts.
      assert.equal(BulkMemberImport.counters.failedWrites, 0)
      assert.isAbove(BulkMemberImport.counters.fast, BulkMemberImport.counters.fallback)
      assert.isAbove(BulkMemberImport.counters.fallback, 0)

      assert.deepEqual(bulkPath.summaries, rowPath.summaries)
      assert.equal(bulkPath.rejects, rowPath.rejects)
      for (const s of bulkPath.summaries) {
        assert.equal(s.rows, s.inserted + s.updated + s.duplicates + s.rejected)
      }
      const [first, second, firstAgain, secondAgain, third, thirdAgain] = bulkPath.summaries
      assert.deepInclude(first, { rows: 8, inserted: 4, updated: 2, duplicates: 1, rejected: 1 })
      assert.deepEqual(first.rejects, ['7:手机号:invalid_phone'])
      assert.deepInclude(second, { rows: 6, inserted: 2, rejected: 1 })
      // Importing the same files again changes nothing.
      assert.deepInclude(firstAgain, { inserted: 0, updated: 0, duplicates: 7, rejected: 1 })
      assert.deepInclude(secondAgain, { inserted: 0, updated: 0, duplicates: 5, rejected: 1 })
      assert.deepInclude(third, { inserted: 0, updated: 1, duplicates: 1 })
      assert.deepInclude(thirdAgain, { inserted: 0, updated: 0, duplicates: 2 })

      const expected = await snapshot(rowPath.company.id)
      const actual = await snapshot(bulkPath.company.id)
      assert.deepEqual(actual, expected)

      // Sanity on what both paths wrote.
      assert.lengthOf(actual.members, 6)
      const [fang, qiang, zhou] = actual.members as any[]
      assert.include(fang, { name: '李小芳', city: '杭州市', email: 'fang@example.com' })
      assert.include(qiang, { name: '王强', gender: 'male', city: '南京市' })
      assert.isNotNull(zhou.phone_hash)
      const report = (actual.identities as any[]).find((i) => i.value === 'tb_小芳')
      assert.equal(JSON.parse(report.platform_data).level, 'V3')
      const jd = (actual.identities as any[]).find((i) => i.value === 'jd_xiaofang')
      assert.equal(jd.member_id, 1)
    })
  }

  for (const bulk of [true, false]) {
    test(`备注 fills empty notes and keeps written ones (${bulk ? 'bulk' : 'per-row'} path)`, async ({
      assert,
    }) => {
      const { company } = await createCompanyWithShops()
      const run = async (lines: string[]) =>
        new RunImport().handle({
          companyId: company.id,
          kind: 'members',
          path: await csvFile(['手机号,姓名,备注', ...lines].join('\n')),
          bulk,
        })
      const first = await run(['13800138000,李小芳,只穿M码', '13900139000,王强,'])
      assert.deepInclude(first, { rows: 2, inserted: 2, rejected: 0 })
      const notes = async () => {
        const rows = await db
          .from('members')
          .where('company_id', company.id)
          .select('name', 'notes')
        return Object.fromEntries(rows.map((row: any) => [row.name, row.notes]))
      }
      assert.deepEqual(await notes(), { 李小芳: '只穿M码', 王强: null })

      // Again, with a note for each: the empty one is filled, the written one stays.
      const second = await run(['13800138000,李小芳,换了地址', '13900139000,王强,VIP客户'])
      assert.deepInclude(second, { rows: 2, updated: 1, duplicates: 1 })
      assert.deepEqual(await notes(), { 李小芳: '只穿M码', 王强: 'VIP客户' })

      const tooLong = await run([`13700137000,某人,${'长'.repeat(2001)}`])
      assert.deepInclude(tooLong, { rows: 1, rejected: 1 })
      assert.deepEqual(
        tooLong.rejects.map((r) => [r.line, r.column, r.reason]),
        [[2, '备注', 'too_long']]
      )
    })
  }
})
