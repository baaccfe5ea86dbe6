import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { fromDbTime, toDbTime } from '#app/shared/kernel/db_values'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import Company from '#app/organization/models/company'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import { ListMembers } from '#app/members/actions/list_members'
import { memberFilterParams } from '#app/members/member_filter_params'
import { memberFiltersValidator } from '#app/members/validators/member'

export interface AutoTagRule {
  id: number
  tagId: number
  tagName: string
  groupId: number | null
  /**
   * OR groups of member-list filters, as typed (query-string values): a member
   * matches when every condition of at least one group holds.
   */
  groups: ConditionGroup[]
  enabled: boolean
  memberCount: number
  lastRunAt: DateTime | null
  lastAdded: number
  lastRemoved: number
  lastJobRunId: number | null
}

/** One group of an auto-tag rule: member-list filters (query-string form), ANDed. */
export type ConditionGroup = Record<string, unknown>

/** More groups than this is a rule nobody can read (and a UNION nobody wants to run). */
export const MAX_CONDITION_GROUPS = 10

export interface ApplyResult {
  rules: number
  added: number
  removed: number
}

/**
 * 自动标签: tags kept by a rule. A rule is one or more condition groups
 * (OR); a group is a member-list filter (AND of profile fields, custom
 * attributes, tags, spend, order count, last order date or days since, shop,
 * category or product bought, RFM segment, lifecycle stage, tier, points), so
 * "who matches a group" is exactly what the member list shows for that filter
 * and the rule matches the UNION of its groups' lists.
 *
 * `apply` is set-based and idempotent: per rule one INSERT … SELECT of the
 * matching members that lack the tag and one DELETE of the tagged members
 * that no longer match (NOT EXISTS, which both databases run as an anti-join);
 * running it twice changes nothing the second time. With `memberIds` it only
 * looks at those members (after an incremental RFM recompute).
 */
export class AutoTags {
  /** Validates a rule's groups and returns them as stored (query-string form). */
  private async checkGroups(companyId: number, groups: ConditionGroup[]) {
    if (groups.length === 0) {
      throw new DomainError('E_AUTO_TAG_NO_CONDITION', 'members.errors.auto_tag_no_condition', 422)
    }
    if (groups.length > MAX_CONDITION_GROUPS) {
      throw new DomainError('E_AUTO_TAG_TOO_MANY_GROUPS', 'members.errors.auto_tag_groups', 422, {
        max: MAX_CONDITION_GROUPS,
      })
    }
    const checked: ConditionGroup[] = []
    for (const group of groups) checked.push(await this.checkFilters(companyId, group))
    return checked
  }

  /** Validates one group's filters and returns the ones kept (query-string form). */
  private async checkFilters(companyId: number, input: ConditionGroup) {
    const { after, sort, ...kept } = memberFilterParams(asQueryValues(input))
    if (Object.keys(kept).length === 0) {
      // A rule without a condition would tag every member: refused, it is a slip.
      throw new DomainError('E_AUTO_TAG_NO_CONDITION', 'members.errors.auto_tag_no_condition', 422)
    }
    await memberFiltersValidator.validate(kept)
    if (kept.tag) {
      const tag = await MemberTag.query()
        .where({ id: Number(kept.tag), companyId })
        .first()
      if (!tag) throw new DomainError('E_NOT_FOUND', 'members.errors.tag_not_found', 404)
      // Rules read manual tags only: a rule over another auto tag would depend
      // on the order rules run in (and could loop).
      if (tag.auto) throw new DomainError('E_AUTO_TAG_CHAIN', 'members.errors.auto_tag_chain', 422)
    }
    return kept
  }

  async create(
    companyId: number,
    input: { name: string; groupId?: number; groups: ConditionGroup[] },
    actor: AuditActor | null
  ) {
    const groups = await this.checkGroups(companyId, input.groups)
    if (input.groupId)
      await MemberTagGroup.query().where({ id: input.groupId, companyId }).firstOrFail()
    return db.transaction(async (trx) => {
      if (await MemberTag.query({ client: trx }).where({ companyId, name: input.name }).first()) {
        throw new DomainError('E_TAG_EXISTS', 'members.errors.tag_exists', 422)
      }
      const tag = await MemberTag.create(
        { companyId, name: input.name, groupId: input.groupId ?? null, auto: true },
        { client: trx }
      )
      const now = toDbTime(DateTime.utc(), trx)
      const [row] = await trx
        .insertQuery()
        .table('member_tag_rules')
        .insert({
          company_id: companyId,
          tag_id: tag.id,
          filters: JSON.stringify(groups),
          enabled: true,
          created_by_id: actor?.id ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const id: number = typeof row === 'object' ? row.id : row
      await AuditLog.record({
        entityType: 'member_tag_rule',
        entityId: id,
        action: 'members.auto_tag_created',
        after: { name: tag.name, groups },
        actor,
        client: trx,
      })
      return { id, tagId: tag.id }
    })
  }

  /** Changes what is given: the conditions, the tag's name, whether the rule runs. */
  async update(
    companyId: number,
    ruleId: number,
    input: { groups?: ConditionGroup[]; name?: string; enabled?: boolean },
    actor: AuditActor | null
  ) {
    const rule = await this.find(companyId, ruleId)
    const groups = input.groups ? await this.checkGroups(companyId, input.groups) : rule.groups
    const name = input.name ?? rule.tagName
    const enabled = input.enabled ?? rule.enabled
    await db.transaction(async (trx) => {
      if (name !== rule.tagName) {
        const taken = await MemberTag.query({ client: trx })
          .where({ companyId, name })
          .whereNot('id', rule.tagId)
          .first()
        if (taken) throw new DomainError('E_TAG_EXISTS', 'members.errors.tag_exists', 422)
        await trx.from('member_tags').where('id', rule.tagId).update({ name })
      }
      await trx
        .from('member_tag_rules')
        .where('id', rule.id)
        .update({
          filters: JSON.stringify(groups),
          enabled,
          updated_at: toDbTime(DateTime.utc(), trx),
        })
      await AuditLog.record({
        entityType: 'member_tag_rule',
        entityId: rule.id,
        action: 'members.auto_tag_updated',
        before: { name: rule.tagName, groups: rule.groups, enabled: rule.enabled },
        after: { name, groups, enabled },
        context: { tag: name },
        actor,
        client: trx,
      })
    })
    return { ...rule, tagName: name, groups, enabled }
  }

  /** Deletes the rule and its tag (taking it off every member). */
  async delete(companyId: number, ruleId: number, actor: AuditActor | null) {
    const rule = await this.find(companyId, ruleId)
    await db.transaction(async (trx) => {
      await trx.from('member_tag_assignments').where('tag_id', rule.tagId).delete()
      await trx.from('member_tag_rules').where('id', rule.id).delete()
      await trx.from('member_tags').where('id', rule.tagId).delete()
      await AuditLog.record({
        entityType: 'member_tag_rule',
        entityId: rule.id,
        action: 'members.auto_tag_deleted',
        before: { name: rule.tagName, groups: rule.groups, memberCount: rule.memberCount },
        actor,
        client: trx,
      })
    })
  }

  async find(companyId: number, ruleId: number): Promise<AutoTagRule> {
    const [rule] = await this.rules(companyId, { ruleId })
    if (!rule) throw new DomainError('E_NOT_FOUND', 'members.errors.auto_tag_not_found', 404)
    return rule
  }

  async rules(
    companyId: number,
    options: { ruleId?: number; client?: TransactionClientContract } = {}
  ): Promise<AutoTagRule[]> {
    const query = (options.client ?? db)
      .from('member_tag_rules')
      .join('member_tags', 'member_tags.id', 'member_tag_rules.tag_id')
      .where('member_tag_rules.company_id', companyId)
      .orderBy('member_tags.name')
      .select('member_tag_rules.*', 'member_tags.name as tag_name', 'member_tags.group_id')
    if (options.ruleId) query.where('member_tag_rules.id', options.ruleId)
    const rows = await query
    return rows.map((row: any) => ({
      id: row.id,
      tagId: row.tag_id,
      tagName: row.tag_name,
      groupId: row.group_id ?? null,
      groups: storedGroups(row.filters),
      enabled: Boolean(row.enabled),
      memberCount: Number(row.member_count),
      lastRunAt: fromDbTime(row.last_run_at),
      lastAdded: Number(row.last_added),
      lastRemoved: Number(row.last_removed),
      lastJobRunId: row.last_job_run_id ?? null,
    }))
  }

  /** The enabled rules with a condition "has tag `tagId`" in any group. */
  async rulesReadingTag(companyId: number, tagId: number): Promise<AutoTagRule[]> {
    const rules = await this.rules(companyId)
    return rules.filter(
      (rule) => rule.enabled && rule.groups.some((group) => Number(group.tag) === tagId)
    )
  }

  /** Records which job run recomputes these rules (the tag page shows its progress). */
  async markRun(companyId: number, jobRunId: number, ruleId?: number) {
    const query = db.from('member_tag_rules').where('company_id', companyId)
    if (ruleId) query.where('id', ruleId)
    await query.update({ last_job_run_id: jobRunId })
  }

  /**
   * Puts each enabled rule's tag on the members that match and takes it off
   * those that do not; only `memberIds` when given.
   */
  async apply(
    companyId: number,
    options: {
      ruleId?: number
      memberIds?: number[]
      onProgress?: (done: number, total: number) => Promise<void>
    } = {}
  ): Promise<ApplyResult> {
    const company = await Company.find(companyId)
    const zone = company?.timezone || DEFAULT_ZONE
    const all = await this.rules(companyId, { ruleId: options.ruleId })
    const rules = all.filter((rule) => rule.enabled)
    const result: ApplyResult = { rules: rules.length, added: 0, removed: 0 }
    for (const [index, rule] of rules.entries()) {
      // Filters stored by an older version may no longer validate: that rule
      // is skipped (counts unchanged) rather than failing every other rule.
      const groups: ValidFilters[] = []
      for (const group of rule.groups) {
        const [invalid, filters] = await memberFiltersValidator.tryValidate(group)
        if (invalid) break
        groups.push(filters)
      }
      if (groups.length === rule.groups.length && groups.length > 0) {
        const { added, removed } = await this.applyRule(companyId, rule, groups, zone, options)
        result.added += added
        result.removed += removed
      }
      await options.onProgress?.(index + 1, rules.length)
    }
    return result
  }

  private async applyRule(
    companyId: number,
    rule: AutoTagRule,
    groups: ValidFilters[],
    zone: string,
    options: { memberIds?: number[] }
  ) {
    const chunks: (number[] | null)[] = []
    if (options.memberIds) {
      const unique = [...new Set(options.memberIds)]
      for (let i = 0; i < unique.length; i += 500) chunks.push(unique.slice(i, i + 500))
    } else {
      chunks.push(null)
    }
    return db.transaction(async (trx) => {
      const now = DateTime.utc()
      const matching = this.matchingSql(trx, companyId, groups, zone)
      const bindings = matching.bindings
      let added = 0
      let removed = 0
      for (const chunk of chunks) {
        const only = chunk ? `and m.id in (${chunk.map(() => '?').join(', ')})` : ''
        const inserted = await trx.rawQuery(
          `insert into member_tag_assignments (member_id, tag_id, created_at)
           select m.id, ?, ? from (${matching.sql}) m
           where not exists (
             select 1 from member_tag_assignments a where a.tag_id = ? and a.member_id = m.id
           ) ${only}
           on conflict (member_id, tag_id) do nothing`,
          [rule.tagId, toDbTime(now, trx), ...bindings, rule.tagId, ...(chunk ?? [])]
        )
        added += insertedRows(inserted)
        const deleted = await trx.rawQuery(
          `delete from member_tag_assignments
           where tag_id = ? ${chunk ? `and member_id in (${chunk.map(() => '?').join(', ')})` : ''}
             and not exists (
               select 1 from (${matching.sql}) m where m.id = member_tag_assignments.member_id
             )`,
          [rule.tagId, ...(chunk ?? []), ...bindings]
        )
        removed += insertedRows(deleted)
      }
      const [{ n }] = await trx
        .from('member_tag_assignments')
        .where('tag_id', rule.tagId)
        .count('* as n')
      await trx
        .from('member_tag_rules')
        .where('id', rule.id)
        .update({
          member_count: Number(n),
          // A partial run (some members only) keeps the last full run's figures.
          ...(chunks[0] === null
            ? { last_run_at: toDbTime(now, trx), last_added: added, last_removed: removed }
            : {}),
        })
      return { added, removed }
    })
  }

  /**
   * SELECT of the ids of the members matching any group: each group is the
   * member list's own query; several are joined with UNION (which also drops
   * members matching more than one group). Each branch is wrapped as a derived
   * table so an ORDER BY in it cannot break the compound SELECT on SQLite.
   */
  private matchingSql(
    trx: TransactionClientContract,
    companyId: number,
    groups: ValidFilters[],
    zone: string
  ) {
    const parts = groups.map((filters) => {
      const { after, sort, ...kept } = filters
      return new ListMembers()
        .query(companyId, kept, zone)
        .useTransaction(trx)
        .clearSelect()
        .clearOrder()
        .select('members.id')
        .toSQL()
    })
    if (parts.length === 1) {
      return { sql: parts[0].sql, bindings: [...parts[0].bindings] as any[] }
    }
    return {
      sql: parts.map((part, i) => `select g${i}.id from (${part.sql}) g${i}`).join(' union '),
      bindings: parts.flatMap((part) => [...part.bindings]) as any[],
    }
  }
}

/** A validated member-list filter (one condition group). */
type ValidFilters = Awaited<ReturnType<typeof memberFiltersValidator.validate>>

/** Stored groups: a JSON array; a rule saved before OR groups holds one flat filter object. */
function storedGroups(raw: string): ConditionGroup[] {
  const stored = JSON.parse(raw)
  return Array.isArray(stored) ? stored : [stored]
}

/**
 * Conditions as the list's query string carries them: numbers as text, dates
 * as YYYY-MM-DD (the API hands over validated numbers and Dates).
 */
function asQueryValues(group: ConditionGroup): ConditionGroup {
  return Object.fromEntries(
    Object.entries(group).map(([key, value]) => [
      key,
      value instanceof Date
        ? DateTime.fromJSDate(value).toISODate()
        : typeof value === 'number'
          ? String(value)
          : value,
    ])
  )
}

/** Rows a raw INSERT or DELETE wrote: better-sqlite3 reports `changes`, pg `rowCount`. */
function insertedRows(result: any): number {
  if (result === null || result === undefined) return 0
  if (typeof result.rowCount === 'number') return result.rowCount
  if (typeof result.changes === 'number') return result.changes
  if (Array.isArray(result) && typeof result[0]?.changes === 'number') return result[0].changes
  return 0
}
