import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { Phone } from '#app/shared/kernel/phone'
import { DomainError } from '#app/shared/errors/domain_error'
import {
  IDENTITY_PRIORITY,
  IDENTITY_TYPES,
  type IdentityType,
} from '#app/members/models/member_identity'
import type { Gender } from '#app/members/models/member'
import { GrantBonuses, MEMBER_BONUSES } from '#app/loyalty/actions/grant_bonuses'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface IdentityInput {
  type: IdentityType
  /** Clear value as received; phones are normalised and hashed here. */
  value: string
  /** What the platform reports for this account (level, spend, points …). */
  platformData?: Record<string, unknown> | null
}

export interface ProfileInput {
  name?: string | null
  gender?: Gender | null
  birthday?: DateTime | null
  province?: string | null
  city?: string | null
  email?: string | null
  registeredAt?: DateTime | null
  sourceShopId?: number | null
  sourceChannel?: string | null
  notes?: string | null
}

export interface ResolveInput {
  companyId: number
  identities: IdentityInput[]
  profile?: ProfileInput
  /** import, api, order, manual */
  source?: string
}

export interface ResolveResult {
  memberId: number
  /** created: a new member; updated: something was added; unchanged: all known already. */
  outcome: 'created' | 'updated' | 'unchanged'
  /** Identities that already belong to another member and were left there. */
  conflicts: { type: IdentityType; memberId: number }[]
}

const PROFILE_COLUMNS = [
  ['name', 'name'],
  ['birthday', 'birthday'],
  ['province', 'province'],
  ['city', 'city'],
  ['email', 'email'],
  ['registeredAt', 'registered_at'],
  ['sourceShopId', 'source_shop_id'],
  ['sourceChannel', 'source_channel'],
  ['notes', 'notes'],
] as const satisfies readonly (readonly [keyof ProfileInput, string])[]

/** The member columns ResolveMember fills when empty (imports, the API, orders). */
export const PROFILE_FILL_COLUMNS = PROFILE_COLUMNS.map(([, column]) => column)

/**
 * OneID: finds the member the incoming identities belong to, or creates
 * one, and attaches the identities not seen before.
 *
 * Deterministic rules (docs/members.md):
 * - identities are matched on (company, type, value); phones by blind index;
 *   a match on a merged member counts as a match on the member it was merged into;
 * - when identities point at different members, the member found by the
 *   identity earliest in IDENTITY_PRIORITY wins (phone, then unionid, …),
 *   and among equals the oldest member (lowest id); identities owned by the
 *   other members stay with them (reported as conflicts, never moved);
 * - profile fields are only filled where the member has none: an import
 *   never overwrites what staff or an earlier source recorded.
 */
export class ResolveMember {
  /**
   * With a `client` the caller owns the transaction and grants the member's
   * bonuses after it commits (`GrantBonuses.forMembers`); without, this
   * commits and grants them at once.
   */
  async handle(input: ResolveInput, client?: QueryClientContract): Promise<ResolveResult> {
    if (client) return this.run(input, client)
    const result = await db.transaction((trx) => this.run(input, trx))
    if (result.outcome !== 'unchanged') {
      await new GrantBonuses().forMembers(input.companyId, [result.memberId], MEMBER_BONUSES)
    }
    return result
  }

  /** `blindIndex` lets a bulk caller reuse the hash of a phone it has seen before. */
  static normalise(
    identities: IdentityInput[],
    blindIndex: (phone: Phone) => string = (phone) => phone.blindIndex
  ) {
    const seen = new Set<string>()
    const out: (IdentityInput & { phone?: Phone })[] = []
    for (const identity of identities) {
      if (!IDENTITY_TYPES.includes(identity.type)) continue
      const raw = (identity.value ?? '').toString().trim()
      if (!raw) continue
      let value = raw
      let phone: Phone | undefined
      if (identity.type === 'phone') {
        phone = Phone.parse(raw)
        value = blindIndex(phone)
      }
      const key = `${identity.type}:${value}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push({ type: identity.type, value, phone, platformData: identity.platformData ?? null })
    }
    return out
  }

  private async run(input: ResolveInput, client: QueryClientContract): Promise<ResolveResult> {
    const identities = ResolveMember.normalise(input.identities)
    if (!identities.length) {
      throw new DomainError('E_NO_IDENTITY', 'members.errors.no_identity', 422)
    }
    const now = toDbTime(DateTime.utc(), client)!

    const found = await client
      .from('member_identities')
      .join('members', 'members.id', 'member_identities.member_id')
      .where('member_identities.company_id', input.companyId)
      .where((q) => {
        for (const identity of identities) {
          q.orWhere((w) =>
            w
              .where('member_identities.type', identity.type)
              .where('member_identities.value', identity.value)
          )
        }
      })
      .select(
        'member_identities.id',
        'member_identities.type',
        'member_identities.value',
        'member_identities.member_id',
        'member_identities.platform_data',
        'members.merged_into_id'
      )
    const survivors = new Map<number, number>()
    for (const row of found) {
      if (survivors.has(row.member_id)) continue
      survivors.set(
        row.member_id,
        row.merged_into_id ? await this.survivor(client, row.merged_into_id) : row.member_id
      )
    }

    const rank = (type: IdentityType) => IDENTITY_PRIORITY.indexOf(type)
    const matches = found
      .map((row: any) => ({ ...row, survivor: survivors.get(row.member_id)! }))
      .sort((a: any, b: any) => rank(a.type) - rank(b.type) || a.survivor - b.survivor)

    let memberId: number
    let outcome: ResolveResult['outcome'] = 'unchanged'
    const phoneIdentity = identities.find((i) => i.type === 'phone')

    if (!matches.length) {
      const [row] = await client
        .insertQuery()
        .table('members')
        .insert({
          company_id: input.companyId,
          ...this.profileRow(input.profile ?? {}, client),
          gender: input.profile?.gender ?? 'unknown',
          phone_encrypted: phoneIdentity?.phone?.encrypt() ?? null,
          phone_hash: phoneIdentity?.value ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      memberId = typeof row === 'object' ? row.id : row
      outcome = 'created'
    } else {
      memberId = matches[0].survivor
      if (await this.fillProfile(client, memberId, input, phoneIdentity, now)) outcome = 'updated'
    }

    const conflicts: ResolveResult['conflicts'] = []
    for (const identity of identities) {
      const match = matches.find((m: any) => m.type === identity.type && m.value === identity.value)
      if (match) {
        if (match.survivor !== memberId) {
          conflicts.push({ type: identity.type, memberId: match.survivor })
          continue
        }
        const incoming = identity.platformData ? JSON.stringify(identity.platformData) : null
        if (incoming && incoming !== match.platform_data) {
          await client
            .query()
            .from('member_identities')
            .where('id', match.id)
            .update({ platform_data: incoming, updated_at: now })
          if (outcome === 'unchanged') outcome = 'updated'
        }
        continue
      }
      await client
        .insertQuery()
        .table('member_identities')
        .insert({
          company_id: input.companyId,
          member_id: memberId,
          type: identity.type,
          value: identity.value,
          source: input.source ?? null,
          platform_data: identity.platformData ? JSON.stringify(identity.platformData) : null,
          created_at: now,
          updated_at: now,
        })
      if (outcome === 'unchanged') outcome = 'updated'
    }

    return { memberId, outcome, conflicts }
  }

  /** The member a merged member now lives in. */
  private async survivor(client: QueryClientContract, memberId: number): Promise<number> {
    let id = memberId
    for (let hop = 0; hop < 20; hop++) {
      const row = await client.from('members').where('id', id).select('merged_into_id').first()
      if (!row?.merged_into_id) return id
      id = row.merged_into_id
    }
    return id
  }

  private profileRow(profile: ProfileInput, client: QueryClientContract) {
    return ResolveMember.profileRow(profile, client)
  }

  /** The profile's non-empty fields as member columns (a bulk caller writes the same values). */
  static profileRow(profile: ProfileInput, client: QueryClientContract) {
    const row: Record<string, unknown> = {}
    for (const [key, column] of PROFILE_COLUMNS) {
      const value = profile[key]
      if (value === undefined || value === null || value === '') continue
      if (DateTime.isDateTime(value)) {
        row[column] = key === 'birthday' ? value.toISODate() : toDbTime(value, client)
      } else {
        row[column] = value
      }
    }
    return row
  }

  /** Fills empty profile fields (and the phone if the member has none); true if anything changed. */
  private async fillProfile(
    client: QueryClientContract,
    memberId: number,
    input: ResolveInput,
    phoneIdentity: (IdentityInput & { phone?: Phone }) | undefined,
    now: string
  ) {
    const member = await client.from('members').where('id', memberId).first()
    const incoming = this.profileRow(input.profile ?? {}, client)
    const update: Record<string, unknown> = {}
    for (const [column, value] of Object.entries(incoming)) {
      if (member[column] === null || member[column] === undefined || member[column] === '')
        update[column] = value
    }
    if (
      input.profile?.gender &&
      input.profile.gender !== 'unknown' &&
      member.gender === 'unknown'
    ) {
      update.gender = input.profile.gender
    }
    if (phoneIdentity?.phone && !member.phone_hash) {
      const taken = await client
        .from('members')
        .where({ company_id: input.companyId, phone_hash: phoneIdentity.value })
        .first()
      if (!taken) {
        update.phone_encrypted = phoneIdentity.phone.encrypt()
        update.phone_hash = phoneIdentity.value
      }
    }
    if (!Object.keys(update).length) return false
    await client
      .query()
      .from('members')
      .where('id', memberId)
      .update({ ...update, updated_at: now })
    return true
  }
}
