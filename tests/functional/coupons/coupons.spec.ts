import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import Coupon from '#app/coupons/models/coupon'
import CouponBatch from '#app/coupons/models/coupon_batch'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { thresholdTemplate } from '#tests/functional/coupons/fixtures'
import { IssueCouponBatch } from '#app/coupons/actions/issue_coupon_batch'
import {
  SyncCouponUsage,
  expireCoupons,
  couponOrderPages,
} from '#app/coupons/actions/sync_coupon_usage'
import { toDbTime } from '#app/shared/kernel/db_values'
import { queryPlan, sortsIn } from '#tests/support/query_plans'
import { UseCoupon } from '#app/coupons/actions/use_coupon'
import { CouponReport } from '#app/coupons/actions/coupon_report'
import { couponDiscount } from '#app/coupons/actions/coupon_rules'
import { issueCouponTo } from '#app/coupons/actions/issue_coupon'
import db from '@adonisjs/lucid/services/db'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'

async function seedMembers() {
  const shops = await createCompanyWithShops()
  const resolve = new ResolveMember()
  const member = async (phone: string, city: string) =>
    resolve.handle({
      companyId: shops.company.id,
      identities: [{ type: 'phone', value: phone }],
      profile: { name: `会员${phone.slice(-4)}`, province: '浙江省', city },
    })
  const members = [
    await member('13800138001', '杭州市'),
    await member('13800138002', '杭州市'),
    await member('13800138003', '宁波市'),
  ]
  return { ...shops, memberIds: members.map((m) => m.memberId) }
}

async function createTemplate(client: any, user: any, form: Record<string, string>) {
  return client.post('/coupons').loginAs(user).withCsrfToken().form(form).redirects(0)
}

/** 满 200 减 30, 30 days from issue. */
async function issue(client: any, user: any, templateId: number, filters: Record<string, string>) {
  const form = { templateId: String(templateId), requestKey: `key-${templateId}-issue`, ...filters }
  const response = await client
    .post('/coupons/issue')
    .loginAs(user)
    .withCsrfToken()
    .form(form)
    .redirects(0)
  await queue.drain()
  return response
}

function order(companyId: number, shopId: number, overrides: Partial<OrderInput>): OrderInput {
  return {
    companyId,
    shopId,
    platformOrderNo: 'TM1001',
    status: 'paid',
    orderedAt: DateTime.utc().minus({ hours: 2 }),
    paidAt: DateTime.utc().minus({ hours: 2 }),
    goodsFen: 25900,
    discountFen: 3000,
    shippingFen: 0,
    paidFen: 22900,
    items: [
      { skuCode: 'QZ-1', title: '针织开衫', category: '针织衫', quantity: 1, priceFen: 25900 },
    ],
    ...overrides,
  }
}

test.group('Coupons / templates', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('CRM staff create a 满减 template; amounts are stored in fen and audit-logged', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    const response = await createTemplate(client, crm, {
      name: '双12 满200减30',
      kind: 'threshold',
      minSpend: '200',
      amount: '30.5',
      validity: 'days',
      validDays: '30',
    })
    response.assertStatus(302)
    const template = await CouponTemplate.findByOrFail('name', '双12 满200减30')
    assert.equal(template.minSpendFen, 20000)
    assert.equal(template.amountFen, 3050)
    assert.equal(template.validDays, 30)
    const audit = await AuditEvent.query().where('entity_type', 'coupon_template').firstOrFail()
    assert.equal(audit.action, 'create')

    const page = await client.get(`/coupons/${template.id}`).loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('满 ¥200.00 减 ¥30.50')
  })

  test('a template that would give the goods away, or lacks its amounts, is refused and nothing is saved', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    const giveaway = await createTemplate(client, crm, {
      name: '满100减100',
      kind: 'threshold',
      minSpend: '100',
      amount: '100',
      validity: 'days',
      validDays: '7',
    })
    giveaway.assertStatus(302)
    const noDates = await createTemplate(client, crm, {
      name: '折扣',
      kind: 'discount',
      payPercent: '85',
      validity: 'dates',
    })
    noDates.assertStatus(302)
    const fractional = await createTemplate(client, crm, {
      name: '小数',
      kind: 'no_threshold',
      amount: '1.234',
      validity: 'days',
      validDays: '7',
    })
    fractional.assertStatus(302)
    assert.equal(await countRows('coupon_templates'), 0)
  })

  test('fixed dates run through the last day in the company zone', async ({ client, assert }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    await createTemplate(client, crm, {
      name: '12月会员日 85折',
      kind: 'discount',
      payPercent: '85',
      maxDiscount: '50',
      validity: 'dates',
      validFrom: '2026-12-01',
      validUntil: '2026-12-12',
    })
    const template = await CouponTemplate.findByOrFail('name', '12月会员日 85折')
    assert.equal(template.validFrom!.toISO(), '2026-11-30T16:00:00.000Z')
    assert.equal(
      template.validUntil!.toUTC().toFormat('yyyy-MM-dd HH:mm:ss'),
      '2026-12-12 15:59:59'
    )
    // 85折 on ¥399: ¥59.85 off, capped at ¥50.
    assert.equal(
      couponDiscount(template, {
        goodsFen: 39900,
        shippingFen: 0,
        shopId: null,
        at: DateTime.utc(),
      }),
      5000
    )
    assert.equal(
      couponDiscount(template, {
        goodsFen: 9999,
        shippingFen: 0,
        shopId: null,
        at: DateTime.utc(),
      }),
      1499
    )
  })

  test('viewers see coupons but cannot create or issue them', async ({ client }) => {
    await createCompanyWithShops()
    const viewer = await createStaff('viewer')
    const list = await client.get('/coupons').loginAs(viewer)
    list.assertStatus(200)
    const create = await client.get('/coupons/new').loginAs(viewer)
    create.assertStatus(403)
    const post = await createTemplate(client, viewer, {
      name: 'x',
      kind: 'free_shipping',
      validity: 'days',
      validDays: '1',
    })
    post.assertStatus(403)
  })
})

test.group('Coupons / issuing to a member filter', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('issues one coupon with a unique code to each filtered member, as a job, once per submit', async ({
    client,
    assert,
  }) => {
    const { company } = await seedMembers()
    const template = await thresholdTemplate(company.id)
    const crm = await createStaff('crm')

    const preview = await client
      .get('/coupons/issue')
      .qs({ city: '杭州市', templateId: template.id })
      .loginAs(crm)
    preview.assertStatus(200)
    preview.assertTextIncludes('2')

    const first = await issue(client, crm, template.id, { city: '杭州市' })
    first.assertStatus(302)
    const again = await issue(client, crm, template.id, { city: '杭州市' })
    again.assertStatus(302)
    assert.equal(await countRows('coupon_batches'), 1, 'the same form submitted twice is one batch')

    const coupons = await Coupon.query().where('template_id', template.id)
    assert.lengthOf(coupons, 2)
    assert.equal(new Set(coupons.map((c) => c.code)).size, 2)
    for (const coupon of coupons) {
      assert.match(coupon.code, /^[A-HJKMNP-Z2-9]{12}$/)
      assert.equal(coupon.status, 'issued')
      assert.equal(Math.round(coupon.validUntil.diff(coupon.issuedAt, 'days').days), 30)
    }
    const run = await JobRun.query().where('job_name', 'coupons.issue_batch').firstOrFail()
    assert.equal(run.status, 'completed')
    assert.equal(run.counts?.issued, 2)

    // A rerun (a worker crashed after issuing) gives nobody a second coupon.
    const batch = await CouponBatch.firstOrFail()
    const rerun = await new IssueCouponBatch().run(batch.id)
    assert.deepEqual(rerun, { members: 2, issued: 0, already: 2, overLimit: 0 })
    assert.equal(await countRows('coupons'), 2)

    const page = await client.get(`/coupons/${template.id}`).loginAs(crm)
    page.assertTextIncludes('data-testid="job-progress"')
    // The run's counts under their names in the page's language, not the job's keys.
    assert.match(page.text(), /<span class="mr-2">已发放 2<\/span>/)
    assert.notInclude(page.text(), 'issued=')
    const list = await client.get('/coupons').loginAs(crm)
    list.assertTextIncludes('满200减30')
    const members = await client.get('/members').qs({ city: '杭州市' }).loginAs(crm)
    members.assertTextIncludes('/coupons/issue?city=')
  })

  test('the issue limit (发行量) holds across batches', async ({ assert }) => {
    const { company } = await seedMembers()
    const crm = await createStaff('crm')
    const template = await thresholdTemplate(company.id, { totalLimit: 2 })
    const issuer = new IssueCouponBatch()
    const one = await issuer.start({
      companyId: company.id,
      template,
      filters: { city: '宁波市' },
      requestKey: 'batch-one-ningbo',
      actor: crm,
    })
    const two = await issuer.start({
      companyId: company.id,
      template,
      filters: {},
      requestKey: 'batch-two-everyone',
      actor: crm,
    })
    await queue.drain()
    await one.refresh()
    await two.refresh()
    assert.equal(await countRows('coupons'), 2)
    const second = await JobRun.findOrFail(two.jobRunId)
    assert.equal(second.counts?.overLimit, 2)
  })

  test('an archived template cannot be issued', async ({ assert }) => {
    const { company } = await seedMembers()
    const crm = await createStaff('crm')
    const template = await thresholdTemplate(company.id, { archivedAt: DateTime.utc() })
    await assert.rejects(
      () =>
        new IssueCouponBatch().start({
          companyId: company.id,
          template,
          filters: {},
          requestKey: 'archived-batch',
          actor: crm,
        }),
      'coupons.errors.archived'
    )
  })
})

test.group('Coupons / use', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function issued() {
    const shops = await seedMembers()
    const crm = await createStaff('crm')
    const template = await thresholdTemplate(shops.company.id)
    const batch = await new IssueCouponBatch().start({
      companyId: shops.company.id,
      template,
      filters: { city: '宁波市' },
      requestKey: 'batch-ningbo-use',
      actor: crm,
    })
    await queue.drain()
    const coupon = await Coupon.findByOrFail('batchId', batch.id)
    return { ...shops, crm, template, coupon }
  }

  test('an order carrying the code marks it used, counts its GMV, and gives it back when closed', async ({
    assert,
  }) => {
    const { company, tmall, template, coupon } = await issued()
    // A second coupon of the same template, used by the same order: its GMV counts once.
    const secondId = await db.transaction((trx) =>
      issueCouponTo(trx, template.id, coupon.memberId!)
    )
    const second = await Coupon.findOrFail(secondId)
    const upsert = new UpsertOrder()
    await upsert.handle(
      order(company.id, tmall.id, {
        memberId: coupon.memberId,
        couponCodes: [coupon.code, second.code, 'PLATFORM88'],
      })
    )
    const sync = new SyncCouponUsage()
    const first = await sync.handle(company.id)
    assert.deepEqual(first, { orders: 1, used: 2, released: 0, unknown: 1 })
    await coupon.refresh()
    assert.equal(coupon.status, 'used')
    assert.equal(coupon.usedOrderNo, 'TM1001')

    const report = await new CouponReport().byTemplate([template.id])
    const figures = report.get(template.id)!
    assert.include(figures, { issued: 2, used: 2, expired: 0, gmvFen: 22900 })

    // A rerun re-reads the overlap before its cursor and changes nothing.
    const rerun = await sync.handle(company.id)
    assert.include(rerun, { used: 0, released: 0 })
    await coupon.refresh()
    assert.equal(coupon.usedOrderNo, 'TM1001')

    await upsert.handle(
      order(company.id, tmall.id, {
        memberId: coupon.memberId,
        couponCodes: [coupon.code, second.code, 'PLATFORM88'],
        status: 'closed',
        closedAt: DateTime.utc(),
      })
    )
    // Closed within the same second as the cursor's position: still seen.
    const third = await sync.handle(company.id)
    assert.equal(third.released, 2)
    await coupon.refresh()
    assert.equal(coupon.status, 'issued')
    assert.isNull(coupon.usedOrderId)
  })

  test('a coupon given back by a closed order and used by another order in the same page goes to the new order', async ({
    assert,
  }) => {
    const { company, tmall, coupon } = await issued()
    const upsert = new UpsertOrder()
    const first = order(company.id, tmall.id, {
      memberId: coupon.memberId,
      couponCodes: [coupon.code],
    })
    await upsert.handle(first)
    const sync = new SyncCouponUsage()
    assert.include(await sync.handle(company.id), { used: 1 })

    // The first order is closed, then a second order of the member carries the same code:
    // both come in one page, the closed one first.
    await upsert.handle({ ...first, status: 'closed', closedAt: DateTime.utc() })
    await upsert.handle(
      order(company.id, tmall.id, {
        platformOrderNo: 'TM1002',
        memberId: coupon.memberId,
        couponCodes: [coupon.code],
      })
    )
    const handover = await sync.handle(company.id)
    assert.include(handover, { released: 1, used: 1 })
    await coupon.refresh()
    assert.equal(coupon.status, 'used')
    assert.equal(coupon.usedOrderNo, 'TM1002')
  })

  test('the upkeep reads its pages through the orders-with-codes index, in its order', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const after = { at: toDbTime(DateTime.utc(), db.connection()), id: 42 }
    const pages = {
      first: couponOrderPages.first(company.id).toSQL(),
      sameInstant: couponOrderPages.sameInstant(company.id, after).toSQL(),
      later: couponOrderPages.later(company.id, after).toSQL(),
    }
    const plans: Record<string, string> = {}
    for (const [name, page] of Object.entries(pages)) plans[name] = await queryPlan(page)
    for (const text of Object.values(plans)) {
      assert.include(text, 'orders_coupon_usage_index')
      assert.isFalse(sortsIn(text))
    }
    if (db.connection().dialect.name === 'better-sqlite3') {
      // Both columns of the position bound the range: no page re-reads the orders before it.
      assert.include(
        plans.sameInstant,
        'orders_coupon_usage_index (company_id=? AND updated_at=? AND id>?)'
      )
    }
  })

  test('the API checks a basket, redeems once, answers the same order again and refuses another', async ({
    client,
    assert,
  }) => {
    const { tmall, crm, coupon } = await issued()
    const token = await new ManageAccessTokens().create(crm, { name: 'POS' }, null)

    const low = await client
      .post('/api/v1/coupons/validate')
      .bearerToken(token)
      .json({ code: coupon.code.toLowerCase(), goodsFen: 19900, shopId: tmall.id })
    low.assertStatus(422)
    assert.equal(low.body().error.code, 'E_COUPON_BELOW_THRESHOLD')

    const check = await client
      .post('/api/v1/coupons/validate')
      .bearerToken(token)
      .json({ code: coupon.code.replace(/(.{4})(?=.)/g, '$1-'), goodsFen: 25900, shopId: tmall.id })
    check.assertStatus(200)
    assert.equal(check.body().data.discountFen, 3000)

    const use = () =>
      client
        .post('/api/v1/coupons/use')
        .bearerToken(token)
        .json({ code: coupon.code, goodsFen: 25900, shopId: tmall.id, orderNo: 'POS-0001' })
    const used = await use()
    used.assertStatus(200)
    assert.equal(used.body().data.status, 'used')
    const replay = await use()
    replay.assertStatus(200)
    assert.equal(replay.body().data.discountFen, 3000)

    const other = await client
      .post('/api/v1/coupons/use')
      .bearerToken(token)
      .json({ code: coupon.code, goodsFen: 25900, shopId: tmall.id, orderNo: 'POS-0002' })
    other.assertStatus(409)
    assert.equal(other.body().error.code, 'E_COUPON_USED')

    const unknown = await client
      .post('/api/v1/coupons/validate')
      .bearerToken(token)
      .json({ code: 'NOPE-NOPE-NOPE', goodsFen: 25900 })
    unknown.assertStatus(404)
  })

  test('tills racing for one coupon: exactly one order gets it', async ({ assert }) => {
    const { company, tmall, coupon } = await issued()
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        new UseCoupon().use({
          companyId: company.id,
          code: coupon.code,
          shopId: tmall.id,
          orderNo: `POS-${i}`,
          basket: { goodsFen: 30000, shippingFen: 0, shopId: tmall.id, at: DateTime.utc() },
        })
      )
    )
    assert.lengthOf(
      attempts.filter((a) => a.status === 'fulfilled'),
      1
    )
    await coupon.refresh()
    assert.equal(coupon.status, 'used')
  })

  test("the member page loads the member's coupons", async ({ client }) => {
    const { crm, coupon } = await issued()
    const page = await client.get(`/members/${coupon.memberId}`).loginAs(crm)
    page.assertTextIncludes('data-testid="member-coupons-slot"')
    const fragment = await client
      .get(`/members/${coupon.memberId}/coupons`)
      .header('HX-Request', 'true')
      .loginAs(crm)
    fragment.assertStatus(200)
    fragment.assertTextIncludes(coupon.code.slice(0, 4) + '-')
    fragment.assertTextIncludes('满200减30')
    const plain = await client.get(`/members/${coupon.memberId}/coupons`).loginAs(crm)
    plain.assertTextIncludes('<html')
  })

  test('coupons past their time expire and are refused', async ({ assert }) => {
    const { company, tmall, coupon } = await issued()
    await expireCoupons(company.id, DateTime.utc().plus({ days: 31 }))
    await coupon.refresh()
    assert.equal(coupon.status, 'expired')
    await assert.rejects(
      () =>
        new UseCoupon().check({
          companyId: company.id,
          code: coupon.code,
          basket: { goodsFen: 30000, shippingFen: 0, shopId: tmall.id, at: DateTime.utc() },
        }),
      'coupons.errors.expired'
    )
  })
})

test.group('Coupons / bought with points', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a coupon reward issues a real coupon with the points; cancelling takes it back, unless it was used', async ({
    assert,
  }) => {
    const { createMembers } = await import('#tests/functional/loyalty/fixtures')
    const { PointsLedger } = await import('#app/loyalty/services/points_ledger')
    const { Rewards } = await import('#app/loyalty/actions/rewards')
    const { company, refs } = await createMembers(1)
    const crm = await createStaff('crm')
    const ref = refs[0]
    await new PointsLedger().adjust(ref, {
      points: 1000,
      reason: '测试',
      idempotencyKey: 'seed-1000',
      actor: crm,
    })
    const template = await thresholdTemplate(company.id)
    const rewards = new Rewards()
    const rewardId = await rewards.create(
      company.id,
      {
        name: '500 积分换满200减30',
        kind: 'coupon',
        pointsCost: 500,
        stock: null,
        perMemberLimit: null,
        couponTemplateId: template.id,
      },
      crm
    )

    const first = await rewards.redeem(ref, { rewardId, idempotencyKey: 'redeem-1' }, crm)
    const coupon = await Coupon.query().where('memberId', ref.memberId).firstOrFail()
    assert.equal(coupon.status, 'issued')
    assert.equal(coupon.templateId, template.id)
    // The same redemption again gives no second coupon.
    await rewards.redeem(ref, { rewardId, idempotencyKey: 'redeem-1' }, crm)
    assert.equal(await countRows('coupons'), 1)

    await rewards.cancel(company.id, first.id, crm)
    await coupon.refresh()
    assert.equal(coupon.status, 'void')
    const afterCancel = await new PointsLedger().account(ref)
    assert.equal(afterCancel.balance, 1000)

    // Redeemed again and used at a till: the redemption can no longer be cancelled.
    const second = await rewards.redeem(ref, { rewardId, idempotencyKey: 'redeem-2' }, crm)
    const given = await Coupon.query()
      .where('memberId', ref.memberId)
      .where('status', 'issued')
      .firstOrFail()
    const { default: Shop } = await import('#app/organization/models/shop')
    const store = await Shop.create({
      companyId: company.id,
      name: '门店',
      platform: 'offline',
      timezone: 'Asia/Shanghai',
    })
    const shopId = store.id
    await new UseCoupon().use({
      companyId: company.id,
      code: given.code,
      shopId,
      orderNo: 'POS-9',
      basket: { goodsFen: 30000, shippingFen: 0, shopId, at: DateTime.utc() },
    })
    await assert.rejects(
      () => rewards.cancel(company.id, second.id, crm),
      'coupons.errors.cannot_void_used'
    )
    const afterRefusal = await new PointsLedger().account(ref)
    assert.equal(afterRefusal.balance, 500)
  })
})
