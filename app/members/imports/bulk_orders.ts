import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { Catalog } from '#app/commerce/actions/catalog'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { bulkInsert, bulkUpdate } from '#app/shared/kernel/bulk_insert'
import type { ImportRow, RowOutcome } from '#app/members/imports/importer'
import type { ParsedOrder } from '#app/members/imports/order_importer'
import type { OrderStatus } from '#app/commerce/models/order'
import { dbTimeMillis, toDbTime } from '#app/shared/kernel/db_values'
import {
  LOOKUP_CHUNK,
  OneIdBulkImport,
  rowsByShopNumber,
  type BulkCounters,
  type Identity,
} from '#app/members/imports/bulk_plan'

export interface BulkUnit {
  rows: ImportRow[]
  parsed: ParsedOrder
}

export interface BulkCallbacks {
  /** The per-unit path (ResolveMember + UpsertOrder in a savepoint, rejects on error). */
  fallback: (unit: BulkUnit) => Promise<void>
  /** Counts a unit the fast path applied. */
  done: (unit: BulkUnit, outcome: RowOutcome, memberIds: number[]) => void
  /** Members the fast path created (for what follows a new member: the signup bonus). */
  created?: (memberIds: number[]) => void
  /**
   * Existing members whose order figures the fast path kept in step itself
   * (nothing to recompute; what else follows a changed member still does).
   */
  kept?: (memberIds: number[]) => void
}

interface MemberState {
  id: number
  merged: boolean
  phoneHash: string | null
  profile: Record<string, unknown>
  /**
   * Order figures as stored, when new orders can simply be added to them
   * (null: the member has refunds, whose clamp at 0 only a recompute gets right).
   */
  figures: Figures | null
}

/**
 * What MemberStats.recompute keeps on a member: purchases, spend, first and
 * last order, and the latest purchase before the last.
 */
interface Figures {
  count: number
  spent: number
  first: StoredTime | null
  last: StoredTime | null
  previous: StoredTime | null
}

/**
 * Adds a purchase to the figures as MemberStats.recompute would count it;
 * returns the member columns that changed. A purchase after the last makes
 * the last the previous one; one at the same time as the last moves nothing.
 */
function addPurchase(figures: Figures, paidFen: number, at: StoredTime) {
  figures.count++
  figures.spent += paidFen
  const changed: Record<string, unknown> = {
    order_count: figures.count,
    spent_fen: figures.spent,
  }
  if (!figures.first || at.millis < figures.first.millis) {
    figures.first = at
    changed.first_order_at = at.stored
  }
  if (!figures.last || at.millis > figures.last.millis) {
    if (figures.last) {
      figures.previous = figures.last
      changed.previous_order_at = figures.last.stored
    }
    figures.last = at
    changed.last_order_at = at.stored
  } else if (
    at.millis < figures.last.millis &&
    (!figures.previous || at.millis > figures.previous.millis)
  ) {
    figures.previous = at
    changed.previous_order_at = at.stored
  }
  return changed
}

/** A time as stored on the member; read into milliseconds only when a new order is compared with it. */
class StoredTime {
  #millis: number | undefined
  constructor(
    readonly stored: unknown,
    millis?: number
  ) {
    this.#millis = millis
  }

  get millis() {
    return (this.#millis ??= dbTimeMillis(this.stored as string | Date))
  }
}

/** An order's time as the member row stores it. */
function storedTime(at: DateTime, client: QueryClientContract) {
  return new StoredTime(toDbTime(at, client), at.toMillis())
}

interface NewMember {
  ref: number
  row: Record<string, unknown>
  id?: number
  /** Identity keys given to it, repointed at the real id once written. */
  keys: string[]
}

/** An order already stored, as the plan needs it to update it. */
interface StoredOrder {
  id: number
  status: string
  memberId: number | null
  fingerprint: string
}

interface PlannedOrder {
  unit: BulkUnit
  input: Omit<OrderInput, 'memberId'>
  member: number | NewMember | null
  /** Set when the order exists with other content: the plan updates it. */
  existing?: StoredOrder
  /** A new order of an existing member whose figures the write adds it to (no recompute). */
  addsToFigures?: boolean
}

/** The writes planned for one run of simple units. */
interface OrderPlan {
  members: NewMember[]
  identities: Array<Record<string, unknown> & { member: number | NewMember }>
  orders: PlannedOrder[]
  /** Profile fields to fill on existing members (member id → column → value). */
  fills: Map<number, Record<string, unknown>>
}

/** What an update of a changed order rewrites (UpsertOrder writes the same columns). */
const UPDATED_ORDER_COLUMNS = [
  'member_id',
  'status',
  'ordered_at',
  'paid_at',
  'shipped_at',
  'completed_at',
  'closed_at',
  'goods_fen',
  'discount_fen',
  'shipping_fen',
  'paid_fen',
  'coupon_codes',
  'fingerprint',
  'updated_at',
]
const UPDATED_ITEM_COLUMNS = ['sku_id', 'sku_code', 'title', 'quantity', 'price_fen', 'paid_fen']
const setExcluded = (columns: string[]) =>
  columns.map((column) => `"${column}" = excluded."${column}"`).join(', ')

/** Profile columns an order import can fill (ResolveMember fills only empty ones). */
const PROFILE_COLUMNS = ['name', 'province', 'city', 'source_shop_id', 'source_channel'] as const

/** PostgreSQL types of the member columns the plan updates (bulkUpdate binds text otherwise). */
const MEMBER_COLUMN_TYPES = {
  source_shop_id: 'integer',
  order_count: 'integer',
  spent_fen: 'bigint',
  first_order_at: 'timestamptz',
  last_order_at: 'timestamptz',
  previous_order_at: 'timestamptz',
  updated_at: 'timestamptz',
}

/** The order figures on a member (MemberStats). */
const FIGURE_COLUMNS = [
  'order_count',
  'spent_fen',
  'first_order_at',
  'last_order_at',
  'previous_order_at',
] as const

/** A member row's figures as the plan adds to them. */
function storedFigures(row: Record<string, unknown>): Figures {
  const at = (stored: unknown) =>
    stored === null || stored === undefined ? null : new StoredTime(stored)
  return {
    count: Number(row.order_count ?? 0),
    spent: Number(row.spent_fen ?? 0),
    first: at(row.first_order_at),
    last: at(row.last_order_at),
    previous: at(row.previous_order_at),
  }
}

const STATUS_TIME: Record<OrderStatus, keyof OrderInput> = {
  pending: 'orderedAt',
  paid: 'paidAt',
  shipped: 'shippedAt',
  completed: 'completedAt',
  closed: 'closedAt',
}

const PURCHASES = new Set<string>(PURCHASE_STATUSES)

/**
 * The set-based path of the order import. For a batch of parsed orders it
 * loads the identities, their members and the existing orders with a few
 * queries, decides in memory which units are simple (new order, the same
 * order again, or a changed order — new status, amounts, lines — whose buyer
 * is new or matched to exactly one member without anything to fill in) and
 * writes those with multi-row statements in file order, so ids come out as
 * the row path would give them: INSERTs of new rows, `INSERT … ON CONFLICT DO
 * UPDATE` of changed orders and their lines, status-change rows in bulk.
 * Every other unit (identities of different or merged members, a profile or
 * phone to fill in, an order seen twice in one batch) goes through the
 * per-unit path after the pending writes, so correctness never depends on
 * the fast path.
 */
export class BulkOrderImport extends OneIdBulkImport<BulkUnit, OrderPlan, BulkCallbacks> {
  /** Units taken by each path, and bulk writes that failed (for tests and diagnostics). */
  static counters: BulkCounters = { fast: 0, fallback: 0, failedWrites: 0 }

  private identities = new Map<string, number>()
  private members = new Map<number, MemberState>()
  private orders = new Map<string, StoredOrder | 'pending'>()

  protected counters() {
    return BulkOrderImport.counters
  }

  protected newPlan(): OrderPlan {
    return { members: [], identities: [], orders: [], fills: new Map() }
  }

  protected identitiesOf(unit: BulkUnit): Identity[] | null {
    return this.normalisedIdentities(unit, unit.parsed.buyer.identities)
  }

  private orderKey(input: { shopId: number; platformOrderNo: string }) {
    return `${input.shopId}\u0000${input.platformOrderNo}`
  }

  /** Loads identities (one query per type), their members and existing orders into the state. */
  protected async load(units: BulkUnit[]) {
    const byShop = new Map<number, Set<string>>()
    for (const unit of units) {
      const order = unit.parsed.order
      if (!byShop.has(order.shopId)) byShop.set(order.shopId, new Set())
      byShop.get(order.shopId)!.add(order.platformOrderNo)
    }
    const memberIds = new Set<number>()
    const stored = await this.storedIdentities(units, [], (key) => this.identities.delete(key))
    for (const { key, row } of stored) {
      this.identities.set(key, Number(row.member_id))
      memberIds.add(Number(row.member_id))
    }
    const ids = [...memberIds]
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.client
        .from('members')
        .whereIn('id', ids.slice(i, i + LOOKUP_CHUNK))
        .select('id', 'merged_into_id', 'phone_hash', ...PROFILE_COLUMNS, ...FIGURE_COLUMNS)
      const refunded = new Set<number>()
      const withRefunds = await this.client
        .from('refunds')
        .join('orders', 'orders.id', 'refunds.order_id')
        .whereIn('orders.member_id', ids.slice(i, i + LOOKUP_CHUNK))
        .distinct('orders.member_id')
      for (const row of withRefunds) refunded.add(Number(row.member_id))
      for (const row of rows) {
        const profile: Record<string, unknown> = {}
        for (const column of PROFILE_COLUMNS) profile[column] = row[column]
        this.members.set(row.id, {
          id: row.id,
          merged: !!row.merged_into_id,
          phoneHash: row.phone_hash,
          profile,
          figures: refunded.has(Number(row.id)) ? null : storedFigures(row),
        })
      }
    }
    const storedOrders = await rowsByShopNumber(
      this.client,
      'orders',
      'platform_order_no',
      byShop,
      ['id', 'status', 'member_id', 'fingerprint'],
      (shopId, no) => this.orders.delete(`${shopId}\u0000${no}`)
    )
    for (const { shopId, row } of storedOrders) {
      this.orders.set(`${shopId}\u0000${row.platform_order_no}`, {
        id: Number(row.id),
        status: row.status,
        memberId: row.member_id === null ? null : Number(row.member_id),
        fingerprint: row.fingerprint,
      })
    }
  }

  private incomingProfile(unit: BulkUnit): Record<string, unknown> {
    const buyer = unit.parsed.buyer
    const values: Record<string, unknown> = {
      name: buyer.name,
      province: buyer.province,
      city: buyer.city,
      source_shop_id: unit.parsed.order.shopId,
      source_channel: buyer.platform,
    }
    const out: Record<string, unknown> = {}
    for (const [column, value] of Object.entries(values)) {
      if (value !== undefined && value !== null && value !== '') out[column] = value
    }
    return out
  }

  /** Adds a simple unit to the plan and returns true; false (plan untouched) if it is not simple. */
  protected plan(unit: BulkUnit, plan: OrderPlan): boolean {
    const identities = this.identitiesOf(unit)
    if (identities === null) return false
    const order = unit.parsed.order
    const key = this.orderKey(order)
    const existing = this.orders.get(key)
    if (existing === 'pending') return false

    const incoming = this.incomingProfile(unit)
    const phone = identities.find((i) => i.type === 'phone')
    let member: number | NewMember | null = null
    if (identities.length) {
      const owners = new Set<number>()
      for (const identity of identities) {
        const owner = this.identities.get(`${identity.type}:${identity.value}`)
        if (owner !== undefined) owners.add(owner)
      }
      if (owners.size > 1) return false
      if (owners.size === 1) {
        const id = [...owners][0]
        if (id < 0) {
          const pending = plan.members[-id - 1]
          if (!pending || pending.ref !== id) return false
          // A new member of this batch: fill what it lacks, as ResolveMember would.
          if (phone && !pending.row.phone_hash) return false
          if (existing) return false
          for (const [column, value] of Object.entries(incoming)) {
            if (pending.row[column] === null || pending.row[column] === undefined)
              pending.row[column] = value
          }
          member = pending
        } else {
          const state = this.members.get(id)
          if (!state || state.merged) return false
          if (phone && !state.phoneHash) return false
          // Fill what the member lacks, as ResolveMember would: the first row
          // (in file order) with a value wins, later rows see it filled.
          for (const [column, value] of Object.entries(incoming)) {
            const current = state.profile[column]
            if (current !== null && current !== undefined && current !== '') continue
            state.profile[column] = value
            const fill = plan.fills.get(id) ?? {}
            fill[column] = value
            plan.fills.set(id, fill)
          }
          member = id
        }
      }
    }

    const memberId = typeof member === 'number' ? member : null
    let changed: StoredOrder | undefined
    if (existing) {
      // A buyer new to this batch: the per-unit path creates the member and updates the order.
      if (identities.length && typeof member !== 'number') return false
      if (UpsertOrder.fingerprint({ ...order, memberId }) !== existing.fingerprint) {
        changed = existing
      }
    }

    // Simple: record the writes.
    const now = this.now
    if (identities.length && member === null) {
      const row: Record<string, unknown> = { company_id: this.context.companyId }
      for (const column of PROFILE_COLUMNS) row[column] = incoming[column] ?? null
      Object.assign(row, {
        gender: 'unknown',
        phone_encrypted: phone?.phone?.encrypt() ?? null,
        phone_hash: phone?.value ?? null,
        created_at: now,
        updated_at: now,
      })
      member = { ref: -(plan.members.length + 1), row, keys: [] }
      plan.members.push(member)
    }
    for (const identity of identities) {
      const identityKey = `${identity.type}:${identity.value}`
      if (this.identities.has(identityKey)) continue
      const owner = member as number | NewMember
      if (typeof owner === 'number') this.identities.set(identityKey, owner)
      else {
        this.identities.set(identityKey, owner.ref)
        owner.keys.push(identityKey)
      }
      plan.identities.push({
        company_id: this.context.companyId,
        member: owner,
        type: identity.type,
        value: identity.value,
        source: 'order',
        platform_data: null,
        created_at: now,
        updated_at: now,
      })
    }
    if (existing && !changed) return this.markDuplicate(unit, plan)
    this.orders.set(key, 'pending')
    const addsToFigures =
      !existing && typeof member === 'number' && !!this.members.get(member)?.figures
    plan.orders.push({ unit, input: order, member, existing: changed, addsToFigures })
    return true
  }

  private duplicates: BulkUnit[] = []

  private markDuplicate(unit: BulkUnit, _plan: unknown) {
    this.duplicates.push(unit)
    return true
  }

  /** Writes the plan; if that fails, undoes it and sends its units through the per-unit path. */
  protected async flush(plan: OrderPlan, callbacks: BulkCallbacks, rest: BulkUnit[]) {
    const duplicates = this.duplicates
    this.duplicates = []
    let result: Awaited<ReturnType<BulkOrderImport['write']>>
    try {
      result = await this.client.transaction((savepoint) => this.write(plan, savepoint))
      BulkOrderImport.counters.fast += duplicates.length + plan.orders.length
      for (const unit of duplicates) callbacks.done(unit, 'duplicate', [])
      for (const [index, planned] of plan.orders.entries()) {
        const memberId = result.memberIds[index]
        if (planned.existing) {
          // The member it belonged to and the one it belongs to now: both figures change.
          const ids = new Set([memberId, planned.existing.memberId])
          ids.delete(null)
          callbacks.done(planned.unit, 'updated', [...ids] as number[])
        } else if (planned.addsToFigures) {
          callbacks.done(planned.unit, 'inserted', [])
        } else {
          callbacks.done(planned.unit, 'inserted', memberId ? [memberId] : [])
        }
      }
      callbacks.created?.(result.createdMemberIds)
      callbacks.kept?.(result.keptMemberIds)
    } catch (error) {
      BulkOrderImport.counters.failedWrites++
      logger.warn(
        { err: error },
        'order import: bulk write failed, applying the batch unit by unit'
      )
      // Unexpected (a constraint the fast path did not foresee): the per-unit path decides.
      const units = [...duplicates, ...plan.orders.map((p) => p.unit)]
      units.sort((a, b) => a.rows[0].line - b.rows[0].line)
      this.identities.clear()
      this.orders.clear()
      this.members.clear()
      for (const unit of units) await callbacks.fallback(unit)
      await this.load(rest)
      return
    }
    for (const [index, planned] of plan.orders.entries()) {
      this.orders.set(this.orderKey(planned.input), {
        id: result.orderIds[index],
        status: planned.input.status,
        memberId: result.memberIds[index] ?? result.newMemberIds[index],
        fingerprint: result.fingerprints[index],
      })
    }
    for (const pending of plan.members) {
      for (const key of pending.keys) this.identities.set(key, pending.id!)
      const profile: Record<string, unknown> = {}
      for (const column of PROFILE_COLUMNS) profile[column] = pending.row[column]
      this.members.set(pending.id!, {
        id: pending.id!,
        merged: false,
        phoneHash: (pending.row.phone_hash as string) ?? null,
        profile,
        figures: storedFigures(pending.row),
      })
    }
  }

  /**
   * Order figures and bought categories of the members this plan creates,
   * computed from the plan itself: a new member has no other orders and no
   * refunds, so this is what MemberStats.recompute would write afterwards.
   */
  private newMemberFigures(
    plan: OrderPlan,
    skus: ({ category: string | null } | null)[][],
    client: QueryClientContract
  ) {
    const figures = new Map<NewMember, Figures & { categories: Set<string> }>()
    for (const member of plan.members) {
      figures.set(member, {
        count: 0,
        spent: 0,
        first: null,
        last: null,
        previous: null,
        categories: new Set(),
      })
    }
    for (const [index, { input, member }] of plan.orders.entries()) {
      if (member === null || typeof member === 'number') continue
      if (!PURCHASES.has(input.status)) continue
      const figure = figures.get(member)!
      addPurchase(figure, input.paidFen, storedTime(input.orderedAt, client))
      for (const sku of skus[index]) if (sku?.category) figure.categories.add(sku.category)
    }
    const categories: { member: NewMember; category: string }[] = []
    for (const [member, figure] of figures) {
      Object.assign(member.row, {
        order_count: figure.count,
        spent_fen: figure.spent,
        first_order_at: figure.first?.stored ?? null,
        last_order_at: figure.last?.stored ?? null,
        previous_order_at: figure.previous?.stored ?? null,
      })
      for (const category of figure.categories) categories.push({ member, category })
    }
    return categories
  }

  /** Multi-row inserts of members, identities, orders, status rows and items; member id per order. */
  private async write(plan: OrderPlan, client: QueryClientContract) {
    const catalog = new Catalog(this.context.companyId, client)
    await catalog.preload(
      plan.orders.flatMap(({ input }) => input.items.map((item) => item.skuCode ?? ''))
    )
    const skus: ({ id: number; category: string | null } | null)[][] = []
    for (const { input } of plan.orders) {
      const list = []
      for (const item of input.items) {
        list.push(
          item.skuCode
            ? await catalog.sku({
                skuCode: item.skuCode,
                title: item.title,
                productCode: item.productCode,
                category: item.category,
                priceFen: item.priceFen,
              })
            : null
        )
      }
      skus.push(list)
    }
    const categories = this.newMemberFigures(plan, skus, client)

    const memberIds = await bulkInsert(
      client,
      'members',
      plan.members.map((m) => m.row),
      { returning: true }
    )
    plan.members.forEach((m, index) => (m.id = memberIds[index]))
    const idOf = (member: number | NewMember | null) =>
      member === null ? null : typeof member === 'number' ? member : member.id!
    await bulkInsert(
      client,
      'member_identities',
      plan.identities.map(({ member, ...row }) => ({ ...row, member_id: idOf(member) }))
    )
    const now = toDbTime(DateTime.utc(), client)
    const orderRows = plan.orders.map(({ input, member }) => {
      const memberId = idOf(member)
      const full = { ...input, memberId }
      return {
        ...UpsertOrder.orderRow(full, client),
        fingerprint: UpsertOrder.fingerprint(full),
        created_at: now,
        updated_at: now,
      }
    })
    const newIds = await bulkInsert(
      client,
      'orders',
      orderRows.filter((_, index) => !plan.orders[index].existing),
      { returning: true }
    )
    // Changed orders: one multi-row upsert on the natural key rewrites them.
    await bulkInsert(
      client,
      'orders',
      orderRows.filter((_, index) => plan.orders[index].existing),
      {
        onConflict: `on conflict (shop_id, platform_order_no) do update set ${setExcluded(UPDATED_ORDER_COLUMNS)}`,
      }
    )
    let next = 0
    const orderIds = plan.orders.map(({ existing }) => existing?.id ?? newIds[next++])
    const statusRows: Record<string, unknown>[] = []
    for (const [index, { input, existing }] of plan.orders.entries()) {
      // Every status change is recorded: the first status of a new order, a changed one.
      if (existing && existing.status === input.status) continue
      const at =
        ((input as OrderInput)[STATUS_TIME[input.status]] as DateTime | null | undefined) ??
        DateTime.utc()
      statusRows.push({
        subject_type: 'order',
        subject_id: orderIds[index],
        from_status: existing?.status ?? null,
        to_status: input.status,
        changed_at: toDbTime(at, client),
        source: 'import',
        created_at: now,
      })
    }
    await bulkInsert(client, 'commerce_status_changes', statusRows)
    await this.dropExtraLines(plan, client)

    const itemRows: Record<string, unknown>[] = []
    const changedItemRows: Record<string, unknown>[] = []
    for (const [index, { input, existing }] of plan.orders.entries()) {
      for (const [line, item] of input.items.entries()) {
        ;(existing ? changedItemRows : itemRows).push({
          order_id: orderIds[index],
          line_no: line + 1,
          sku_id: skus[index][line]?.id ?? null,
          sku_code: item.skuCode ?? null,
          title: item.title,
          quantity: item.quantity,
          price_fen: item.priceFen,
          paid_fen: item.paidFen ?? item.priceFen * item.quantity,
        })
      }
    }
    await bulkInsert(client, 'order_items', itemRows)
    // Lines of changed orders are matched by position (refunds keep pointing at them).
    await bulkInsert(client, 'order_items', changedItemRows, {
      onConflict: `on conflict (order_id, line_no) do update set ${setExcluded(UPDATED_ITEM_COLUMNS)}`,
    })
    await bulkInsert(
      client,
      'member_categories',
      categories.map(({ member, category }) => ({
        company_id: this.context.companyId,
        category,
        member_id: member.id!,
      }))
    )
    const kept = await this.updateMembers(plan, skus, client)
    // New members have their order figures but no RFM yet, and the kept ones' changed:
    // queue them like any member whose orders changed (rows written from the plan, no
    // read of the members back).
    await bulkInsert(
      client,
      'member_rfm_dirty',
      [...plan.members.map((member) => member.id!), ...kept].map((id) => ({
        member_id: id,
        company_id: this.context.companyId,
        marked_at: now,
      })),
      { onConflict: 'on conflict (member_id) do update set marked_at = excluded.marked_at' }
    )
    return {
      // Members new in this plan have their figures already; the others are recomputed.
      memberIds: plan.orders.map(({ member }) => (typeof member === 'number' ? member : null)),
      newMemberIds: plan.orders.map(({ member }) =>
        member !== null && typeof member !== 'number' ? member.id! : null
      ),
      createdMemberIds: plan.members.map((member) => member.id!),
      keptMemberIds: kept,
      orderIds,
      fingerprints: orderRows.map((row) => row.fingerprint),
    }
  }

  /**
   * New orders of existing members without refunds, added to their stored
   * figures — what MemberStats.recompute would write, without reading their
   * orders again: a purchase adds one to the count and its amount to the
   * spend, and may move the first or last order date; its categories are
   * added to member_categories. Written with the profile fields the plan
   * fills (`fills`, which also set updated_at) in one update per member: on
   * PostgreSQL every update of a member writes a new row version and an entry
   * in each of its indexes. Returns the members it kept in step.
   */
  private async updateMembers(
    plan: OrderPlan,
    skus: ({ category: string | null } | null)[][],
    client: QueryClientContract
  ) {
    const updates = new Map<number, Record<string, unknown>>()
    const categories = new Map<string, { member_id: number; category: string }>()
    const kept = new Set<number>()
    for (const [index, { input, member, addsToFigures }] of plan.orders.entries()) {
      if (!addsToFigures || typeof member !== 'number') continue
      kept.add(member)
      if (!PURCHASES.has(input.status)) continue
      const figures = this.members.get(member)!.figures!
      const changed = addPurchase(figures, input.paidFen, storedTime(input.orderedAt, client))
      updates.set(member, { ...updates.get(member), ...changed })
      for (const sku of skus[index]) {
        if (sku?.category) {
          categories.set(`${member}\u0000${sku.category}`, {
            member_id: member,
            category: sku.category,
          })
        }
      }
    }
    const now = toDbTime(DateTime.utc(), client)
    for (const [id, fill] of plan.fills) {
      updates.set(id, { ...updates.get(id), ...fill, updated_at: now })
    }
    await bulkUpdate(client, 'members', updates, { types: MEMBER_COLUMN_TYPES })
    await bulkInsert(
      client,
      'member_categories',
      [...categories.values()].map((row) => ({ company_id: this.context.companyId, ...row })),
      { onConflict: 'on conflict do nothing' }
    )
    return [...kept]
  }

  /**
   * Lines a changed order no longer has (it now has fewer): deleted, and
   * refunds that pointed at them keep their amount without the line — what
   * UpsertOrder does for one order.
   */
  private async dropExtraLines(plan: OrderPlan, client: QueryClientContract) {
    const lines = new Map<number, number>()
    for (const { existing, input } of plan.orders) {
      if (existing) lines.set(existing.id, input.items.length)
    }
    const ids = [...lines.keys()]
    const extra: number[] = []
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await client
        .from('order_items')
        .whereIn('order_id', ids.slice(i, i + LOOKUP_CHUNK))
        .select('id', 'order_id', 'line_no')
      for (const row of rows) {
        if (Number(row.line_no) > lines.get(Number(row.order_id))!) extra.push(Number(row.id))
      }
    }
    for (let i = 0; i < extra.length; i += LOOKUP_CHUNK) {
      const chunk = extra.slice(i, i + LOOKUP_CHUNK)
      await client
        .from('refund_items')
        .whereIn('order_item_id', chunk)
        .update({ order_item_id: null })
      await client.from('order_items').whereIn('id', chunk).delete()
    }
  }
}
