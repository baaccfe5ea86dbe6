import { BaseSeeder } from '@adonisjs/lucid/seeders'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import { Phone } from '#app/shared/kernel/phone'
import { bulkInsert } from '#app/shared/kernel/bulk_insert'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface MembersSeedSize {
  members: number
  orders: number
}

/** Demo size; `MEMBERS_SEED_MEMBERS` / `MEMBERS_SEED_ORDERS` or `seed({ … })` for benchmarks. */
export const DEMO_SIZE: MembersSeedSize = { members: 300, orders: 1500 }

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const GIVEN = [
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '婷',
  '雪',
  '慧',
  '颖',
  '琳',
  '佳',
  '欣',
  '悦',
  '倩',
  '雯',
  '晓',
  '梦',
  '思',
  '雨',
  '萱',
  '伟',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '杰',
  '涛',
  '明',
  '超',
  '浩',
  '宇',
  '晨',
  '子',
  '嘉',
  '一',
  '诗',
  '梓',
  '若',
  '安',
]
const FEMALE_GIVEN = new Set([
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '婷',
  '雪',
  '慧',
  '颖',
  '琳',
  '欣',
  '悦',
  '倩',
  '雯',
  '梦',
  '萱',
  '诗',
])
const CITIES: [string, string, number][] = [
  ['浙江省', '杭州市', 14],
  ['上海市', '上海市', 12],
  ['北京市', '北京市', 10],
  ['广东省', '广州市', 8],
  ['广东省', '深圳市', 8],
  ['江苏省', '南京市', 6],
  ['江苏省', '苏州市', 6],
  ['浙江省', '宁波市', 5],
  ['四川省', '成都市', 6],
  ['湖北省', '武汉市', 5],
  ['重庆市', '重庆市', 4],
  ['陕西省', '西安市', 3],
  ['福建省', '厦门市', 3],
  ['湖南省', '长沙市', 3],
  ['山东省', '青岛市', 3],
  ['天津市', '天津市', 2],
  ['浙江省', '温州市', 3],
  ['安徽省', '合肥市', 2],
  ['河南省', '郑州市', 2],
  ['云南省', '昆明市', 1],
]
const PRODUCTS: [string, string, string, number][] = [
  ['QZ-KN-001', '羊毛混纺针织开衫', '针织衫', 39900],
  ['QZ-KN-002', '圆领羊绒毛衣', '针织衫', 69900],
  ['QZ-TS-001', '纯棉宽松短袖T恤', 'T恤', 9900],
  ['QZ-TS-002', '重磅印花长袖T恤', 'T恤', 15900],
  ['QZ-SH-001', '法式亚麻衬衫', '衬衫', 25900],
  ['QZ-SH-002', '牛津纺条纹衬衫', '衬衫', 19900],
  ['QZ-DR-001', '碎花雪纺连衣裙', '连衣裙', 35900],
  ['QZ-DR-002', '针织修身长裙', '连衣裙', 42900],
  ['QZ-JN-001', '高腰直筒牛仔裤', '裤装', 29900],
  ['QZ-PT-001', '垂感阔腿西裤', '裤装', 27900],
  ['QZ-CT-001', '双面羊毛大衣', '外套', 129900],
  ['QZ-CT-002', '轻薄防风夹克', '外套', 45900],
  ['QZ-DN-001', '90白鸭绒短款羽绒服', '羽绒服', 89900],
  ['QZ-DN-002', '连帽长款羽绒服', '羽绒服', 119900],
  ['QZ-AC-001', '真丝印花方巾', '配饰', 15900],
  ['QZ-AC-002', '羊绒围巾', '配饰', 29900],
]
const COLOURS = [
  ['BK', '黑色'],
  ['WH', '白色'],
  ['GR', '灰色'],
  ['NV', '藏青'],
  ['KH', '卡其'],
]
const SIZES = ['S', 'M', 'L', 'XL']
const COUPONS = ['NEW20', 'VIP50', '618MJ', 'DOUBLE11', 'SPRING30']
const PHONE_PREFIXES = ['135', '136', '137', '138', '139', '150', '158', '186', '188']

/** Small seeded PRNG so the demo data is the same on every install. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)],
  }
}

/**
 * Members of the demo apparel company with orders in its three shops
 * (Tmall, JD, the Hangzhou store), written in bulk batches so that
 * benchmark sizes (1M members, 10M orders) load in minutes, not hours.
 */
export default class MembersSeeder extends BaseSeeder {
  static environment = ['development', 'test']

  async run() {
    await MembersSeeder.seed({
      members: Number(process.env.MEMBERS_SEED_MEMBERS ?? DEMO_SIZE.members),
      orders: Number(process.env.MEMBERS_SEED_ORDERS ?? DEMO_SIZE.orders),
    })
  }

  static async seed(
    size: MembersSeedSize = DEMO_SIZE,
    options: { batch?: number; seed?: number } = {}
  ) {
    const company = await db.from('companies').orderBy('id').first()
    if (!company) return { members: 0, orders: 0 }
    const shops = await db
      .from('shops')
      .where('company_id', company.id)
      .orderBy('id')
      .select('id', 'platform')
    if (!shops.length) return { members: 0, orders: 0 }
    const random = rng(options.seed ?? 20260401)
    const batch = options.batch ?? 5000
    const client = db.connection()
    const now = toDbTime(DateTime.utc(), client)!
    const skus = await MembersSeeder.catalog(client, company.id, now)

    const lastMember = await db.from('members').max('id as max').first()
    const lastOrder = await db.from('orders').max('id as max').first()
    const startIndex = Number(lastMember?.max ?? 0)
    const startOrder = Number(lastOrder?.max ?? 0)
    const avgOrders = size.members ? size.orders / size.members : 0
    let ordersLeft = size.orders
    let orderSeq = startOrder
    // Generated in UTC: zone arithmetic per order would dominate the run time.
    const today = DateTime.utc().startOf('day')

    for (let from = 0; from < size.members; from += batch) {
      const count = Math.min(batch, size.members - from)
      const memberRows: Record<string, unknown>[] = []
      const identityPlans: { index: number; rows: { type: string; value: string }[] }[] = []
      const orderPlans: { memberIndex: number; orders: any[] }[] = []

      for (let k = 0; k < count; k++) {
        const index = startIndex + from + k + 1
        const surname = random.pick([...SURNAMES])
        const given = random.pick(GIVEN) + (random.next() < 0.6 ? random.pick(GIVEN) : '')
        const gender = FEMALE_GIVEN.has(given[0])
          ? 'female'
          : random.next() < 0.5
            ? 'male'
            : 'female'
        const [province, city] = weighted(random.next(), CITIES)
        const phone = Phone.parse(
          `${PHONE_PREFIXES[index % PHONE_PREFIXES.length]}${String(index).padStart(8, '0')}`
        )
        const home = shops[index % shops.length]
        // A steady trickle of sign-ups up to today, so "new members" figures are not empty.
        const registered = today.minus({ days: random.int(0, 1100) })
        const birthday = DateTime.fromObject({
          year: random.int(1965, 2004),
          month: random.int(1, 12),
          day: random.int(1, 28),
        })

        // Orders of this member: a long tail, a few heavy buyers.
        const remainingMembers = size.members - (from + k)
        let n =
          remainingMembers === 1
            ? ordersLeft
            : Math.min(ordersLeft, Math.floor(-Math.log(1 - random.next()) * avgOrders))
        if (n < 0) n = 0
        ordersLeft -= n
        const orders = []
        let spent = 0
        let first: DateTime | null = null
        let last: DateTime | null = null
        const boughtIn = new Set<number>([home.id])
        for (let o = 0; o < n; o++) {
          const shop = random.next() < 0.75 ? home : random.pick(shops)
          boughtIn.add(shop.id)
          const orderedAt = registered.plus({
            days: random.int(0, Math.max(1, Math.floor(today.diff(registered, 'days').days))),
            minutes: random.int(0, 1439),
          })
          const roll = random.next()
          const status =
            roll < 0.8 ? 'completed' : roll < 0.88 ? 'shipped' : roll < 0.93 ? 'paid' : 'closed'
          const lines = []
          let goods = 0
          for (let l = random.int(1, 3); l > 0; l--) {
            const sku = random.pick(skus)
            const quantity = random.next() < 0.9 ? 1 : 2
            lines.push({ sku, quantity })
            goods += sku.priceFen * quantity
          }
          const coupon = random.next() < 0.3 ? random.pick(COUPONS) : null
          const discount = coupon ? Math.min(goods - 100, random.pick([2000, 3000, 5000])) : 0
          const paid = goods - discount
          orders.push({
            shop,
            orderedAt,
            status,
            lines,
            goods,
            discount,
            paid,
            coupon,
            no: `${shop.platform.toUpperCase()}${orderedAt.toFormat('yyyyMMdd')}${String(++orderSeq).padStart(8, '0')}`,
          })
          if (status !== 'closed') {
            spent += paid
            if (!first || orderedAt < first) first = orderedAt
            if (!last || orderedAt > last) last = orderedAt
          }
        }
        const purchases = orders.filter((o) => o.status !== 'closed').length
        // The latest purchase before the last one (MemberStats keeps it for the lifecycle).
        let previous: DateTime | null = null
        for (const order of orders) {
          if (order.status === 'closed' || !last || order.orderedAt >= last) continue
          if (!previous || order.orderedAt > previous) previous = order.orderedAt
        }

        memberRows.push({
          company_id: company.id,
          name: surname + given,
          gender,
          birthday: birthday.toISODate(),
          province,
          city,
          registered_at: toDbTime(registered, client),
          source_shop_id: home.id,
          source_channel: home.platform,
          phone_encrypted: phone.encrypt(),
          phone_hash: phone.blindIndex,
          order_count: purchases,
          spent_fen: spent,
          first_order_at: toDbTime(first, client),
          last_order_at: toDbTime(last, client),
          previous_order_at: toDbTime(previous, client),
          created_at: now,
          updated_at: now,
        })
        const identities = [{ type: 'phone', value: phone.blindIndex }]
        for (const shopId of boughtIn) {
          const platform = shops.find((s) => s.id === shopId)!.platform
          if (platform === 'tmall' || platform === 'taobao')
            identities.push({ type: 'taobao_nick', value: `tb_${surname}${given}${index}` })
          else if (platform === 'jd')
            identities.push({ type: 'jd_pin', value: `jd_${index.toString(36)}` })
          else if (platform === 'offline')
            identities.push({ type: 'store_card', value: `HB${String(index).padStart(8, '0')}` })
        }
        identityPlans.push({ index: k, rows: identities })
        orderPlans.push({ memberIndex: k, orders })
      }

      await db.transaction(async (trx) => {
        const ids = await MembersSeeder.insertReturningIds(trx, 'members', memberRows)
        await MembersSeeder.insertChunked(
          trx,
          'member_identities',
          identityPlans.flatMap((plan) =>
            plan.rows.map((row) => ({
              company_id: company.id,
              member_id: ids[plan.index],
              ...row,
              source: 'seed',
              created_at: now,
              updated_at: now,
            }))
          )
        )
        const orderRows = orderPlans.flatMap((plan) =>
          plan.orders.map((o) => ({
            company_id: company.id,
            shop_id: o.shop.id,
            platform_order_no: o.no,
            member_id: ids[plan.memberIndex],
            status: o.status,
            ordered_at: toDbTime(o.orderedAt, trx),
            paid_at: o.status === 'closed' ? null : toDbTime(o.orderedAt.plus({ minutes: 2 }), trx),
            shipped_at: ['shipped', 'completed'].includes(o.status)
              ? toDbTime(o.orderedAt.plus({ days: 1 }), trx)
              : null,
            completed_at:
              o.status === 'completed' ? toDbTime(o.orderedAt.plus({ days: 5 }), trx) : null,
            closed_at: o.status === 'closed' ? toDbTime(o.orderedAt.plus({ hours: 1 }), trx) : null,
            goods_fen: o.goods,
            discount_fen: o.discount,
            shipping_fen: 0,
            paid_fen: o.status === 'closed' ? 0 : o.paid,
            coupon_codes: o.coupon ? JSON.stringify([o.coupon]) : null,
            fingerprint: 'seed',
            created_at: now,
            updated_at: now,
          }))
        )
        const orderIds = await MembersSeeder.insertReturningIds(trx, 'orders', orderRows)
        const flat = orderPlans.flatMap((plan) => plan.orders)
        const itemRows: Record<string, unknown>[] = []
        const historyRows: Record<string, unknown>[] = []
        flat.forEach((o, i) => {
          let share = o.status === 'closed' ? 0 : o.paid
          o.lines.forEach((line: any, l: number) => {
            const lineGoods = line.sku.priceFen * line.quantity
            const paid =
              l === o.lines.length - 1
                ? share
                : Math.floor(((o.status === 'closed' ? 0 : o.paid) * lineGoods) / o.goods)
            share -= paid
            itemRows.push({
              order_id: orderIds[i],
              line_no: l + 1,
              sku_id: line.sku.id,
              sku_code: line.sku.code,
              title: line.sku.title,
              quantity: line.quantity,
              price_fen: line.sku.priceFen,
              paid_fen: paid,
            })
          })
          historyRows.push({
            subject_type: 'order',
            subject_id: orderIds[i],
            from_status: null,
            to_status: o.status,
            changed_at: orderRows[i].ordered_at,
            source: 'seed',
            created_at: now,
          })
        })
        await MembersSeeder.insertChunked(trx, 'order_items', itemRows)
        await MembersSeeder.insertChunked(trx, 'commerce_status_changes', historyRows)
      })
    }
    const { MemberStats } = await import('#app/commerce/actions/member_stats')
    await MemberStats.rebuildCategories(company.id, db.connection())
    // Segments and stages for the new members, as the nightly job would.
    const { RecomputeRfm } = await import('#app/members/actions/recompute_rfm')
    await new RecomputeRfm().handle(company.id)
    return { members: size.members, orders: size.orders - ordersLeft }
  }

  /** The demo catalog (16 products, 48 SKUs), created if missing; also used by the bench seeder. */
  static async catalog(client: QueryClientContract, companyId: number, now: string) {
    const skus: { id: number; code: string; title: string; priceFen: number }[] = []
    for (const [code, name, category, price] of PRODUCTS) {
      let product = await client.from('products').where({ company_id: companyId, code }).first()
      if (!product) {
        const [id] = await MembersSeeder.insertReturningIds(client, 'products', [
          {
            company_id: companyId,
            code,
            name,
            category,
            price_fen: price,
            created_at: now,
            updated_at: now,
          },
        ])
        product = { id }
      }
      for (const [colourCode, colour] of COLOURS.slice(0, 3)) {
        for (const size of SIZES) {
          const skuCode = `${code}-${colourCode}-${size}`
          const title = `${name} ${colour} ${size}`
          let sku = await client
            .from('skus')
            .where({ company_id: companyId, code: skuCode })
            .first()
          if (!sku) {
            const [id] = await MembersSeeder.insertReturningIds(client, 'skus', [
              {
                company_id: companyId,
                product_id: product.id,
                code: skuCode,
                name: title,
                price_fen: price,
                created_at: now,
                updated_at: now,
              },
            ])
            sku = { id }
          }
          skus.push({ id: sku.id, code: skuCode, title, priceFen: price })
        }
      }
    }
    return skus
  }

  /** Multi-row inserts; see insertReturningIds. */
  static async insertChunked(
    client: QueryClientContract,
    table: string,
    rows: Record<string, unknown>[]
  ) {
    await MembersSeeder.bulkInsert(client, table, rows, false)
  }

  /** Inserts rows and returns their ids in insertion order. */
  static async insertReturningIds(
    client: QueryClientContract,
    table: string,
    rows: Record<string, unknown>[]
  ) {
    return MembersSeeder.bulkInsert(client, table, rows, true)
  }

  /** Through the driver inside a transaction (app/shared/kernel/bulk_insert.ts). */
  private static async bulkInsert(
    client: QueryClientContract,
    table: string,
    rows: Record<string, unknown>[],
    returning: boolean
  ): Promise<number[]> {
    return bulkInsert(client, table, rows, { returning })
  }
}

function weighted(roll: number, cities: [string, string, number][]): [string, string] {
  const total = cities.reduce((sum, c) => sum + c[2], 0)
  let at = roll * total
  for (const [province, city, weight] of cities) {
    if ((at -= weight) < 0) return [province, city]
  }
  return [cities[0][0], cities[0][1]]
}
