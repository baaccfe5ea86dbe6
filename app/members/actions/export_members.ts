import { Readable } from 'node:stream'
import { Money } from '#app/shared/kernel/money'
import { csvLine } from '#app/shared/kernel/csv'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import { ListMembers, type MemberFilters } from '#app/members/actions/list_members'
import type Member from '#app/members/models/member'

export interface ExportRequest {
  companyId: number
  filters: MemberFilters
  zone: string
  /** Full phone numbers only for users holding members.phone.unmask. */
  unmask: boolean
  i18n: I18n
  onProgress?: (written: number) => Promise<void>
}

const BATCH = 1000

/**
 * 导出会员: the filtered member list as a CSV file on the drive disk,
 * streamed in keyset batches (constant memory at any size). UTF-8 with a
 * BOM so that Excel on Windows opens Chinese text correctly.
 */
export class ExportMembers {
  async handle(key: string, request: ExportRequest): Promise<{ rows: number }> {
    let rows = 0
    const lines = this.#lines(request, (count) => {
      rows = count
    })
    await drive.use().putStream(key, Readable.from(lines))
    return { rows }
  }

  async *#lines(request: ExportRequest, onCount: (count: number) => void): AsyncGenerator<string> {
    const t = (key: string) => request.i18n.t(`members.${key}`)
    yield (
      '\uFEFF' +
      csvLine([
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
      ])
    )

    const list = new ListMembers()
    let lastId: number | null = null
    let written = 0
    for (;;) {
      const query = list.query(request.companyId, request.filters, request.zone)
      if (lastId !== null) query.where('id', '<', lastId)
      const batch: Member[] = await query.orderBy('id', 'desc').limit(BATCH)
      if (batch.length === 0) break
      const tags = await this.#tagsOf(batch.map((member) => member.id))
      for (const member of batch) {
        yield csvLine([
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
        ])
      }
      written += batch.length
      onCount(written)
      await request.onProgress?.(written)
      lastId = batch[batch.length - 1].id
    }
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
