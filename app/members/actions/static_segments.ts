import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { ListMembers, type MemberFilters } from '#app/members/actions/list_members'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface SegmentRow {
  id: number
  name: string
  filters: Record<string, unknown>
  memberCount: number
  createdById: number | null
  createdByName: string | null
  createdAt: DateTime
}

/**
 * 静态分群: saves the members a filtered list returns as a fixed set, in
 * one INSERT … SELECT (no ids through the application, so a segment of a
 * million members costs one statement). The list filter
 * `savedSegment=<id>` shows them again and combines with every other filter.
 */
export class StaticSegments {
  async create(
    companyId: number,
    name: string,
    filters: MemberFilters,
    zone: string,
    actor: AuditActor | null
  ) {
    const { after, sort, ...kept } = filters
    return db.transaction(async (trx) => {
      const taken = await trx.from('member_segments').where({ company_id: companyId, name }).first()
      if (taken) throw new DomainError('E_SEGMENT_EXISTS', 'members.errors.segment_exists', 422)
      const now = toDbTime(DateTime.utc(), trx)
      const [row] = await trx
        .insertQuery()
        .table('member_segments')
        .insert({
          company_id: companyId,
          name,
          filters: JSON.stringify(kept),
          member_count: 0,
          created_by_id: actor?.id ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const id: number = typeof row === 'object' ? row.id : row

      const members = new ListMembers()
        .query(companyId, kept, zone)
        .useTransaction(trx)
        .clearSelect()
        .select('members.id')
        .toSQL()
      await trx.rawQuery(
        `insert into member_segment_members (segment_id, member_id) select ?, m.id from (${members.sql}) m`,
        [id, ...(members.bindings as any[])]
      )
      const [{ n }] = await trx
        .from('member_segment_members')
        .where('segment_id', id)
        .count('* as n')
      await trx
        .from('member_segments')
        .where('id', id)
        .update({ member_count: Number(n) })
      await AuditLog.record({
        entityType: 'member_segment',
        entityId: id,
        action: 'members.segment_created',
        after: { name, memberCount: Number(n) },
        context: { filters: kept },
        actor,
        client: trx,
      })
      return { id, name, memberCount: Number(n) }
    })
  }

  async list(companyId: number): Promise<SegmentRow[]> {
    const rows = await db
      .from('member_segments')
      .leftJoin('users', 'users.id', 'member_segments.created_by_id')
      .where('member_segments.company_id', companyId)
      .orderBy('member_segments.id', 'desc')
      .select('member_segments.*', 'users.full_name as created_by_name')
    return rows.map((row: any) => ({
      id: row.id,
      name: row.name,
      filters: row.filters ? JSON.parse(row.filters) : {},
      memberCount: Number(row.member_count),
      createdById: row.created_by_id,
      createdByName: row.created_by_name ?? null,
      createdAt:
        row.created_at instanceof Date
          ? DateTime.fromJSDate(row.created_at)
          : DateTime.fromSQL(String(row.created_at), { zone: 'utc' }),
    }))
  }

  async delete(companyId: number, id: number, actor: AuditActor | null) {
    return db.transaction(async (trx) => {
      const segment = await trx.from('member_segments').where({ id, company_id: companyId }).first()
      if (!segment) throw new DomainError('E_NOT_FOUND', 'members.errors.segment_not_found', 404)
      await trx.from('member_segment_members').where('segment_id', id).delete()
      await trx.from('member_segments').where('id', id).delete()
      await AuditLog.record({
        entityType: 'member_segment',
        entityId: id,
        action: 'members.segment_deleted',
        before: { name: segment.name, memberCount: Number(segment.member_count) },
        actor,
        client: trx,
      })
    })
  }
}
