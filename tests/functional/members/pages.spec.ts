import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import iconv from 'iconv-lite'
import { mkdir, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import queue from '#app/shared/queue/queue'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import Import from '#app/members/models/import'
import Member from '#app/members/models/member'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import MemberMerge from '#app/members/models/member_merge'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seedMembers() {
  const shops = await createCompanyWithShops()
  const resolve = new ResolveMember()
  const fang = await resolve.handle({
    companyId: shops.company.id,
    identities: [
      { type: 'phone', value: '13800138000' },
      { type: 'taobao_nick', value: 'tb_小芳' },
    ],
    profile: { name: '李小芳', province: '浙江省', city: '杭州市' },
  })
  const qiang = await resolve.handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13900139000' }],
    profile: { name: '王强', province: '江苏省', city: '南京市' },
  })
  await new UpsertOrder().handle({
    companyId: shops.company.id,
    shopId: shops.jd.id,
    platformOrderNo: 'JD1',
    memberId: fang.memberId,
    status: 'completed',
    orderedAt: DateTime.fromISO('2024-04-01T10:00:00+08:00'),
    goodsFen: 29900,
    paidFen: 29900,
    items: [
      { skuCode: 'QZ-P-003', title: '休闲长裤', category: '裤装', quantity: 1, priceFen: 29900 },
    ],
  })
  return { ...shops, fang: fang.memberId, qiang: qiang.memberId }
}

test.group('Members / pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the list filters server-side and masks phones unless allowed', async ({
    client,
    assert,
  }) => {
    const { jd } = await seedMembers()
    const operator = await createStaff('operator')
    const list = await client.get('/members').loginAs(operator)
    list.assertStatus(200)
    list.assertTextIncludes('李小芳')
    list.assertTextIncludes('138****8000')
    assert.notInclude(list.text(), '13800138000')

    const byPhone = await client
      .get('/members')
      .qs({ phone: '+86 139 0013 9000' })
      .loginAs(operator)
    byPhone.assertTextIncludes('王强')
    assert.notInclude(byPhone.text(), '李小芳')

    const byShop = await client.get('/members').qs({ shop: jd.id, minSpent: 100 }).loginAs(operator)
    byShop.assertTextIncludes('李小芳')
    assert.notInclude(byShop.text(), '王强')

    const byCategory = await client.get('/members').qs({ category: '裤装' }).loginAs(operator)
    assert.notInclude(byCategory.text(), '王强')
    byCategory.assertTextIncludes('李小芳')
    const noneBought = await client.get('/members').qs({ category: '羽绒服' }).loginAs(operator)
    assert.notInclude(noneBought.text(), '李小芳')

    const byCity = await client.get('/members').qs({ city: '南京市' }).loginAs(operator)
    assert.notInclude(byCity.text(), '李小芳')

    // The filter form as a browser submits it: every field, the unused ones empty.
    const empty = await client.get('/members').loginAs(operator)
    const fields = empty.text()
    const form = fields.slice(fields.indexOf('data-testid="members-filter"'))
    const names = [...form.slice(0, form.indexOf('</form>')).matchAll(/name="([^"]+)"/g)]
    const submitted = Object.fromEntries(names.map(([, name]) => [name, '']))
    assert.includeMembers(Object.keys(submitted), ['name', 'segment', 'tag', 'lastOrderFrom'])
    const byForm = await client
      .get('/members')
      .qs({ ...submitted, name: '王', sort: 'newest' })
      .loginAs(operator)
    byForm.assertTextIncludes('王强')
    assert.notInclude(byForm.text(), '李小芳')
    assert.notInclude(byForm.text(), '筛选条件有误')

    // Masked by default also for staff who may see numbers: they reveal one on the member page.
    const crm = await createStaff('crm')
    const crmList = await client.get('/members').loginAs(crm)
    crmList.assertTextIncludes('138****8000')
    assert.notInclude(crmList.text(), '13800138000')
  })

  test('keyset paging walks the whole list without repeats', async ({ client, assert }) => {
    const { company } = await createCompanyWithShops()
    for (let i = 0; i < 55; i++) {
      await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `C${i}` }],
        profile: { name: `会员${String(i).padStart(2, '0')}` },
      })
    }
    const viewer = await createStaff('crm')
    const first = await client.get('/members').loginAs(viewer)
    const next = /href="([^"]*after=[^"]*)"/.exec(first.text())
    assert.exists(next)
    const second = await client.get(next![1].replace(/&amp;/g, '&')).loginAs(viewer)
    const names = (html: string) => [...html.matchAll(/>(会员\d\d)</g)].map((m) => m[1])
    const all = [...names(first.text()), ...names(second.text())]
    assert.lengthOf(all, 55)
    assert.lengthOf(new Set(all), 55)
  })

  test('the member page shows profile, identities, orders and timeline', async ({ client }) => {
    const { fang } = await seedMembers()
    const page = await client.get(`/members/${fang}`).loginAs(await createStaff('operator'))
    page.assertStatus(200)
    page.assertTextIncludes('李小芳')
    page.assertTextIncludes('tb_小芳')
    page.assertTextIncludes('JD1')
    page.assertTextIncludes('休闲长裤')
    page.assertTextIncludes('138****8000')
  })

  test('tags: create, attach, and bulk-tag a filtered list', async ({ client, assert }) => {
    const { fang, qiang } = await seedMembers()
    const crm = await createStaff('crm')
    await client
      .post('/members/tags')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '高价值' })
      .redirects(0)
    const tag = await MemberTag.findByOrFail('name', '高价值')
    await client
      .post(`/members/${qiang}/tags`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ tagId: tag.id })
      .redirects(0)
    const bulk = await client
      .post('/members/tags/bulk')
      .loginAs(crm)
      .withCsrfToken()
      .form({ tagId: tag.id, city: '杭州市' })
      .redirects(0)
    bulk.assertStatus(302)
    const assignments = await db
      .from('member_tag_assignments')
      .where('tag_id', tag.id)
      .orderBy('member_id')
    const tagged = assignments.map((r) => r.member_id)
    assert.deepEqual(
      tagged,
      [fang, qiang].sort((a, b) => a - b)
    )
    const filtered = await client.get('/members').qs({ tag: tag.id, city: '杭州市' }).loginAs(crm)
    filtered.assertTextIncludes('李小芳')
  })

  test('merging needs members.merge; an admin merges and undoes', async ({ client, assert }) => {
    const { fang, qiang } = await seedMembers()
    const crm = await createStaff('crm')
    const refused = await client
      .post('/members/merges')
      .loginAs(crm)
      .withCsrfToken()
      .form({ sourceId: qiang, targetId: fang })
    refused.assertStatus(403)

    const admin = await createStaff('admin')
    const merged = await client
      .post('/members/merges')
      .loginAs(admin)
      .withCsrfToken()
      .form({ sourceId: qiang, targetId: fang })
      .redirects(0)
    merged.assertStatus(302)
    const found1 = await Member.findOrFail(qiang)
    assert.equal(found1.mergedIntoId, fang)
    const merge = await MemberMerge.firstOrFail()
    await client
      .post(`/members/merges/${merge.id}/undo`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const found2 = await Member.findOrFail(qiang)
    assert.isNull(found2.mergedIntoId)
    const page = await client.get('/members/merges').loginAs(admin)
    page.assertStatus(200)
  })

  test('import: upload, preview (nothing saved), run as a job, summary and rejects download', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const dir = app.tmpPath('test-imports')
    await mkdir(dir, { recursive: true })
    const path = `${dir}/${randomUUID()}.csv`
    await writeFile(
      path,
      iconv.encode(
        [
          '买家昵称,姓名,手机号,性别,生日,省份,城市,会员等级,累计消费金额(元),交易次数,最后交易时间,积分',
          'tb_小芳,李小芳,13800138000,女,1990年5月1日,浙江省,杭州市,VIP2,"1,234.50",5,2024/3/5 10:20,880',
          'tb_坏号,某某,12345,男,1990-01-01,浙江省,杭州市,VIP1,1,1,2024/3/5,0',
        ].join('\r\n'),
        'gbk'
      )
    )
    const crm = await createStaff('crm')
    const preview = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .file('file', path)
    preview.assertStatus(200)
    preview.assertTextIncludes('淘宝/天猫会员导出')
    preview.assertTextIncludes('gb18030')
    preview.assertTextIncludes('不是有效的中国大陆手机号')
    // Parsed values under translated column names: the gender read, the phone masked.
    assert.match(
      preview.text(),
      /<th[^>]*>姓名<\/th>\s*<th[^>]*>手机号<\/th>\s*<th[^>]*>性别<\/th>/
    )
    assert.match(preview.text(), /138\*\*\*\*8000\s*<\/td>\s*<td[^>]*>\s*女\s*<\/td>/)
    assert.equal(
      await Member.query()
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      0
    )

    const record = await Import.query().orderBy('id', 'desc').firstOrFail()
    const run = await client
      .post(`/imports/${record.id}/run`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    run.assertStatus(302)
    await queue.drain()
    await record.refresh()
    assert.deepInclude(record.serialize(), {
      status: 'succeeded',
      rows: 2,
      inserted: 1,
      rejected: 1,
      requestedById: crm.id,
    })
    assert.isNotNull(record.jobRunId)

    const show = await client.get(`/imports/${record.id}`).loginAs(crm)
    show.assertTextIncludes('已完成')
    const rejects = await client.get(`/imports/${record.id}/rejects`).loginAs(crm)
    rejects.assertStatus(200)
    assert.include(rejects.text(), '3,手机号,invalid_phone')

    const operator = await createStaff('operator')
    const forbidden = await client.get('/imports').loginAs(operator)
    forbidden.assertStatus(403)
  })
})

test.group('Members / pages / bad input', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a bad filter in the URL shows the list with a notice', async ({ client }) => {
    await seedMembers()
    const page = await client
      .get('/members')
      .qs({ minSpent: 'abc' })
      .loginAs(await createStaff('crm'))
    page.assertStatus(200)
    page.assertTextIncludes('筛选条件有误')
    page.assertTextIncludes('李小芳')
  })

  test('an upload without a file or with missing columns is refused with a translated reason', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    const noFile = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'members')
      .redirects(0)
    noFile.assertStatus(302)
    noFile.assertFlashMessage('inputErrorsBag', { file: ['请填写文件'] })

    const dir = app.tmpPath('test-imports')
    await mkdir(dir, { recursive: true })
    const path = `${dir}/${randomUUID()}.csv`
    await writeFile(path, 'order_no,status\nA,paid\n')
    const missing = await client
      .post('/imports/preview')
      .loginAs(crm)
      .withCsrfToken()
      .field('kind', 'orders')
      .file('file', path)
      .redirects(0)
    missing.assertStatus(302)
    // Missing columns are not the end: the user is taken to the column-mapping screen.
    const record = await Import.query().orderBy('id', 'desc').firstOrFail()
    assert.equal(missing.header('location'), `/imports/${record.id}/mapping`)
    assert.equal(record.status, 'queued')
    assert.include(String(missing.flashMessage('error')), '文件缺少必需的列')
  })
})

test.group('Members / tag groups', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('tags can be grouped; the list shows group / tag', async ({ client, assert }) => {
    await seedMembers()
    const crm = await createStaff('crm')
    const created = await client
      .post('/members/tag-groups')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '风格偏好' })
      .redirects(0)
    created.assertStatus(302)
    const groupRow = await MemberTagGroup.findByOrFail('name', '风格偏好')
    await client
      .post('/members/tags')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '法式', groupId: groupRow.id })
    const tag = await MemberTag.findByOrFail('name', '法式')
    assert.equal(tag.groupId, groupRow.id)
    const list = await client.get('/members').loginAs(crm)
    list.assertTextIncludes('风格偏好 / 法式')
  })
})

test.group('Members / pages in English', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every members page renders translated strings only', async ({ client, assert }) => {
    const { fang } = await seedMembers()
    const admin = await createStaff('admin', { locale: 'en' })
    for (const url of [
      '/members',
      `/members/${fang}`,
      '/members/merges',
      '/imports',
      '/members/rfm',
    ]) {
      const page = await client.get(url).loginAs(admin)
      page.assertStatus(200)
      assert.notMatch(page.text(), /\b(members|imports|commerce)\.[a-z_]+\.[a-z_]+/, url)
      const body = page.text().split('<main')[1] ?? ''
      const chinese = [...body.matchAll(/[\u4e00-\u9fa5]+/gu)].map((m) => m[0])
      // The English RFM segment labels keep the Chinese name staff know them by.
      const data =
        /李小芳|王强|小芳|浙江省|江苏省|杭州市|南京市|天猫旗舰店|京东店|湖滨门店|测试服饰|休闲长裤|裤装|^(重要|一般)(价值|发展|保持|挽留)$/
      assert.deepEqual(
        chinese.filter((text) => !data.test(text)),
        [],
        url
      )
    }
  })
})
