import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import { ListMembers } from '#app/members/actions/list_members'
import { memberFiltersValidator } from '#app/members/validators/member'
import CouponBatch from '#app/coupons/models/coupon_batch'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { newCouponCode, validityOf } from '#app/coupons/actions/coupon_rules'
import { issueCouponBatchJob } from '#app/coupons/jobs/issue_coupon_batch_job'
import { toDbTime } from '#app/shared/kernel/db_values'
import { issuedOf, lockTemplateForIssue } from '#app/coupons/actions/issue_coupon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

const CHUNK = 500

export interface IssueCounts {
  members: number
  issued: number
  /** Members who already held a coupon of this batch (a rerun after a crash). */
  already: number
  /** Left out because the template's total limit (发行量) was reached. */
  overLimit: number
}

/**
 * 批量发券: one coupon of a template to every member a member-list filter
 * selects, as a job with progress. Safe to run again: a batch gives each
 * member one coupon (unique batch + member), so a rerun after a crash only
 * issues what is missing; the form's one-time key makes a double submit one
 * batch.
 */
export class IssueCouponBatch {
  async start(options: {
    companyId: number
    template: CouponTemplate
    filters: Record<string, unknown>
    requestKey: string
    actor: AuditActor & { id: number }
  }) {
    if (options.template.archivedAt) {
      throw new DomainError('E_COUPON_TEMPLATE_ARCHIVED', 'coupons.errors.archived', 409)
    }
    await memberFiltersValidator.validate(options.filters)

    const existing = await CouponBatch.findBy('requestKey', options.requestKey)
    if (existing) return existing

    return db.transaction(async (trx) => {
      const batch = new CouponBatch()
      batch.useTransaction(trx)
      batch.fill({
        companyId: options.companyId,
        templateId: options.template.id,
        filters: options.filters,
        requestKey: options.requestKey,
        requestedById: options.actor.id,
      })
      await batch.save()
      const run = await queue.dispatch(
        issueCouponBatchJob,
        { batchId: batch.id },
        { requestedBy: options.actor, client: trx, idempotencyKey: `coupons.batch:${batch.id}` }
      )
      batch.jobRunId = run.id
      await batch.save()
      await AuditLog.record({
        client: trx,
        entityType: 'coupon_batch',
        entityId: batch.id,
        action: 'issue',
        actor: options.actor,
        context: { template: options.template.id, filters: options.filters },
      })
      return batch
    })
  }

  /** The job's work: walks the filtered members by keyset and issues what is missing. */
  async run(
    batchId: number,
    progress: (done: number, total: number) => Promise<void> = async () => {}
  ): Promise<IssueCounts> {
    const batch = await CouponBatch.findOrFail(batchId)
    const template = await CouponTemplate.findOrFail(batch.templateId)
    const filters = await memberFiltersValidator.validate(batch.filters)
    const list = new ListMembers()
    const members = () =>
      list.query(batch.companyId, { ...filters, after: undefined }, DEFAULT_ZONE)
    const totalRow = await members().count('* as n').first()
    const total = Number(totalRow?.$extras.n ?? 0)
    const counts: IssueCounts = { members: 0, issued: 0, already: 0, overLimit: 0 }

    let lastId: number | null = null
    for (;;) {
      const query = members().select('id').orderBy('id', 'desc').limit(CHUNK)
      if (lastId !== null) query.where('id', '<', lastId)
      const page = await query
      const ids = page.map((member) => member.id)
      if (!ids.length) break
      lastId = ids[ids.length - 1]
      counts.members += ids.length

      const result = await this.#issueChunk(batch, template, ids)
      counts.already += result.already
      counts.overLimit += result.overLimit
      counts.issued += result.issued
      await progress(counts.members, total)
    }
    return counts
  }

  /**
   * One chunk in one transaction: who already holds a coupon of the batch,
   * the room left under the template's limit (under its lock, so batches and
   * redemptions of one template take turns), and the inserts.
   */
  async #issueChunk(batch: CouponBatch, template: CouponTemplate, memberIds: number[]) {
    return db.transaction(async (trx) => {
      if (template.totalLimit !== null) await lockTemplateForIssue(trx, template.id)
      const held = await this.#holders(trx, batch.id, memberIds)
      let missing = memberIds.filter((id) => !held.has(id))
      let overLimit = 0
      if (template.totalLimit !== null && missing.length) {
        const room = Math.max(0, template.totalLimit - (await issuedOf(trx, template.id)))
        overLimit = Math.max(0, missing.length - room)
        missing = missing.slice(0, room)
      }
      const issued = await this.#issue(trx, batch, template, missing)
      return { already: memberIds.length - missing.length - overLimit, overLimit, issued }
    })
  }

  /** Which of these members already hold a coupon of the batch. */
  async #holders(trx: TransactionClientContract, batchId: number, memberIds: number[]) {
    const rows = await trx
      .from('coupons')
      .where('batch_id', batchId)
      .whereIn('member_id', memberIds)
      .select('member_id')
    return new Set(rows.map((row) => row.member_id as number))
  }

  /** Inserts one coupon per member; a code that collides is drawn again. */
  async #issue(
    trx: TransactionClientContract,
    batch: CouponBatch,
    template: CouponTemplate,
    memberIds: number[]
  ) {
    let pending = memberIds
    let issued = 0
    const now = DateTime.utc()
    const { from, until } = validityOf(template, now)
    for (let attempt = 0; pending.length && attempt < 5; attempt++) {
      const rows = pending.map((memberId) => ({
        company_id: batch.companyId,
        template_id: template.id,
        batch_id: batch.id,
        member_id: memberId,
        code: newCouponCode(randomBytes),
        status: 'issued',
        issued_at: toDbTime(now, trx),
        valid_from: toDbTime(from, trx),
        valid_until: toDbTime(until, trx),
        created_at: toDbTime(now, trx),
        updated_at: toDbTime(now, trx),
      }))
      await trx.insertQuery().table('coupons').multiInsert(rows).onConflict().ignore()
      const got = await this.#holders(trx, batch.id, pending)
      issued += got.size
      pending = pending.filter((id) => !got.has(id))
    }
    if (pending.length) throw new Error(`coupon codes kept colliding for ${pending.length} members`)
    return issued
  }
}
