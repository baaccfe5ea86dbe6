import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type Member from '#app/members/models/member'
import { toDbTime } from '#app/shared/kernel/db_values'
import { AutoTags } from '#app/members/actions/auto_tags'
import { dispatchAutoTags } from '#app/members/jobs/auto_tags_job'

/**
 * A bulk change up to this many members re-runs the affected auto-tag rules
 * for those members in the request; a larger one queues a run of each rule.
 */
const FOLLOW_INLINE_MEMBERS = 500

/**
 * Manual tags: create, put on and take off members, one by one or on a whole
 * filtered list. Auto tags (AutoTags) are refused here. An auto-tag rule may
 * read a manual tag ("has tag VIP"): a change re-runs those rules for the
 * members it touched, so the auto tag follows at once, not at the nightly run.
 */
export class ManageTags {
  async createGroup(companyId: number, name: string, actor: AuditActor) {
    if (await MemberTagGroup.query().where({ companyId, name }).first()) {
      throw new DomainError('E_TAG_GROUP_EXISTS', 'members.errors.tag_group_exists', 422)
    }
    const group = await MemberTagGroup.create({ companyId, name })
    await AuditLog.record({
      entityType: 'member_tag_group',
      entityId: group.id,
      action: 'members.tag_group_created',
      after: { name },
      actor,
    })
    return group
  }

  async create(companyId: number, input: { name: string; groupId?: number }, actor: AuditActor) {
    if (input.groupId)
      await MemberTagGroup.query().where({ id: input.groupId, companyId }).firstOrFail()
    if (await MemberTag.query().where({ companyId, name: input.name }).first()) {
      throw new DomainError('E_TAG_EXISTS', 'members.errors.tag_exists', 422)
    }
    const tag = await MemberTag.create({
      companyId,
      name: input.name,
      groupId: input.groupId ?? null,
    })
    await AuditLog.record({
      entityType: 'member_tag',
      entityId: tag.id,
      action: 'members.tag_created',
      after: { name: tag.name },
      actor,
    })
    return tag
  }

  async add(companyId: number, memberId: number, tagId: number, actor: AuditActor) {
    return this.bulkAdd(companyId, tagId, [memberId], actor)
  }

  async remove(companyId: number, memberId: number, tagId: number, actor: AuditActor) {
    const tag = await MemberTag.query().where({ id: tagId, companyId }).firstOrFail()
    ManageTags.refuseAuto(tag)
    const removed = await db
      .from('member_tag_assignments')
      .where({ member_id: memberId, tag_id: tag.id })
      .delete()
    if (!Number(removed)) return 0
    await AuditLog.record({
      entityType: 'member',
      entityId: memberId,
      action: 'members.tag_removed',
      context: { tag: tag.name },
      actor,
    })
    await this.followInAutoTags(companyId, tag.id, [memberId], actor)
    return Number(removed)
  }

  /** Tags every member the filtered query returns; those already tagged are skipped. */
  async bulkAddToQuery(
    companyId: number,
    tagId: number,
    query: ModelQueryBuilderContract<typeof Member>,
    actor: AuditActor,
    context: Record<string, unknown>
  ) {
    const rows = await query.clone().select('id')
    const ids = rows.map((m) => m.id)
    const added = await this.insert(companyId, tagId, ids)
    await AuditLog.record({
      entityType: 'member_tag',
      entityId: tagId,
      action: 'members.tag_bulk_added',
      context: { ...context, added, matched: ids.length },
      actor,
    })
    if (added) await this.followInAutoTags(companyId, tagId, ids, actor)
    return added
  }

  async bulkAdd(companyId: number, tagId: number, memberIds: number[], actor: AuditActor) {
    const added = await this.insert(companyId, tagId, memberIds)
    // Tagging a member who already has the tag changes nothing and logs nothing.
    for (const memberId of added ? memberIds.slice(0, 1) : []) {
      await AuditLog.record({
        entityType: 'member',
        entityId: memberId,
        action: 'members.tag_added',
        context: { tagId },
        actor,
      })
    }
    if (added) await this.followInAutoTags(companyId, tagId, memberIds, actor)
    return added
  }

  private async followInAutoTags(
    companyId: number,
    tagId: number,
    memberIds: number[],
    actor: AuditActor
  ) {
    const autoTags = new AutoTags()
    for (const rule of await autoTags.rulesReadingTag(companyId, tagId)) {
      if (memberIds.length <= FOLLOW_INLINE_MEMBERS) {
        await autoTags.apply(companyId, { ruleId: rule.id, memberIds })
      } else {
        await dispatchAutoTags(companyId, rule.id, actor)
      }
    }
  }

  /** Auto tags follow their rule; a hand-made change would be undone at the next run. */
  static refuseAuto(tag: MemberTag) {
    if (tag.auto) {
      throw new DomainError('E_AUTO_TAG', 'members.errors.auto_tag_manual', 422, { name: tag.name })
    }
  }

  private async insert(companyId: number, tagId: number, memberIds: number[]) {
    ManageTags.refuseAuto(await MemberTag.query().where({ id: tagId, companyId }).firstOrFail())
    let added = 0
    const now = toDbTime(DateTime.utc(), db.connection())
    for (let i = 0; i < memberIds.length; i += 500) {
      const chunk = memberIds.slice(i, i + 500)
      const tagged = await db
        .from('member_tag_assignments')
        .where('tag_id', tagId)
        .whereIn('member_id', chunk)
        .select('member_id')
      const existing = new Set(tagged.map((r: any) => r.member_id))
      const rows = chunk
        .filter((id) => !existing.has(id))
        .map((id) => ({ member_id: id, tag_id: tagId, created_at: now }))
      if (rows.length) await db.table('member_tag_assignments').multiInsert(rows)
      added += rows.length
    }
    return added
  }
}
