import { DateTime } from 'luxon'
import { escapeLike } from '#app/shared/kernel/like_pattern'
import db from '@adonisjs/lucid/services/db'
import { Phone } from '#app/shared/kernel/phone'
import Member from '#app/members/models/member'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { rawRows, toDbTime } from '#app/shared/kernel/db_values'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'

export interface MemberFilters {
  name?: string
  phone?: string
  province?: string
  city?: string
  tag?: number
  /** A custom attribute (自定义属性): equal to attributeValue, or between attributeMin/Max (numbers or YYYY-MM-DD dates). */
  attribute?: number
  attributeValue?: string
  attributeMin?: string
  attributeMax?: string
  /** Members of a static segment (静态分群). */
  savedSegment?: number
  shop?: number
  /** Bought a product of this category (paid orders). */
  category?: string
  /** Bought this product (paid orders): a product code, or a SKU code. */
  product?: string
  /** Current loyalty tier (会员等级, app/loyalty member_tiers). */
  tier?: number
  /** Available points (可用积分) range; members without a points account have 0. */
  minPoints?: number
  maxPoints?: number
  /** Last purchase within the last N days / more than N days ago (relative, for auto-tag rules). */
  lastOrderWithinDays?: number
  lastOrderOverDays?: number
  segment?: string
  lifecycle?: string
  /** Yuan, as typed in the filter form. */
  minSpent?: number
  maxSpent?: number
  minOrders?: number
  maxOrders?: number
  lastOrderFrom?: Date
  lastOrderTo?: Date
  sort?: 'newest' | 'spent' | 'orders'
  after?: string
}

const SORT_COLUMN = { newest: 'id', spent: 'spent_fen', orders: 'order_count' } as const

/** More provinces than this and the city filter leaves the plan to SQLite (mainland China has 34). */
const PROVINCE_LIMIT = 100

type AnyQuery = DatabaseQueryBuilderContract<any> | ModelQueryBuilderContract<any, any>

/** A filter an index answers, in three forms that select the same members (`indexedFilters`). */
interface IndexedFilter {
  key: string
  indexed: (query: AnyQuery) => unknown
  /** Missing when no index gives the ids (a name with Latin letters, a city without its provinces). */
  ids?: () => DatabaseQueryBuilderContract<any>
  test: (query: AnyQuery) => unknown
}

/** The access path a page chose (`ListMembers.access`). */
export interface PageAccess {
  /** Every province members live in, when the city filter was given without one. */
  provinces?: string[]
  /** The filter whose member ids are read first, or none: walk newest first. */
  driver: string | null
  /** Whether the (company_id, …) indexes stay usable: only to walk the sort column's (SQLite). */
  companyIndexes: boolean
}

/**
 * The member list: every filter runs in the database, on indexed columns
 * where it can (phone by blind index, order figures kept on the member),
 * and pages by keyset (`after` = the last row's sort value and id), so
 * page 500 costs what page 1 costs.
 */
export class ListMembers {
  static readonly PAGE_SIZE = 50
  /** A filter matching fewer members than this drives a SQLite page (`access`). */
  static DRIVER_LIMIT = 20_000

  /**
   * The members the filters select, newest first unless sorted. Every caller
   * but the list page leaves the plan to the database; the page passes the
   * access path it chose (see `access`).
   */
  query(companyId: number, filters: MemberFilters, zone: string, access?: PageAccess) {
    const query = Member.query()
    const sqlite = onSqlite()
    if (access && sqlite && !access.companyIndexes) query.whereRaw('+"company_id" = ?', [companyId])
    else query.where('company_id', companyId)
    query.whereNull('merged_into_id').whereNull('erased_at')

    for (const filter of this.indexedFilters(companyId, filters, zone, access?.provinces)) {
      if (!access) filter.indexed(query)
      else if (filter.key !== access.driver) (sqlite ? filter.test : filter.indexed)(query)
      else if (sqlite) query.whereIn('id', filter.ids!())
      // PostgreSQL plans `id IN (…)` as a walk of the primary key that tests each
      // member, as if the matches were spread evenly over the ids: 3.1 s warm (9 s cold
      // without the IN) for the 19,000 who spent over ¥20,000, mostly early members.
      // An array of the ids is a condition of the primary key index itself: 35–130 ms.
      else {
        const ids = filter.ids!().toSQL()
        query.whereRaw(`"id" = any(array(${ids.sql}))`, ids.bindings as any[])
      }
    }
    if (
      filters.attribute &&
      (filters.attributeValue || filters.attributeMin || filters.attributeMax)
    ) {
      const values = db.from('member_attribute_values').where('attribute_id', filters.attribute)
      if (filters.attributeValue) values.where('value_text', filters.attributeValue)
      const attributeBound = (value: string, op: '>=' | '<=') => {
        if (/^\d{4}-\d{2}-\d{2}$/.test(value)) values.where('value_date', op, value)
        else if (Number.isFinite(Number(value))) values.where('value_number', op, Number(value))
        else values.whereRaw('1 = 0')
      }
      if (filters.attributeMin) attributeBound(filters.attributeMin, '>=')
      if (filters.attributeMax) attributeBound(filters.attributeMax, '<=')
      query.whereIn('id', values.select('member_id'))
    }
    if (filters.shop) {
      query.whereExists(
        db
          .from('orders')
          .whereColumn('orders.member_id', 'members.id')
          .where('orders.shop_id', filters.shop)
          .select(db.raw('1'))
      )
    }
    if (filters.product) {
      // Driven from the product side: skus (company, code) or (product_id) →
      // order_items (sku_id) → orders by primary key, so the cost follows the
      // product's sales, not the member count.
      const code = filters.product
      const skus = db
        .from('skus')
        .where('company_id', companyId)
        .where((q) =>
          q
            .where('code', code)
            .orWhereIn(
              'product_id',
              db.from('products').where({ company_id: companyId, code }).select('id')
            )
        )
        .select('id')
      query.whereIn(
        'id',
        db
          .from('order_items')
          .join('orders', 'orders.id', 'order_items.order_id')
          .whereIn('order_items.sku_id', skus)
          .whereIn('orders.status', PURCHASE_STATUSES)
          .whereNotNull('orders.member_id')
          .select('orders.member_id')
      )
    }
    if (filters.minPoints !== undefined || filters.maxPoints !== undefined) {
      const min = filters.minPoints ?? Number.NEGATIVE_INFINITY
      const max = filters.maxPoints ?? Number.POSITIVE_INFINITY
      const accounts = db.from('points_accounts').where('company_id', companyId)
      if (min <= 0 && max >= 0) {
        // 0 is in the range: members without an account (0 points) match too,
        // so exclude the accounts outside the range instead.
        accounts.where((q) => {
          if (filters.minPoints !== undefined) q.orWhere('balance', '<', filters.minPoints)
          if (filters.maxPoints !== undefined) q.orWhere('balance', '>', filters.maxPoints)
        })
        query.whereNotIn('id', accounts.select('member_id'))
      } else {
        if (filters.minPoints !== undefined) accounts.where('balance', '>=', filters.minPoints)
        if (filters.maxPoints !== undefined) accounts.where('balance', '<=', filters.maxPoints)
        query.whereIn('id', accounts.select('member_id'))
      }
    }
    return query
  }

  async page(companyId: number, filters: MemberFilters, zone: string) {
    const sort = filters.sort ?? 'newest'
    const column = SORT_COLUMN[sort]
    const access = await this.pageAccess(companyId, filters, zone)
    const rows = await this.pageQuery(companyId, filters, zone, access)
    const hasMore = rows.length > ListMembers.PAGE_SIZE
    const members = rows.slice(0, ListMembers.PAGE_SIZE)
    const last = members[members.length - 1]
    const next =
      hasMore && last
        ? encodeCursor({
            value: column === 'id' ? last.id : (last as any)[sortProperty(sort)],
            id: last.id,
          })
        : null
    return { members, next }
  }

  /** How a page reaches its rows (see `access`). */
  async pageAccess(companyId: number, filters: MemberFilters, zone: string) {
    return await this.access(companyId, filters, zone, filters.sort ?? 'newest')
  }

  /** The query of one page, by the access path given: its cursor and order applied. */
  pageQuery(companyId: number, filters: MemberFilters, zone: string, access?: PageAccess) {
    const sort = filters.sort ?? 'newest'
    const column = SORT_COLUMN[sort]
    const query = this.query(companyId, filters, zone, access)
    if (access && !access.driver && column === 'id' && onSqlite()) {
      // Walk the members newest first, as `access` decided. Keeping the (company_id, …)
      // indexes out is not enough: a filter on a partially indexed column (segment,
      // lifecycle stage) implies the index's "is not null", and the planner read that
      // whole index and sorted it (0.3–1.3 s at 1M members) instead of stopping after
      // a page of the walk (10 ms).
      query.knexQuery.fromRaw('"members" not indexed')
    }
    const cursor = decodeCursor(filters.after)
    if (cursor) {
      if (column === 'id') query.where('id', '<', cursor.id)
      else
        query.where((q) =>
          q
            .where(column, '<', cursor.value)
            .orWhere((inner) => inner.where(column, cursor.value).where('id', '<', cursor.id))
        )
    }
    if (column !== 'id') query.orderBy(column, 'desc')
    query.orderBy('id', 'desc').limit(ListMembers.PAGE_SIZE + 1)
    return query
  }

  /**
   * How a page reaches its rows. SQLite's planner guesses how many
   * members a filter matches from statistics that cannot tell a city of 700
   * members from one of 200,000, and at 1M members a wrong guess costs
   * seconds: the unfiltered list read every member through the
   * (company_id, created_at) index and sorted them (2.7 s); a rare city with a
   * large RFM segment walked the segment (150 ms); 王 read 27,000 names and
   * sorted them (120 ms). So the page asks the indexes instead. Each filter
   * with an index counts its members, up to DRIVER_LIMIT (an index range of
   * at most that many entries, 1–2 ms). The one with the fewest under the
   * limit drives: its member ids are read first and the other filters test
   * those rows (20,000 of them take 10–20 ms). When none is under it, each
   * filter matches tens of thousands, and walking the members newest first
   * (or down the sort column's index) fills a page soonest. The limit was
   * 5,000: at 1M members the 19,000 who spent over ¥20,000 were mostly early
   * members, and the walk read most of the table to fill a page (250 ms).
   * PostgreSQL's planner makes the same mistake where a filter's members are not
   * spread evenly over the ids (that walk took 9 s there, a city of 700 members
   * with a category 0.4–0.8 s), so its pages choose the same way; with no driver
   * they leave the plan to it.
   */
  private async access(
    companyId: number,
    filters: MemberFilters,
    zone: string,
    sort: keyof typeof SORT_COLUMN
  ): Promise<PageAccess> {
    let provinces: string[] | undefined
    if (filters.city && !filters.province) {
      const listed = await this.provinces(companyId, PROVINCE_LIMIT)
      // Past the limit the list may be short of a province, and the city's ids with it.
      if (listed.length < PROVINCE_LIMIT) provinces = listed
    }
    let driver: string | null = null
    let fewest = ListMembers.DRIVER_LIMIT
    for (const filter of this.indexedFilters(companyId, filters, zone, provinces)) {
      if (!filter.ids) continue
      const { sql, bindings } = filter.ids().limit(fewest).toSQL()
      const [row] = rawRows<{ n: number }>(
        await db.rawQuery(`select count(*) as n from (${sql}) as matched`, bindings as any[])
      )
      if (Number(row.n) < fewest) {
        driver = filter.key
        fewest = Number(row.n)
      }
    }
    return { provinces, driver, companyIndexes: !driver && sort !== 'newest' }
  }

  /**
   * The filters an index of members (or a table keyed by member) answers, each
   * in three forms that select the same members: `indexed`, as the planner
   * may read it through its index; `ids`, the matching member ids read
   * through that index, for counting and for driving a page; `test`, the
   * condition on a member row read some other way, through no index of
   * members (unary `+` keeps SQLite from using one).
   */
  private indexedFilters(
    companyId: number,
    filters: MemberFilters,
    zone: string,
    provinces?: string[]
  ): IndexedFilter[] {
    const found: IndexedFilter[] = []
    const members = () => db.from('members').where('company_id', companyId).select('id')
    const column = (key: string, name: string, value: string) =>
      found.push({
        key,
        indexed: (query) => query.where(name, value),
        ids: () => members().where(name, value),
        test: (query) => query.whereRaw(`+"${name}" = ?`, [value]),
      })

    if (filters.name) {
      // The beginning of the name, Latin letters in either case (SQLite's LIKE folds
      // ASCII case; PostgreSQL's does not, ILIKE does). What staff type is text, not
      // a pattern: % and _ are escaped (a bare % listed everybody).
      const sqlite = onSqlite()
      const prefix = filters.name
      const pattern = `${escapeLike(prefix)}%`
      const like = <Query extends AnyQuery>(query: Query) =>
        query.whereRaw(`"name" ${sqlite ? 'like' : 'ilike'} ? escape '\\'`, [pattern]) as Query
      // Neither database read an index for the prefix: at 1M members SQLite walked
      // them all for 王 (570 ms), PostgreSQL for one customer's full name (1.3–2.0 s).
      // On PostgreSQL the prefix is a range of the lower-cased (company_id, name)
      // index (migration 0713): ILIKE compares lower(name) with lower(pattern). On
      // SQLite, where LIKE folds no case (no ASCII letters), it is a range of the
      // index in code-point order (its binary collation).
      const range = !sqlite
        ? <Query extends AnyQuery>(query: Query) =>
            like(query).whereRaw(`lower("name") like lower(?) escape '\\'`, [pattern]) as Query
        : !/[A-Za-z]/.test(prefix)
          ? <Query extends AnyQuery>(query: Query) =>
              like(query)
                .where('name', '>=', prefix)
                .where('name', '<', `${prefix}\u{10FFFF}`) as Query
          : undefined
      found.push({
        key: 'name',
        indexed: (query) => (range ?? like)(query),
        ids: range && (() => range(members())),
        test: like,
      })
    }
    // Ranges of the order figures kept on the member, each column's bounds one filter:
    // a rare one (spent over ¥20,000) drives the page from its (company_id, column) index
    // instead of a walk that finds a page's worth only after most members.
    const range = (key: string, name: string, bounds: Bound[]) => {
      if (!bounds.length) return
      const bounded = <Query extends AnyQuery>(query: Query, reference: string) => {
        for (const [op, value] of bounds) query.whereRaw(`${reference} ${op} ?`, [value as any])
        return query
      }
      found.push({
        key,
        indexed: (query) => bounded(query, `"${name}"`),
        ids: () => bounded(members(), `"${name}"`),
        test: (query) => bounded(query, `+"${name}"`),
      })
    }
    const fen = (yuan: number) => Math.round(yuan * 100)
    range('spent', 'spent_fen', [
      ...bound('>=', filters.minSpent, fen),
      ...bound('<=', filters.maxSpent, fen),
    ])
    range('orders', 'order_count', [
      ...bound('>=', filters.minOrders),
      ...bound('<=', filters.maxOrders),
    ])
    range('lastOrder', 'last_order_at', [
      ...bound('>=', filters.lastOrderWithinDays, (days) => this.daysAgo(days)),
      ...bound('<', filters.lastOrderOverDays, (days) => this.daysAgo(days)),
      ...bound('>=', filters.lastOrderFrom, (date) => this.dayStart(date, zone, 0)),
      ...bound('<', filters.lastOrderTo, (date) => this.dayStart(date, zone, 1)),
    ])
    if (filters.phone) {
      const phone = Phone.tryParse(filters.phone)
      // An impossible number matches nobody rather than everybody.
      column('phone', 'phone_hash', phone ? phone.blindIndex : '-')
    }
    if (filters.segment) column('segment', 'rfm_segment', filters.segment)
    if (filters.lifecycle) column('lifecycle', 'lifecycle_stage', filters.lifecycle)
    if (filters.province || filters.city) {
      const province = filters.province
      const cities = filters.city ? cityNames(filters.city) : undefined
      const place = <Query extends AnyQuery>(
        query: Query,
        provinceColumn: string,
        cityColumn: string
      ) => {
        if (province) query.whereRaw(`${provinceColumn} = ?`, [province])
        if (cities) query.whereRaw(`${cityColumn} in (${cities.map(() => '?').join(',')})`, cities)
        return query
      }
      // The (company_id, province, city) index finds a city only under its province:
      // with the provinces listed, each is one range of the index. Members with a
      // city and no province are a range of their own.
      const ids = province
        ? () => place(members(), '"province"', '"city"')
        : provinces &&
          (() =>
            place(members(), '"province"', '"city"')
              .whereIn('province', provinces)
              .unionAll(place(members(), '"province"', '"city"').whereNull('province')))
      found.push({
        key: 'place',
        indexed: (query) => place(query, '"province"', '"city"'),
        ids,
        test: (query) => place(query, '+"province"', '+"city"'),
      })
    }

    const related = (
      key: string,
      table: string,
      where: Record<string, unknown>
    ): IndexedFilter => ({
      key,
      indexed: (query) => query.whereIn('id', db.from(table).where(where).select('member_id')),
      ids: () => db.from(table).where(where).select('member_id'),
      test: (query) =>
        query.whereExists(
          db
            .from(table)
            .where(where)
            .whereColumn(`${table}.member_id`, 'members.id')
            .select(db.raw('1'))
        ),
    })
    if (filters.tag) found.push(related('tag', 'member_tag_assignments', { tag_id: filters.tag }))
    if (filters.savedSegment) {
      found.push(
        related('savedSegment', 'member_segment_members', { segment_id: filters.savedSegment })
      )
    }
    if (filters.category) {
      // member_categories (kept by MemberStats) answers "bought category X" from one
      // index range; joining orders → items → SKUs → products per page load took
      // seconds at 200k orders.
      found.push(
        related('category', 'member_categories', {
          company_id: companyId,
          category: filters.category,
        })
      )
    }
    if (filters.tier) {
      found.push(related('tier', 'member_tiers', { company_id: companyId, tier_id: filters.tier }))
    }
    return found
  }

  /**
   * The provinces members live in, for the filter's choices: one index seek
   * per province on (company_id, province, city) — a loose index scan. A
   * DISTINCT read every member's index entry: 255 ms of each list page at
   * 1M members on PostgreSQL, against 6 ms this way.
   */
  async provinces(companyId: number, limit = 100): Promise<string[]> {
    const result = await db.rawQuery(
      `with recursive p (province) as (
         select (select province from members
                  where company_id = ? and province is not null order by province limit 1)
         union all
         select (select m.province from members m
                  where m.company_id = ? and m.province > p.province order by m.province limit 1)
           from p where p.province is not null
       )
       select province from p where province is not null limit ?`,
      [companyId, companyId, limit]
    )
    return rawRows<{ province: string }>(result).map((row) => row.province)
  }

  private daysAgo(days: number) {
    return toDbTime(DateTime.utc().minus({ days }), db.connection())!
  }

  private dayStart(date: Date, zone: string, plusDays: number) {
    const day = DateTime.fromJSDate(date).toISODate()!
    return toDbTime(DateTime.fromISO(day, { zone }).plus({ days: plusDays }), db.connection())!
  }
}

/** SQLite pages keep the planner off some indexes and read prefixes as code-point ranges. */
function onSqlite() {
  return db.connection().dialect.name === 'better-sqlite3'
}

/** One bound of a range filter: the comparison and the value as stored. */
type Bound = ['>=' | '<=' | '<', unknown]

/** The bound when the filter gives its value, none when it does not. */
function bound<Value>(
  op: Bound[0],
  value: Value | undefined,
  toDb: (value: Value) => unknown = (given) => given
): Bound[] {
  return value === undefined ? [] : [[op, toDb(value)]]
}

function sortProperty(sort: 'newest' | 'spent' | 'orders') {
  return sort === 'spent' ? 'spentFen' : sort === 'orders' ? 'orderCount' : 'id'
}

function encodeCursor(cursor: { value: number; id: number }) {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url')
}

function decodeCursor(after: string | undefined): { value: number; id: number } | null {
  if (!after) return null
  try {
    const [value, id] = JSON.parse(Buffer.from(after, 'base64url').toString())
    if (!Number.isFinite(value) || !Number.isInteger(id)) return null
    return { value, id }
  } catch {
    return null
  }
}

/**
 * The spellings of a city a filter matches: staff type 杭州 for 杭州市 (and
 * platform exports carry either), so a name with or without the 市 suffix
 * matches both.
 */
export function cityNames(input: string): string[] {
  const city = input.trim()
  const bare = city.endsWith('市') && city.length > 2 ? city.slice(0, -1) : city
  return [...new Set([city, bare, `${bare}市`])]
}
