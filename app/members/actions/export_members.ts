import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import { Money } from '#app/shared/kernel/money'
import { fromDbTime } from '#app/shared/kernel/db_values'
import { writeTableFile, type TableCell, type TableFormat } from '#app/shared/storage/table_file'
import { ListMembers, type MemberFilters } from '#app/members/actions/list_members'
import type Member from '#app/members/models/member'
import { MemberAttributes } from '#app/members/actions/member_attributes'

/** What an export writes: the filtered members, or the orders of the filtered members. */
export type ExportSubject = 'members' | 'orders'
export const EXPORT_SUBJECTS: ExportSubject[] = ['members', 'orders']

export interface ExportRequest {
  companyId: number
  filters: MemberFilters
  subject: ExportSubject
  format: TableFormat
  zone: string
  /** Full phone numbers only for users holding members.phone.unmask. */
  unmask: boolean
  i18n: I18n
  /** Members read so far (for members, also the rows written). */
  onProgress?: (members: number) => Promise<void>
}

const BATCH = 1000

/**
 * 导出会员 / 导出订单: the filtered member list, or every order of those
 * members (one line per order, its items summarised), as a CSV or XLSX file
 * on the drive disk, read in keyset batches and streamed out (constant
 * memory at any size). Phones are masked unless the request may unmask.
 */
export class ExportMembers {
  async handle(key: string, request: ExportRequest): Promise<{ rows: number }> {
    const { header, rows } =
      request.subject === 'orders' ? this.#orders(request) : await this.#members(request)
    const written = await writeTableFile(key, request.format, header, rows)
    return { rows: written }
  }

  async #members(request: ExportRequest) {
    const t = (key: string) => request.i18n.t(`members.${key}`)
    const header = [
      'ID',
      t('columns.name'),
      t('columns.phone'),
      t('profile.gender'),
      t('profile.birthday'),
      t('filters.province'),
      t('filters.city'),
      t('columns.orders'),
      t('columns.spent'),
      t('columns.last_order'),
      t('filters.segment'),
      t('filters.lifecycle'),
      t('columns.tags'),
    ]
    // Custom attributes follow, one column each, headed with their names.
    const attributes = new MemberAttributes()
    const definitions = await attributes.definitions(request.companyId)
    header.push(...definitions.map((definition) => definition.label))
    const self = this
    async function* rows(): AsyncGenerator<TableCell[]> {
      for await (const batch of self.#memberBatches(request)) {
        const ids = batch.map((member) => member.id)
        const tags = await self.#tagsOf(ids)
        const values = await attributes.valuesOf(ids)
        for (const member of batch) {
          yield [
            member.id,
            member.name ?? '',
            member.displayPhone(request.unmask),
            t(`gender.${member.gender ?? 'unknown'}`),
            member.birthday?.toISODate() ?? '',
            member.province ?? '',
            member.city ?? '',
            member.orderCount,
            Money.fen(member.spentFen).toYuanString(),
            member.lastOrderAt?.setZone(request.zone).toFormat('yyyy-MM-dd HH:mm') ?? '',
            member.rfmSegment ? t(`rfm.segments.${member.rfmSegment}`) : '',
            member.lifecycleStage ? t(`rfm.stages.${member.lifecycleStage}`) : '',
            (tags.get(member.id) ?? []).join('|'),
            ...definitions.map((definition) => values.get(member.id)?.get(definition.id) ?? ''),
          ]
        }
      }
    }
    return { header, rows: rows() }
  }

  /** Orders of the filtered members, member by member (keyset over the member list). */
  #orders(request: ExportRequest) {
    const t = (key: string) => request.i18n.t(key)
    const header = [
      t('members.export.order_columns.order_no'),
      t('members.export.order_columns.shop'),
      t('members.export.order_columns.status'),
      t('members.export.order_columns.ordered_at'),
      t('members.export.order_columns.paid_at'),
      t('members.export.order_columns.goods'),
      t('members.export.order_columns.discount'),
      t('members.export.order_columns.shipping'),
      t('members.export.order_columns.paid'),
      t('members.export.order_columns.coupons'),
      t('members.export.order_columns.items'),
      t('members.export.order_columns.member_id'),
      t('members.columns.name'),
      t('members.columns.phone'),
    ]
    const time = (value: Date | string | null) =>
      value === null ? '' : fromDbTime(value)!.setZone(request.zone).toFormat('yyyy-MM-dd HH:mm')
    const yuan = (fen: unknown) => Money.fen(Number(fen)).toYuanString()
    const self = this
    async function* rows(): AsyncGenerator<TableCell[]> {
      for await (const members of self.#memberBatches(request)) {
        const byId = new Map(members.map((member) => [member.id, member]))
        const orders = await db
          .from('orders')
          .join('shops', 'shops.id', 'orders.shop_id')
          .whereIn('orders.member_id', [...byId.keys()])
          .orderBy('orders.member_id', 'desc')
          .orderBy('orders.ordered_at')
          .select(
            'orders.id',
            'orders.platform_order_no',
            'shops.name as shop',
            'orders.status',
            'orders.ordered_at',
            'orders.paid_at',
            'orders.goods_fen',
            'orders.discount_fen',
            'orders.shipping_fen',
            'orders.paid_fen',
            'orders.coupon_codes',
            'orders.member_id'
          )
        const items = await self.#itemsOf(orders.map((order) => order.id))
        for (const order of orders) {
          const member = byId.get(order.member_id)!
          yield [
            order.platform_order_no,
            order.shop,
            t(`commerce.order_status.${order.status}`),
            time(order.ordered_at),
            time(order.paid_at),
            yuan(order.goods_fen),
            yuan(order.discount_fen),
            yuan(order.shipping_fen),
            yuan(order.paid_fen),
            couponCodes(order.coupon_codes),
            items.get(order.id) ?? '',
            member.id,
            member.name ?? '',
            member.displayPhone(request.unmask),
          ]
        }
      }
    }
    return { header, rows: rows() }
  }

  /** The filtered members, newest first, a batch at a time; reports progress in members. */
  async *#memberBatches(request: ExportRequest): AsyncGenerator<Member[]> {
    const list = new ListMembers()
    let lastId: number | null = null
    let done = 0
    for (;;) {
      const query = list.query(request.companyId, request.filters, request.zone)
      if (lastId !== null) query.where('id', '<', lastId)
      const batch: Member[] = await query.orderBy('id', 'desc').limit(BATCH)
      if (batch.length === 0) return
      yield batch
      done += batch.length
      await request.onProgress?.(done)
      lastId = batch[batch.length - 1].id
    }
  }

  /** `SKU×2|SKU2×1` per order (the title when a line has no SKU code). */
  async #itemsOf(orderIds: number[]) {
    const byOrder = new Map<number, string>()
    for (let i = 0; i < orderIds.length; i += BATCH) {
      const rows = await db
        .from('order_items')
        .whereIn('order_id', orderIds.slice(i, i + BATCH))
        .orderBy('order_id')
        .orderBy('line_no')
        .select('order_id', 'sku_code', 'title', 'quantity')
      for (const row of rows) {
        const line = `${row.sku_code || row.title}×${row.quantity}`
        const before = byOrder.get(row.order_id)
        byOrder.set(row.order_id, before ? `${before}|${line}` : line)
      }
    }
    return byOrder
  }

  async #tagsOf(memberIds: number[]) {
    const rows = await db
      .from('member_tag_assignments')
      .join('member_tags', 'member_tags.id', 'member_tag_assignments.tag_id')
      .whereIn('member_tag_assignments.member_id', memberIds)
      .select('member_tag_assignments.member_id as memberId', 'member_tags.name as name')
    const byMember = new Map<number, string[]>()
    for (const row of rows) {
      const list = byMember.get(row.memberId) ?? []
      list.push(row.name)
      byMember.set(row.memberId, list)
    }
    return byMember
  }
}

/** Coupon codes as stored on an order (a JSON list), joined for a cell. */
function couponCodes(stored: string | null): string {
  if (!stored) return ''
  try {
    const codes = JSON.parse(stored)
    return Array.isArray(codes) ? codes.join('|') : String(stored)
  } catch {
    return String(stored)
  }
}
