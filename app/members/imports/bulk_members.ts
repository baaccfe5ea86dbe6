import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { PROFILE_FILL_COLUMNS, ResolveMember } from '#app/members/actions/resolve_member'
import { bulkInsert, bulkUpdate } from '#app/shared/kernel/bulk_insert'
import type { ImportRow, RowOutcome } from '#app/members/imports/importer'
import type { ParsedMember } from '#app/members/imports/member_importer'
import { toDbTime } from '#app/shared/kernel/db_values'
import {
  LOOKUP_CHUNK,
  OneIdBulkImport,
  type BulkCounters,
  type Identity,
} from '#app/members/imports/bulk_plan'

export interface BulkMemberUnit {
  rows: ImportRow[]
  parsed: ParsedMember
}

export interface BulkMemberCallbacks {
  /** The per-row path (ResolveMember in a savepoint, rejects on error). */
  fallback: (unit: BulkMemberUnit) => Promise<void>
  /** Counts a row the fast path applied. */
  done: (unit: BulkMemberUnit, outcome: RowOutcome, memberIds: number[]) => void
}

/** Profile columns a member import fills (ResolveMember fills only empty ones). */
const PROFILE_COLUMNS = PROFILE_FILL_COLUMNS
const PG_TYPES = { birthday: 'date', registered_at: 'timestamptz', source_shop_id: 'integer' }

interface MemberState {
  merged: boolean
  phoneHash: string | null
  gender: string
  profile: Record<string, unknown>
  /** The custom attributes it has a value for (an import fills only the others). */
  attributes: Set<number>
}

interface NewMember {
  ref: number
  row: Record<string, unknown>
  id?: number
  attributes: Set<number>
}

/** An identity as the plan knows it: stored (id), or planned in this batch (row). */
interface KnownIdentity {
  member: number | NewMember
  id?: number
  row?: Record<string, unknown>
  /** As stored (compared as the per-row path compares it). */
  platformData: unknown
}

/** The writes planned for one run of simple rows. */
interface Plan {
  units: { unit: BulkMemberUnit; member: number | NewMember; outcome: RowOutcome }[]
  members: NewMember[]
  identities: { member: number | NewMember; row: Record<string, unknown> }[]
  /** Empty profile fields to fill (member id → column → value). */
  fills: Map<number, Record<string, unknown>>
  /** Platform reports replaced on stored identities (identity id → JSON). */
  reports: Map<number, Record<string, unknown>>
  /** Custom attribute values for attributes the member has none of. */
  attributeValues: { member: number | NewMember; row: Record<string, unknown> }[]
}

/**
 * The set-based path of the member import. For a batch of parsed rows it
 * loads the identities they name (one query per identity type) and their
 * members (one query), decides in memory what ResolveMember would do for
 * each row — a new member, empty profile fields and gender filled on the one
 * member its identities point at, new identities attached, a platform
 * report (会员等级, 累计消费 …) replaced, custom attributes the member has
 * no value for set (MemberAttributes.fillEmpty) — and writes that with multi-row
 * statements in file order, so ids come out as the per-row path gives them.
 * A row whose identities point at two members (the OneID conflict rules), at
 * a merged member, or that would give a member without a phone one, goes
 * through the per-row path after the pending writes; so does a batch whose
 * bulk write fails. Nothing here is audit-logged or touches consent: the
 * per-row path does neither for member imports.
 */
export class BulkMemberImport extends OneIdBulkImport<BulkMemberUnit, Plan, BulkMemberCallbacks> {
  /** Rows taken by each path, and bulk writes that failed (for tests and diagnostics). */
  static counters: BulkCounters = { fast: 0, fallback: 0, failedWrites: 0 }

  private identities = new Map<string, KnownIdentity>()
  private members = new Map<number, MemberState>()

  protected counters() {
    return BulkMemberImport.counters
  }

  protected newPlan(): Plan {
    return {
      units: [],
      members: [],
      identities: [],
      fills: new Map(),
      reports: new Map(),
      attributeValues: [],
    }
  }

  /** A member row must name at least one usable identity. */
  protected identitiesOf(unit: BulkMemberUnit): Identity[] | null {
    const list = this.normalisedIdentities(unit, unit.parsed.identities)
    return list?.length ? list : null
  }

  /** Loads the identities the rows name (one query per type) and their members. */
  protected async load(units: BulkMemberUnit[]) {
    const memberIds = new Set<number>()
    const stored = await this.storedIdentities(units, ['id', 'platform_data'], (key) =>
      this.identities.delete(key)
    )
    for (const { key, row } of stored) {
      this.identities.set(key, {
        member: Number(row.member_id),
        id: Number(row.id),
        platformData: row.platform_data,
      })
      memberIds.add(Number(row.member_id))
    }
    const ids = [...memberIds]
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.client
        .from('members')
        .whereIn('id', ids.slice(i, i + LOOKUP_CHUNK))
        .select('id', 'merged_into_id', 'phone_hash', 'gender', ...PROFILE_COLUMNS)
      const held = new Map<number, Set<number>>()
      if (this.context.attributes.size) {
        const values = await this.client
          .from('member_attribute_values')
          .whereIn('member_id', ids.slice(i, i + LOOKUP_CHUNK))
          .select('member_id', 'attribute_id')
        for (const value of values) {
          const id = Number(value.member_id)
          if (!held.has(id)) held.set(id, new Set())
          held.get(id)!.add(Number(value.attribute_id))
        }
      }
      for (const row of rows) {
        const profile: Record<string, unknown> = {}
        for (const column of PROFILE_COLUMNS) profile[column] = row[column]
        this.members.set(Number(row.id), {
          merged: !!row.merged_into_id,
          phoneHash: row.phone_hash,
          gender: row.gender,
          profile,
          attributes: held.get(Number(row.id)) ?? new Set(),
        })
      }
    }
  }

  /** Adds a simple row to the plan and returns true; false (plan untouched) if it is not simple. */
  protected plan(unit: BulkMemberUnit, plan: Plan): boolean {
    const identities = this.identitiesOf(unit)
    if (identities === null) return false
    const owners = new Set<number | NewMember>()
    for (const identity of identities) {
      const known = this.identities.get(`${identity.type}:${identity.value}`)
      if (known) owners.add(known.member)
    }
    // Two members (or a merged one): the OneID rules of the per-row path decide.
    if (owners.size > 1) return false
    const phone = identities.find((i) => i.type === 'phone')
    const profile = unit.parsed.profile
    const incoming = ResolveMember.profileRow(profile, this.client)
    const gender = profile.gender && profile.gender !== 'unknown' ? profile.gender : null

    let member: number | NewMember
    let changed = false
    let outcome: RowOutcome
    if (owners.size === 0) {
      const row: Record<string, unknown> = { company_id: this.context.companyId }
      for (const column of PROFILE_COLUMNS) row[column] = incoming[column] ?? null
      Object.assign(row, {
        gender: profile.gender ?? 'unknown',
        phone_encrypted: phone?.phone?.encrypt() ?? null,
        phone_hash: phone?.value ?? null,
        created_at: this.now,
        updated_at: this.now,
      })
      member = { ref: plan.members.length, row, attributes: new Set() }
      plan.members.push(member)
      outcome = 'inserted'
    } else {
      const owner = [...owners][0]
      let current: {
        profile: Record<string, unknown>
        phoneHash: unknown
        gender: unknown
        attributes: Set<number>
      }
      if (typeof owner === 'number') {
        const state = this.members.get(owner)
        if (!state || state.merged) return false
        current = state
      } else {
        // A member this batch creates and has not written yet.
        if (plan.members[owner.ref] !== owner) return false
        current = {
          profile: owner.row,
          phoneHash: owner.row.phone_hash,
          gender: owner.row.gender,
          attributes: owner.attributes,
        }
      }
      // Giving a member a phone checks that no one else has it: the per-row path does that.
      if (phone && !current.phoneHash) return false
      const fill: Record<string, unknown> = {}
      for (const [column, value] of Object.entries(incoming)) {
        const was = current.profile[column]
        if (was === null || was === undefined || was === '') fill[column] = value
      }
      if (gender && current.gender === 'unknown') fill.gender = gender
      if (Object.keys(fill).length) {
        changed = true
        for (const [column, value] of Object.entries(fill)) {
          if (column === 'gender') current.gender = value
          else current.profile[column] = value
        }
        if (typeof owner === 'number') {
          const state = this.members.get(owner)!
          state.gender = current.gender as string
          plan.fills.set(owner, { ...plan.fills.get(owner), ...fill })
        } else {
          owner.row.gender = current.gender
        }
      }
      member = owner
      outcome = 'updated'
    }

    // Custom attributes: the first row (in file order) with a value sets it; a
    // member's existing value is never overwritten.
    const held =
      typeof member === 'number' ? this.members.get(member)!.attributes : member.attributes
    for (const { attributeId, value } of unit.parsed.attributes) {
      if (held.has(attributeId)) continue
      held.add(attributeId)
      plan.attributeValues.push({ member, row: { attribute_id: attributeId, ...value } })
      changed = true
    }

    for (const identity of identities) {
      const key = `${identity.type}:${identity.value}`
      const report = identity.platformData ? JSON.stringify(identity.platformData) : null
      const known = this.identities.get(key)
      if (known) {
        if (!report || report === known.platformData) continue
        known.platformData = report
        if (known.row) known.row.platform_data = report
        else plan.reports.set(known.id!, { platform_data: report })
        changed = true
        continue
      }
      const row = {
        company_id: this.context.companyId,
        type: identity.type,
        value: identity.value,
        source: 'import',
        platform_data: report,
        created_at: this.now,
        updated_at: this.now,
      }
      this.identities.set(key, { member, row, platformData: report })
      plan.identities.push({ member, row })
      changed = true
    }
    if (outcome === 'updated' && !changed) outcome = 'duplicate'
    plan.units.push({ unit, member, outcome })
    return true
  }

  /** Writes the plan; if that fails, undoes it and sends its rows through the per-row path. */
  protected async flush(plan: Plan, callbacks: BulkMemberCallbacks, rest: BulkMemberUnit[]) {
    if (!plan.units.length) return
    try {
      await this.client.transaction((savepoint) => this.write(plan, savepoint))
    } catch (error) {
      BulkMemberImport.counters.failedWrites++
      logger.warn({ err: error }, 'member import: bulk write failed, applying the batch row by row')
      // Unexpected (a constraint the plan did not foresee): the per-row path decides.
      this.identities.clear()
      this.members.clear()
      for (const { unit } of plan.units) await callbacks.fallback(unit)
      await this.load(rest)
      return
    }
    BulkMemberImport.counters.fast += plan.units.length
    const idOf = (member: number | NewMember) => (typeof member === 'number' ? member : member.id!)
    for (const { unit, member, outcome } of plan.units) {
      callbacks.done(unit, outcome, outcome === 'duplicate' ? [] : [idOf(member)])
    }
    // What the batch wrote is now stored: later rows see ids, not plans.
    for (const known of this.identities.values()) {
      if (typeof known.member !== 'number') known.member = known.member.id!
      known.row = undefined
    }
    for (const pending of plan.members) {
      const profile: Record<string, unknown> = {}
      for (const column of PROFILE_COLUMNS) profile[column] = pending.row[column]
      this.members.set(pending.id!, {
        merged: false,
        phoneHash: (pending.row.phone_hash as string | null) ?? null,
        gender: pending.row.gender as string,
        profile,
        attributes: pending.attributes,
      })
    }
  }

  /**
   * Profile fills, multi-row inserts of members, identities and custom
   * attribute values, replaced platform reports.
   */
  private async write(plan: Plan, client: QueryClientContract) {
    const now = toDbTime(DateTime.utc(), client)
    await bulkUpdate(client, 'members', plan.fills, { types: PG_TYPES, also: { updated_at: now } })
    const ids = await bulkInsert(
      client,
      'members',
      plan.members.map((m) => m.row),
      { returning: true }
    )
    plan.members.forEach((m, index) => (m.id = ids[index]))
    await bulkInsert(
      client,
      'member_identities',
      plan.identities.map(({ member, row }) => ({
        ...row,
        member_id: typeof member === 'number' ? member : member.id!,
      }))
    )
    await bulkUpdate(client, 'member_identities', plan.reports, { also: { updated_at: now } })
    await bulkInsert(
      client,
      'member_attribute_values',
      plan.attributeValues.map(({ member, row }) => ({
        member_id: typeof member === 'number' ? member : member.id!,
        ...row,
      }))
    )
  }
}
