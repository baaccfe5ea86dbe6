import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { MemberStats } from '#app/commerce/actions/member_stats'
import MemberMerge, { type MergeMoved } from '#app/members/models/member_merge'
import { MovePointsOnMerge } from '#app/loyalty/actions/move_points_on_merge'
import { Tiers } from '#app/loyalty/services/tiers'
import { MoveBenefitsOnMerge } from '#app/benefits/actions/move_benefits_on_merge'
import { toDbTime } from '#app/shared/kernel/db_values'
import { reassignRows } from '#app/shared/kernel/reassign_rows'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { PROFILE_FILL_COLUMNS } from '#app/members/actions/resolve_member'

/** Profile columns a merge fills on the target from the source when the target's is empty. */
const PROFILE_COLUMNS = [...PROFILE_FILL_COLUMNS, 'gender']

const isEmpty = (column: string, value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (column === 'gender' && value === 'unknown')

/** What the target is missing of the source's profile: the columns and their values. */
function profileFill(source: Record<string, any>, target: Record<string, any>) {
  const fill: Record<string, unknown> = {}
  for (const column of PROFILE_COLUMNS) {
    if (isEmpty(column, target[column]) && !isEmpty(column, source[column]))
      fill[column] = source[column]
  }
  return fill
}

const ATTRIBUTE_VALUE_COLUMNS = ['value_text', 'value_number', 'value_date'] as const

/**
 * Admins merge a duplicate (source) into the member that stays (target):
 * orders, identities, tags, coupons, benefits and messages move, the phone too if the target has none,
 * and consent follows the person (ManageConsent.carryOnMerge).
 * The source row stays with `merged_into_id` set, and a member_merges row
 * lists exactly what moved so UndoMerge can put it back.
 */
export class MergeMembers {
  async handle(companyId: number, sourceId: number, targetId: number, actor: AuditActor | null) {
    if (sourceId === targetId)
      throw new DomainError('E_MERGE_SELF', 'members.errors.merge_self', 422)
    const done = await db.transaction(async (trx) => {
      const [source, target] = await Promise.all([
        trx.from('members').where({ id: sourceId, company_id: companyId }).forUpdate().first(),
        trx.from('members').where({ id: targetId, company_id: companyId }).forUpdate().first(),
      ])
      if (!source || !target) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
      if (source.merged_into_id || target.merged_into_id) {
        throw new DomainError('E_ALREADY_MERGED', 'members.errors.already_merged', 422)
      }
      const now = DateTime.utc()

      const ids = (rows: any[], column = 'id'): number[] => rows.map((row) => row[column])
      const orderIds = ids(await trx.from('orders').where('member_id', sourceId).select('id'))
      const identityIds = ids(
        await trx.from('member_identities').where('member_id', sourceId).select('id')
      )
      const sourceTags = ids(
        await trx.from('member_tag_assignments').where('member_id', sourceId).select('tag_id'),
        'tag_id'
      )
      const targetTags = new Set(
        ids(
          await trx.from('member_tag_assignments').where('member_id', targetId).select('tag_id'),
          'tag_id'
        )
      )
      const tagIds = sourceTags.filter((id: number) => !targetTags.has(id))
      const phoneMoved = !!source.phone_hash && !target.phone_hash

      await reassignRows(trx, 'orders', orderIds, sourceId, targetId)
      await reassignRows(trx, 'member_identities', identityIds, sourceId, targetId)
      if (tagIds.length) {
        await trx
          .insertQuery()
          .table('member_tag_assignments')
          .multiInsert(
            tagIds.map((tagId: number) => ({
              member_id: targetId,
              tag_id: tagId,
              created_at: toDbTime(now, trx),
            }))
          )
      }
      // The source keeps its own assignments until undo; it is hidden from lists while merged.
      const sourceUpdate: Record<string, unknown> = {
        merged_into_id: targetId,
        updated_at: toDbTime(now, trx),
      }
      if (phoneMoved) {
        sourceUpdate.phone_encrypted = null
        sourceUpdate.phone_hash = null
      }
      await trx.query().from('members').where('id', sourceId).update(sourceUpdate)
      // One profile per person: what the target lacks comes from the source (the
      // source keeps its own, for undo).
      const fill = profileFill(source, target)
      if (phoneMoved) {
        fill.phone_encrypted = source.phone_encrypted
        fill.phone_hash = source.phone_hash
      }
      if (Object.keys(fill).length) {
        await trx
          .query()
          .from('members')
          .where('id', targetId)
          .update({ ...fill, updated_at: toDbTime(now, trx) })
      }
      const profileFilled = Object.keys(fill).filter((column) => !column.startsWith('phone_'))
      const attributesFilled = ids(
        await trx
          .from('member_attribute_values as s')
          .where('s.member_id', sourceId)
          .whereNotExists((q) =>
            q
              .from('member_attribute_values as t')
              .where('t.member_id', targetId)
              .whereColumn('t.attribute_id', 's.attribute_id')
          )
          .select('s.attribute_id'),
        'attribute_id'
      )
      if (attributesFilled.length) {
        await trx.rawQuery(
          `insert into member_attribute_values (member_id, attribute_id, ${ATTRIBUTE_VALUE_COLUMNS.join(', ')})
           select ?, attribute_id, ${ATTRIBUTE_VALUE_COLUMNS.join(', ')}
           from member_attribute_values
           where member_id = ? and attribute_id in (${attributesFilled.map(() => '?').join(', ')})`,
          [targetId, sourceId, ...attributesFilled]
        )
      }
      // The person's coupons go with them, except one from a batch that already gave
      // the target its coupon (a batch issues one per member).
      const couponIds = ids(
        await trx
          .from('coupons as s')
          .where('s.member_id', sourceId)
          .where((q) =>
            q
              .whereNull('s.batch_id')
              .orWhereNotExists((taken) =>
                taken
                  .from('coupons as t')
                  .where('t.member_id', targetId)
                  .whereColumn('t.batch_id', 's.batch_id')
              )
          )
          .select('s.id')
      )
      await reassignRows(trx, 'coupons', couponIds, sourceId, targetId)
      await MemberStats.recompute([sourceId, targetId], trx)
      const pointsAccountMoved = await new MovePointsOnMerge().withinMerge(trx, sourceId, targetId)
      const benefits = await new MoveBenefitsOnMerge().withinMerge(trx, sourceId, targetId)
      const tier = await new Tiers().carryManualOnMerge(
        trx,
        companyId,
        sourceId,
        targetId,
        actor?.id ?? null
      )
      // The person's message history (and what contact caps count) goes with them.
      const messageIds = ids(await trx.from('messages').where('member_id', sourceId).select('id'))
      await reassignRows(trx, 'messages', messageIds, sourceId, targetId)
      const consents = await new ManageConsent().carryOnMerge(
        trx,
        { id: sourceId, companyId },
        { id: targetId, companyId },
        actor
      )

      const moved: MergeMoved = {
        orderIds,
        identityIds,
        tagIds,
        phoneMoved,
        pointsAccountMoved,
        consents,
        profileFilled,
        attributesFilled,
        couponIds,
        benefits,
        tier,
        messageIds,
      }
      const merge = new MemberMerge()
      merge.useTransaction(trx)
      merge.fill({
        companyId,
        sourceMemberId: sourceId,
        targetMemberId: targetId,
        moved,
        mergedById: actor?.id ?? null,
        mergedAt: now,
      })
      await merge.save()

      await AuditLog.record({
        entityType: 'member',
        entityId: targetId,
        action: 'members.merge',
        context: {
          mergeId: merge.id,
          sourceMemberId: sourceId,
          orders: orderIds.length,
          identities: identityIds.length,
          tags: tagIds.length,
          profile: profileFilled,
          attributes: attributesFilled.length,
          coupons: couponIds.length,
        },
        actor,
        client: trx,
      })
      return merge
    })
    // Both members had points: move the source's lots now that the merge is committed.
    await new MovePointsOnMerge().transferAfterMerge(companyId, sourceId, targetId, done.id)
    // The target's spend now includes the source's orders: it reaches a higher tier at
    // once, as after an order (no accrual runs for orders that only changed member).
    await new Tiers().evaluate(companyId, targetId, 'event')
    return done
  }
}

/** Puts back what a merge moved; only the latest merge involving the target can be undone. */
export class UndoMerge {
  async handle(companyId: number, mergeId: number, actor: AuditActor | null) {
    const undone = await db.transaction(async (trx: TransactionClientContract) => {
      const merge = await MemberMerge.query({ client: trx })
        .where({ id: mergeId, companyId })
        .forUpdate()
        .first()
      if (!merge) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
      if (merge.undoneAt)
        throw new DomainError('E_ALREADY_UNDONE', 'members.errors.merge_already_undone', 422)
      const later = await trx
        .from('member_merges')
        .where('company_id', companyId)
        .whereNull('undone_at')
        .where('id', '>', merge.id)
        .where((q) =>
          q
            .whereIn('target_member_id', [merge.targetMemberId, merge.sourceMemberId])
            .orWhereIn('source_member_id', [merge.targetMemberId, merge.sourceMemberId])
        )
        .first()
      if (later) throw new DomainError('E_MERGE_NOT_LATEST', 'members.errors.merge_not_latest', 422)

      const { orderIds, identityIds, tagIds, phoneMoved } = merge.moved
      const source = merge.sourceMemberId
      const target = merge.targetMemberId
      const now = DateTime.utc()

      await reassignRows(trx, 'orders', orderIds, target, source)
      await reassignRows(trx, 'member_identities', identityIds, target, source)
      if (tagIds.length) {
        await trx
          .query()
          .from('member_tag_assignments')
          .where('member_id', target)
          .whereIn('tag_id', tagIds)
          .delete()
      }
      const sourceUpdate: Record<string, unknown> = {
        merged_into_id: null,
        updated_at: toDbTime(now, trx),
      }
      if (phoneMoved) {
        const targetRow = await trx
          .from('members')
          .where('id', target)
          .select('phone_encrypted', 'phone_hash')
          .first()
        await trx
          .query()
          .from('members')
          .where('id', target)
          .update({ phone_encrypted: null, phone_hash: null })
        sourceUpdate.phone_encrypted = targetRow.phone_encrypted
        sourceUpdate.phone_hash = targetRow.phone_hash
      }
      await trx.query().from('members').where('id', source).update(sourceUpdate)
      await this.unfill(trx, merge.moved, source, target)
      await reassignRows(trx, 'coupons', merge.moved.couponIds ?? [], target, source)
      await MemberStats.recompute([source, target], trx)
      if (merge.moved.pointsAccountMoved) await new MovePointsOnMerge().undo(trx, source, target)
      await reassignRows(trx, 'messages', merge.moved.messageIds ?? [], target, source)
      if (merge.moved.benefits)
        await new MoveBenefitsOnMerge().undo(trx, source, target, merge.moved.benefits)
      if (merge.moved.tier)
        await new Tiers().undoCarry(trx, companyId, target, merge.moved.tier, actor?.id ?? null)
      if (merge.moved.consents?.length)
        await new ManageConsent().undoMerge(
          trx,
          { id: target, companyId },
          merge.moved.consents,
          actor
        )

      merge.undoneAt = now
      merge.undoneById = actor?.id ?? null
      await merge.save()

      await AuditLog.record({
        entityType: 'member',
        entityId: target,
        action: 'members.merge_undone',
        context: { mergeId: merge.id, sourceMemberId: source },
        actor,
        client: trx,
      })
      return merge
    })
    // Points the merge transferred (both members had accounts) go back, in the
    // ledger's own transactions like the transfer itself.
    await new MovePointsOnMerge().transferBackAfterUndo(
      companyId,
      undone.sourceMemberId,
      undone.targetMemberId,
      undone.id
    )
    // The member split off has its orders again; the target keeps its tier until the
    // nightly evaluation, whose grace period applies as to any fall in spend.
    await new Tiers().evaluate(companyId, undone.sourceMemberId, 'event')
    return undone
  }

  /**
   * Empties again what the merge filled on the target from the source, where
   * the target still holds the source's value (an edit since stays).
   */
  private async unfill(
    trx: TransactionClientContract,
    moved: MergeMoved,
    source: number,
    target: number
  ) {
    const columns = moved.profileFilled ?? []
    if (columns.length) {
      const [from, to] = await Promise.all([
        trx.from('members').where('id', source).first(),
        trx.from('members').where('id', target).first(),
      ])
      const restore: Record<string, unknown> = {}
      for (const column of columns) {
        if (String(to[column]) === String(from[column]))
          restore[column] = column === 'gender' ? 'unknown' : null
      }
      if (Object.keys(restore).length)
        await trx.query().from('members').where('id', target).update(restore)
    }
    for (const attributeId of moved.attributesFilled ?? []) {
      const [from, to] = await Promise.all(
        [source, target].map((memberId) =>
          trx
            .from('member_attribute_values')
            .where({ member_id: memberId, attribute_id: attributeId })
            .first()
        )
      )
      const same = ATTRIBUTE_VALUE_COLUMNS.every(
        (column) => String(from?.[column] ?? '') === String(to?.[column] ?? '')
      )
      if (to && same)
        await trx
          .from('member_attribute_values')
          .where({ member_id: target, attribute_id: attributeId })
          .delete()
    }
  }
}
