import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { toDbTime } from '#app/shared/kernel/db_values'
import { AutoTags } from '#app/members/actions/auto_tags'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'enum', 'boolean'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

export interface AttributeDefinition {
  id: number
  label: string
  type: AttributeType
  options: string[]
}

export interface StoredValue {
  value_text: string | null
  value_number: number | null
  value_date: string | null
}

/**
 * 自定义属性: admin-defined profile fields. Values are typed (numbers as
 * numbers, dates as dates) so the member list can filter on them; text,
 * enum and boolean values are also kept as text for equality filters.
 */
export class MemberAttributes {
  async definitions(
    companyId: number,
    client: QueryClientContract = db.connection()
  ): Promise<AttributeDefinition[]> {
    const rows = await client
      .from('member_attribute_definitions')
      .where('company_id', companyId)
      .orderBy('id')
    return rows.map((row: any) => ({
      id: row.id,
      label: row.label,
      type: row.type,
      options: row.options ? JSON.parse(row.options) : [],
    }))
  }

  async define(
    companyId: number,
    input: { label: string; type: AttributeType; options?: string[] },
    actor: AuditActor | null
  ) {
    const options =
      input.type === 'enum'
        ? [...new Set((input.options ?? []).map((o) => o.trim()).filter(Boolean))]
        : []
    if (input.type === 'enum' && options.length < 2) {
      throw new DomainError('E_ATTRIBUTE_OPTIONS', 'members.attributes.errors.options', 422)
    }
    const taken = await db
      .from('member_attribute_definitions')
      .where({ company_id: companyId, label: input.label })
      .first()
    if (taken) throw new DomainError('E_ATTRIBUTE_EXISTS', 'members.attributes.errors.exists', 422)
    return db.transaction(async (trx) => {
      const now = toDbTime(DateTime.utc(), trx)
      const [row] = await trx
        .insertQuery()
        .table('member_attribute_definitions')
        .insert({
          company_id: companyId,
          label: input.label,
          type: input.type,
          options: options.length ? JSON.stringify(options) : null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const id: number = typeof row === 'object' ? row.id : row
      await AuditLog.record({
        entityType: 'member_attribute',
        entityId: id,
        action: 'members.attribute_defined',
        after: { label: input.label, type: input.type, options: options.join(',') },
        actor,
        client: trx,
      })
      return id
    })
  }

  async remove(companyId: number, id: number, actor: AuditActor | null) {
    await db.transaction(async (trx) => {
      const row = await trx
        .from('member_attribute_definitions')
        .where({ id, company_id: companyId })
        .first()
      if (!row) throw new DomainError('E_NOT_FOUND', 'members.attributes.errors.not_found', 404)
      await trx.from('member_attribute_values').where('attribute_id', id).delete()
      await trx.from('member_attribute_definitions').where('id', id).delete()
      await AuditLog.record({
        entityType: 'member_attribute',
        entityId: id,
        action: 'members.attribute_removed',
        before: { label: row.label, type: row.type },
        actor,
        client: trx,
      })
    })
  }

  /** The member's values as text a form shows (`2024-03-05`, `12.5`, `true`), keyed by attribute id. */
  /**
   * Values given by attribute name (the API) as `set` takes them, by id;
   * every value checked before anything is written, so a bad one changes
   * nothing. An unknown name or a value that does not fit is a DomainError.
   */
  async byName(
    companyId: number,
    named: Record<string, string | null>
  ): Promise<Record<string, string | null>> {
    const list = await this.definitions(companyId)
    const definitions = new Map(list.map((definition) => [definition.label, definition]))
    const raw: Record<string, string | null> = {}
    for (const [label, value] of Object.entries(named)) {
      const definition = definitions.get(label)
      if (!definition)
        throw new DomainError('E_ATTRIBUTE_UNKNOWN', 'members.attributes.errors.unknown', 422, {
          label,
        })
      this.parse(definition, (value ?? '').trim())
      raw[String(definition.id)] = value
    }
    return raw
  }

  async valuesFor(memberId: number): Promise<Map<number, string>> {
    const values = await this.valuesOf([memberId])
    return values.get(memberId) ?? new Map()
  }

  /** Each member's values as text, by attribute id (one query for the lot). */
  async valuesOf(memberIds: number[]): Promise<Map<number, Map<number, string>>> {
    const byMember = new Map<number, Map<number, string>>()
    if (!memberIds.length) return byMember
    const rows = await db.from('member_attribute_values').whereIn('member_id', memberIds)
    for (const row of rows) {
      const memberId = Number(row.member_id)
      if (!byMember.has(memberId)) byMember.set(memberId, new Map())
      byMember.get(memberId)!.set(Number(row.attribute_id), this.display(row))
    }
    return byMember
  }

  /**
   * Sets the given attributes ('' clears one); audit-logged with before/after
   * by label. Once committed, the auto-tag rules are re-run for this member
   * (rules may have attribute conditions).
   */
  async set(
    companyId: number,
    memberId: number,
    raw: Record<string, string | null | undefined>,
    actor: AuditActor | null
  ) {
    const definitions = await this.definitions(companyId)
    const current = await this.valuesFor(memberId)
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    const writes: { definition: AttributeDefinition; value: StoredValue | null }[] = []
    for (const definition of definitions) {
      const input = raw[String(definition.id)]
      if (input === undefined) continue
      const value = this.parse(definition, (input ?? '').trim())
      const next = value ? this.display(value) : null
      const previous = current.get(definition.id) ?? null
      if (next === previous) continue
      before[definition.label] = previous
      after[definition.label] = next
      writes.push({ definition, value })
    }
    if (!writes.length) return []
    await db.transaction(async (trx) => {
      const member = await trx
        .from('members')
        .where({ id: memberId, company_id: companyId })
        .whereNull('merged_into_id')
        .whereNull('erased_at')
        .first()
      if (!member) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
      for (const { definition, value } of writes) {
        await trx
          .from('member_attribute_values')
          .where({ member_id: memberId, attribute_id: definition.id })
          .delete()
        if (value)
          await trx
            .table('member_attribute_values')
            .insert({ member_id: memberId, attribute_id: definition.id, ...value })
      }
      await AuditLog.record({
        entityType: 'member',
        entityId: memberId,
        action: 'members.attributes_updated',
        before,
        after,
        actor,
        client: trx,
      })
    })
    await new AutoTags().apply(companyId, { memberIds: [memberId] })
    return Object.keys(after)
  }

  /**
   * An import's values for one member, set where the member has none yet (an
   * import fills, it does not overwrite what staff wrote); returns how many
   * it set. The caller re-runs the auto tags for the members it changed.
   */
  async fillEmpty(
    client: QueryClientContract,
    memberId: number,
    values: { attributeId: number; value: StoredValue }[]
  ): Promise<number> {
    if (!values.length) return 0
    const held = await client
      .from('member_attribute_values')
      .where('member_id', memberId)
      .select('attribute_id')
    const have = new Set(held.map((row: any) => Number(row.attribute_id)))
    const missing = values.filter(({ attributeId }) => !have.has(attributeId))
    if (missing.length)
      await client.table('member_attribute_values').multiInsert(
        missing.map(({ attributeId, value }) => ({
          member_id: memberId,
          attribute_id: attributeId,
          ...value,
        }))
      )
    return missing.length
  }

  /** A value as typed for this attribute (null: empty); DomainError when it does not fit. */
  parse(definition: AttributeDefinition, input: string): StoredValue | null {
    if (input === '') return null
    const fail = () => {
      throw new DomainError('E_ATTRIBUTE_INVALID', 'members.attributes.errors.invalid', 422, {
        label: definition.label,
      })
    }
    const empty = { value_text: null, value_number: null, value_date: null }
    switch (definition.type) {
      case 'text':
        if (input.length > 500) fail()
        return { ...empty, value_text: input }
      case 'enum':
        if (!definition.options.includes(input)) fail()
        return { ...empty, value_text: input }
      case 'boolean': {
        const truthy = ['true', '1', 'yes', '是'].includes(input.toLowerCase())
        const falsy = ['false', '0', 'no', '否'].includes(input.toLowerCase())
        if (!truthy && !falsy) fail()
        return {
          value_text: truthy ? 'true' : 'false',
          value_number: truthy ? 1 : 0,
          value_date: null,
        }
      }
      case 'number': {
        const n = Number(input.replace(/,/g, ''))
        if (!Number.isFinite(n) || !/^-?[\d,]+(\.\d+)?$/.test(input)) fail()
        return { ...empty, value_number: n }
      }
      case 'date': {
        const d = DateTime.fromISO(input)
        if (!d.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(input)) fail()
        return { ...empty, value_date: input }
      }
    }
  }

  display(value: StoredValue): string {
    if (value.value_date) {
      const d: unknown = value.value_date
      return d instanceof Date ? DateTime.fromJSDate(d).toISODate()! : String(d).slice(0, 10)
    }
    if (value.value_text !== null) return value.value_text
    if (value.value_number !== null) return String(Number(value.value_number))
    return ''
  }
}
