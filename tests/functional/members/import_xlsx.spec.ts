import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import ExcelJS from 'exceljs'
import { mkdir, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { zipSync } from 'fflate'
import { RunImport } from '#app/members/imports/run_import'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import Order from '#app/commerce/models/order'
import { countRows, createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

async function workbook(rows: unknown[][], extraSheet = false) {
  const dir = app.tmpPath('test-imports')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${randomUUID()}.xlsx`
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('导出')
  for (const row of rows) sheet.addRow(row)
  if (extraSheet) book.addWorksheet('汇总').addRow(['不应导入', 1])
  await book.xlsx.writeFile(path)
  return path
}

// exceljs writes a Date as the wall-clock time it shows: build them in UTC.
const at = (iso: string) => new Date(`${iso}Z`)

test.group('Members / import XLSX', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a Taobao member export as XLSX: typed cells read as text, every row accounted for, again changes nothing', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const path = await workbook(
      [
        [
          '买家昵称',
          '姓名',
          '手机号',
          '性别',
          '生日',
          '省份',
          '城市',
          '会员等级',
          '累计消费金额(元)',
          '交易次数',
          '最后交易时间',
          '积分',
        ],
        [
          'tb_小芳',
          '李小芳',
          13800138000,
          '女',
          at('1990-05-01T00:00:00'),
          '浙江省',
          '杭州市',
          'VIP2',
          1234.5,
          5,
          at('2024-03-05T10:20:00'),
          880,
        ],
        [],
        [
          { richText: [{ text: 'tb_' }, { text: '阿强' }] },
          '王强',
          '139 0013 9000',
          '男',
          '1985/12/3',
          '江苏省',
          '南京市',
          'VIP1',
          { formula: '90+9', result: 99 },
          1,
          '2024-01-02',
          10,
        ],
        [
          'tb_坏号',
          '赵六',
          12345,
          '男',
          '1988-01-01',
          '浙江省',
          '宁波市',
          'VIP1',
          10,
          1,
          '2024-01-02',
          0,
        ],
        [
          'tb_负数',
          '孙八',
          13600136000,
          '女',
          '1990-01-01',
          '浙江省',
          '温州市',
          'VIP1',
          -5,
          1,
          '2024-01-02',
          0,
        ],
      ],
      true
    )
    const summary = await new RunImport().handle({ companyId: company.id, kind: 'members', path })
    assert.equal(summary.format, 'xlsx')
    assert.equal(summary.preset, 'taobao_members')
    assert.deepInclude(summary, { rows: 4, inserted: 2, updated: 0, duplicates: 0, rejected: 2 })
    assert.deepEqual(
      summary.rejects.map((r) => [r.line, r.column, r.reason]),
      [
        [5, '手机号', 'invalid_phone'],
        [6, '累计消费金额(元)', 'negative_amount'],
      ]
    )
    const fang = await Member.findByOrFail('name', '李小芳')
    assert.equal(fang.phone!.digits, '13800138000')
    assert.equal(fang.birthday!.toISODate(), '1990-05-01')
    const nick = await MemberIdentity.query()
      .where({ type: 'taobao_nick', value: 'tb_小芳' })
      .firstOrFail()
    assert.deepEqual(nick.platformData, {
      level: 'VIP2',
      spentFen: 123450,
      trades: 5,
      lastTradeAt: '2024-03-05T02:20:00.000Z',
      points: 880,
    })
    const qiang = await MemberIdentity.query()
      .where({ type: 'taobao_nick', value: 'tb_阿强' })
      .firstOrFail()
    assert.equal((qiang.platformData as any).spentFen, 9900)

    const again = await new RunImport().handle({ companyId: company.id, kind: 'members', path })
    assert.deepInclude(again, { rows: 4, inserted: 0, updated: 0, duplicates: 2, rejected: 2 })
    assert.equal(await countRows('members'), 2)
  })

  test('orders and refunds from XLSX: lines of one order grouped, amounts exact in fen', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const orders = await workbook([
      [
        '店铺',
        '订单号',
        '订单状态',
        '下单时间',
        '实付金额',
        '手机号',
        '商家编码',
        '商品标题',
        '数量',
        '单价',
      ],
      [
        '天猫旗舰店',
        'TM1',
        '交易成功',
        at('2024-03-05T10:00:00'),
        548.1,
        13800138000,
        'SKU-A',
        '开衫',
        1,
        399.1,
      ],
      [
        '天猫旗舰店',
        'TM1',
        '交易成功',
        at('2024-03-05T10:00:00'),
        548.1,
        13800138000,
        'SKU-B',
        'T恤',
        1,
        149,
      ],
      ['京东店', 'JD1', '已完成', '2024/4/1 09:00', 0.1, 13800138000, 'SKU-C', '长裤', 3, 0.1],
    ])
    const summary = await new RunImport().handle({
      companyId: company.id,
      kind: 'orders',
      path: orders,
    })
    assert.deepInclude(summary, { rows: 3, inserted: 3, rejected: 0 })
    const tm = await Order.query().where('platformOrderNo', 'TM1').preload('items').firstOrFail()
    assert.equal(tm.paidFen, 54810)
    assert.lengthOf(tm.items, 2)
    assert.equal(tm.items[0].priceFen, 39910)
    assert.equal(tm.orderedAt.toUTC().toISO({ suppressMilliseconds: true }), '2024-03-05T02:00:00Z')

    const refunds = await workbook([
      ['店铺', '退款编号', '订单号', '退款状态', '退款金额', '申请时间'],
      ['天猫旗舰店', 'RF1', 'TM1', '退款成功', 149, at('2024-03-07T12:00:00')],
    ])
    const refunded = await new RunImport().handle({
      companyId: company.id,
      kind: 'refunds',
      path: refunds,
    })
    assert.deepInclude(refunded, { rows: 1, inserted: 1, rejected: 0 })
    const member = await Member.query().whereNotNull('phoneHash').firstOrFail()
    assert.equal(member.spentFen, 54810 + 10 - 14900)

    const again = await new RunImport().handle({
      companyId: company.id,
      kind: 'orders',
      path: orders,
    })
    assert.deepInclude(again, { rows: 3, inserted: 0, updated: 0, duplicates: 3 })
  })

  test('a ZIP that is not a workbook is rejected, never crashes', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const dir = app.tmpPath('test-imports')
    await mkdir(dir, { recursive: true })
    const path = `${dir}/${randomUUID()}.xlsx`
    await writeFile(path, zipSync({ 'hello.txt': new TextEncoder().encode('不是表格') }))
    await assert.rejects(
      () => new RunImport().handle({ companyId: company.id, kind: 'members', path }),
      /empty_file|E_IMPORT/
    )
  })

  test('the import page takes an XLSX upload and previews it', async ({ client, assert }) => {
    await createCompanyWithShops()
    const path = await workbook([
      ['name', 'phone', 'city'],
      ['张三', 13800000111, '上海'],
    ])
    const crm = await createStaff('crm')
    const preview = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .file('file', path)
    preview.assertStatus(200)
    preview.assertTextIncludes('XLSX')
    preview.assertTextIncludes('张三')
    assert.equal(await countRows('members'), 0)
  })
})
