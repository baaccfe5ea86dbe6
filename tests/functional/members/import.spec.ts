import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import iconv from 'iconv-lite'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { RunImport } from '#app/members/imports/run_import'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import Import from '#app/members/models/import'
import ImportMembers from '#commands/import_members'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { countRows } from '#tests/functional/members/fixtures'

async function fixture(content: string, encoding: 'utf-8' | 'utf-8-bom' | 'gbk' = 'utf-8') {
  const dir = app.tmpPath('test-imports')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${randomUUID()}.csv`
  const bytes =
    encoding === 'gbk'
      ? iconv.encode(content, 'gbk')
      : Buffer.concat([
          Buffer.from(encoding === 'utf-8-bom' ? '\uFEFF' : ''),
          Buffer.from(content, 'utf8'),
        ])
  await writeFile(path, bytes)
  return path
}

const TAOBAO_MEMBERS = [
  '买家昵称,姓名,手机号,性别,生日,省份,城市,会员等级,累计消费金额(元),交易次数,最后交易时间,积分',
  'tb_小芳,李小芳,+86 138 0013 8000,女,1990年5月1日,浙江省,杭州市,VIP2,"￥1,234.50",5,2024/3/5 10:20,880',
  'tb_阿强,王强,１３９００１３９０００,男,1985/12/3,江苏省,南京市,VIP1,99,1,2024-01-02,10',
  '',
  'tb_无号,赵六,12345,男,1988-01-01,浙江省,宁波市,VIP1,10,1,2024-01-02,0',
  'tb_坏日期,钱七,13700137000,女,2023年2月30日,浙江省,温州市,VIP1,10,1,2024-01-02,0',
  'tb_负数,孙八,13600136000,女,1990-01-01,浙江省,温州市,VIP1,-5,1,2024-01-02,0',
  'tb_少列,周九,13500135000',
  'tb_小芳,李小芳,13800138000,女,1990-05-01,浙江省,杭州市,VIP2,"1,234.50",5,2024/3/5 10:20,880',
].join('\r\n')

const ORDERS = [
  'shop,order_no,status,ordered_at,paid_at,goods_amount,discount_amount,shipping_amount,paid_amount,coupon_codes,phone,taobao_nick,jd_pin,buyer_name,sku_code,title,category,quantity,price,item_paid_amount',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00:00,2024-03-05 10:01:00,598.00,50,0,548.00,SPRING50,13800138000,tb_小芳,,李小芳,QZ-W-001-BK-M,羊毛针织开衫,针织衫,1,399.00,365.60',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00:00,2024-03-05 10:01:00,598.00,50,0,548.00,SPRING50,13800138000,tb_小芳,,李小芳,QZ-T-007-WH-M,纯棉T恤,T恤,1,199.00,182.40',
  '京东店,JD2001,已完成,2024/4/1 09:00,2024/4/1 09:05,299,0,0,299,,+86 13800138000,,jd_xiaofang,李小芳,QZ-P-003-GR-L,休闲长裤,裤装,1,299,299',
  '京东店,JD2002,已完成,2024-02-30 09:00,,299,0,0,299,,13900000009,,jd_bad,某人,QZ-P-003-GR-L,休闲长裤,裤装,1,299,299',
  '不存在的店,X1,已完成,2024-04-01 09:00,,10,0,0,10,,13900000008,,,某人,S,商品,,1,10,10',
].join('\n')

test.group('Members / import', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a GBK Taobao member export: presets, normalisation, every row accounted for', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const path = await fixture(TAOBAO_MEMBERS, 'gbk')
    const rejectsPath = app.tmpPath('test-imports', `${randomUUID()}-rejects.csv`)
    const summary = await new RunImport().handle({
      companyId: company.id,
      kind: 'members',
      path,
      rejectsPath,
    })

    assert.equal(summary.encoding, 'gb18030')
    assert.equal(summary.preset, 'taobao_members')
    assert.deepInclude(summary, { rows: 7, inserted: 2, updated: 0, duplicates: 1, rejected: 4 })
    assert.equal(
      summary.rows,
      summary.inserted + summary.updated + summary.duplicates + summary.rejected
    )
    assert.deepEqual(
      summary.rejects.map((r) => [r.line, r.column, r.reason]),
      [
        [5, '手机号', 'invalid_phone'],
        [6, '生日', 'impossible_date'],
        [7, '累计消费金额(元)', 'negative_amount'],
        [8, '', 'column_count'],
      ]
    )

    const fang = await Member.findByOrFail('name', '李小芳')
    assert.equal(fang.phone!.digits, '13800138000')
    assert.equal(fang.gender, 'female')
    assert.equal(fang.birthday!.toISODate(), '1990-05-01')
    assert.equal(fang.city, '杭州市')
    const nick = await MemberIdentity.query()
      .where({ type: 'taobao_nick', value: 'tb_小芳' })
      .firstOrFail()
    assert.equal(nick.memberId, fang.id)
    assert.deepEqual(nick.platformData, {
      level: 'VIP2',
      spentFen: 123450,
      trades: 5,
      lastTradeAt: '2024-03-05T02:20:00.000Z',
      points: 880,
    })
    const qiang = await Member.findByOrFail('name', '王强')
    assert.equal(qiang.phone!.digits, '13900139000')

    const rejects = await readFile(rejectsPath, 'utf8')
    assert.include(rejects, 'line,column,reason,message')
    assert.include(rejects, '5,手机号,invalid_phone,不是有效的中国大陆手机号')

    const again = await new RunImport().handle({ companyId: company.id, kind: 'members', path })
    assert.deepInclude(again, { rows: 7, inserted: 0, updated: 0, duplicates: 3, rejected: 4 })
  })

  test('UTF-8 with BOM, the standard format, and a dry run keeps nothing', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const path = await fixture('name,phone,city,jd_pin\n张三,13800000111,上海,jd_zs\n', 'utf-8-bom')
    const dry = await new RunImport().handle({
      companyId: company.id,
      kind: 'members',
      path,
      dryRun: true,
    })
    assert.deepInclude(dry, {
      rows: 1,
      inserted: 1,
      rejected: 0,
      encoding: 'utf-8',
      preset: 'standard',
    })
    assert.equal(dry.preview[0].name, '张三')
    assert.equal(dry.preview[0].phone, '138****0111')
    assert.equal(
      await Member.query()
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      0
    )
  })

  test('broken quotes and blank lines never lose the good rows', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const lines = [
      'name,phone,city',
      '甲,13800000001,杭州',
      '"乙,13800000002,杭州',
      '',
      '丙,13800000003,"上海',
    ]
    for (let i = 4; i <= 30; i++) lines.push(`会员${i},138000000${String(i).padStart(2, '0')},杭州`)
    lines.push('"多行', '备注",13800000099,杭州')
    const path = await fixture(lines.join('\n'))
    const summary = await new RunImport().handle({ companyId: company.id, kind: 'members', path })
    // 1 header; good: 甲 + 会员4..30 (27); broken: 乙 and 丙; the quoted two-line name is one good record.
    assert.equal(
      summary.rows,
      summary.inserted + summary.updated + summary.duplicates + summary.rejected
    )
    assert.equal(summary.inserted, 1 + 27 + 1)
    assert.deepEqual(
      summary.rejects.map((r) => [r.line, r.reason]),
      [
        [3, 'broken_quote'],
        [5, 'broken_quote'],
      ]
    )
    assert.exists(await Member.findBy('name', '多行\n备注'))
  })

  test('orders: Tmall and JD buyers with the same phone become one member; re-import changes nothing', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    await new RunImport().handle({
      companyId: company.id,
      kind: 'members',
      path: await fixture(TAOBAO_MEMBERS, 'gbk'),
    })
    const path = await fixture(ORDERS)
    const summary = await new RunImport().handle({ companyId: company.id, kind: 'orders', path })
    assert.deepInclude(summary, { rows: 5, inserted: 3, updated: 0, duplicates: 0, rejected: 2 })
    assert.deepEqual(
      summary.rejects.map((r) => [r.line, r.column, r.reason]),
      [
        [5, 'ordered_at', 'impossible_date'],
        [6, 'shop', 'unknown_shop'],
      ]
    )

    const fang = await Member.findByOrFail('name', '李小芳')
    const orders = await db.from('orders').where('member_id', fang.id).orderBy('platform_order_no')
    assert.deepEqual(
      orders.map((o) => o.platform_order_no),
      ['JD2001', 'TM1001']
    )
    assert.equal(fang.orderCount, 2)
    assert.equal(fang.spentFen, 54800 + 29900)
    const identities = await MemberIdentity.query().where('memberId', fang.id)
    const types = identities.map((i) => i.type).sort()
    assert.deepEqual(types, ['jd_pin', 'phone', 'taobao_nick'])
    const items = await db.from('order_items').where('order_id', orders[1].id).orderBy('line_no')
    assert.deepEqual(
      items.map((i) => [i.sku_code, Number(i.paid_fen)]),
      [
        ['QZ-W-001-BK-M', 36560],
        ['QZ-T-007-WH-M', 18240],
      ]
    )

    const before = await db.from('orders').orderBy('id')
    const again = await new RunImport().handle({ companyId: company.id, kind: 'orders', path })
    assert.deepInclude(again, { rows: 5, inserted: 0, updated: 0, duplicates: 3, rejected: 2 })
    assert.deepEqual(await db.from('orders').orderBy('id'), before)
    assert.equal(await countRows('commerce_status_changes'), 2)
  })

  test('refunds import against imported orders', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    await new RunImport().handle({
      companyId: company.id,
      kind: 'orders',
      path: await fixture(ORDERS),
    })
    const path = await fixture(
      [
        '店铺,退款编号,订单号,退款状态,退款金额,申请时间,完成时间,退款原因,商家编码,数量,商品退款金额',
        '天猫旗舰店,RF1,TM1001,退款成功,182.40,2024-03-08 12:00,2024-03-09 12:00,尺码不合适,QZ-T-007-WH-M,1,182.40',
        '天猫旗舰店,RF2,NOPE,退款成功,1,2024-03-08 12:00,,,,,',
      ].join('\n')
    )
    const summary = await new RunImport().handle({ companyId: company.id, kind: 'refunds', path })
    assert.deepInclude(summary, { rows: 2, inserted: 1, rejected: 1 })
    assert.deepEqual(summary.rejects[0], { line: 3, column: 'order_no', reason: 'order_not_found' })
    const fang = await Member.findByOrFail('name', '李小芳')
    assert.equal(fang.spentFen, 54800 + 29900 - 18240)
    const again = await new RunImport().handle({ companyId: company.id, kind: 'refunds', path })
    assert.deepInclude(again, { rows: 2, duplicates: 1, rejected: 1 })
  })

  test('missing required columns fail the import with the column names', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const path = await fixture('order_no,status\nA,paid\n')
    await assert.rejects(
      () => new RunImport().handle({ companyId: company.id, kind: 'orders', path }),
      /missing_columns/
    )
  })

  test('node ace import:members records the import and prints the counts line', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    const path = await fixture(TAOBAO_MEMBERS, 'gbk')
    ace.ui.switchMode('raw')
    try {
      const command = await ace.create(ImportMembers, [path])
      await command.exec()
      command.assertSucceeded()
      command.assertLog('rows=7 inserted=2 updated=0 duplicates=1 rejected=4')
      const dry = await ace.create(ImportMembers, [path, '--dry-run'])
      await dry.exec()
      dry.assertLog('rows=7 inserted=0 updated=0 duplicates=3 rejected=4')
    } finally {
      ace.ui.switchMode('normal')
    }
    const record = await Import.query().orderBy('id', 'desc').firstOrFail()
    assert.deepInclude(record.serialize(), {
      kind: 'members',
      status: 'succeeded',
      rows: 7,
      inserted: 2,
      rejected: 4,
    })
  })
})
