import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { type Phone } from '#app/shared/kernel/phone'
import Member from '#app/members/models/member'
import type { ConsentChannel } from '#app/members/actions/manage_consent'
import { toDbTime } from '#app/shared/kernel/db_values'

export type DncChannel = ConsentChannel | 'all'
export const DNC_SOURCES = ['staff', 'reply', 'erasure', 'import', 'api'] as const
export type DncSource = (typeof DNC_SOURCES)[number]

/**
 * 免打扰名单: phone numbers nobody may message, members or not. Stored as
 * the phone's blind index, so the list itself holds no numbers.
 */
export class DoNotContactList {
  async add(
    companyId: number,
    phone: Phone,
    entry: {
      channel?: DncChannel
      source: DncSource
      reason?: string | null
      actor?: AuditActor | null
    },
    client?: TransactionClientContract
  ): Promise<boolean> {
    const executor = client ?? db
    const channel = entry.channel ?? 'all'
    const existing = await executor
      .from('do_not_contact')
      .where({ company_id: companyId, phone_hash: phone.blindIndex, channel })
      .first()
    if (existing) return false
    await executor.table('do_not_contact').insert({
      company_id: companyId,
      phone_hash: phone.blindIndex,
      channel,
      source: entry.source,
      reason: entry.reason ?? null,
      created_by_id: entry.actor?.id ?? null,
      created_at: toDbTime(DateTime.utc(), client ?? db.connection()),
    })
    const added = true
    if (added) {
      await AuditLog.record({
        entityType: 'do_not_contact',
        action: 'add',
        after: { phone: phone.digits },
        context: { channel, source: entry.source, reason: entry.reason ?? null },
        actor: entry.actor,
        client,
      })
    }
    return added
  }

  async remove(companyId: number, id: number, actor?: AuditActor | null) {
    const row = await db.from('do_not_contact').where({ id, company_id: companyId }).first()
    if (!row) return false
    await db.from('do_not_contact').where('id', id).delete()
    await AuditLog.record({
      entityType: 'do_not_contact',
      entityId: id,
      action: 'remove',
      context: { channel: row.channel, source: row.source },
      actor,
    })
    return true
  }

  /** Whether this phone hash is blocked for the channel (or for all channels). */
  async blocks(companyId: number, phoneHash: string, channel: ConsentChannel): Promise<boolean> {
    const row = await db
      .from('do_not_contact')
      .where({ company_id: companyId, phone_hash: phoneHash })
      .whereIn('channel', ['all', channel])
      .first()
    return Boolean(row)
  }
}

export type ContactCategory = 'marketing' | 'notification' | 'otp'

export interface ContactQuery {
  companyId: number
  channel: ConsentChannel
  category: ContactCategory
  phone?: Phone | null
  memberId?: number | null
}

export interface ContactVerdict {
  allowed: boolean
  reason: 'do_not_contact' | 'no_consent' | 'erased' | null
}

/**
 * May we message this person on this channel? The one check every sender
 * calls. Do-not-contact always wins; marketing additionally needs the
 * member's consent for the channel (an unknown or erased person gets no
 * marketing).
 */
export class MayContact {
  async check(input: ContactQuery): Promise<ContactVerdict> {
    const [verdict] = await this.checkMany([input])
    return verdict
  }

  /**
   * The same check for many recipients at once (a batch of messages): three
   * queries whatever their number — members, do-not-contact, consents.
   */
  async checkMany(inputs: ContactQuery[]): Promise<ContactVerdict[]> {
    const memberIds = unique(inputs.map((input) => input.memberId ?? null))
    const members = new Map<number, Member>()
    for (const ids of chunks(memberIds)) {
      for (const member of await Member.query().whereIn('id', ids)) members.set(member.id, member)
    }
    const hashOf = (input: ContactQuery) =>
      input.phone?.blindIndex ??
      (input.memberId ? members.get(input.memberId)?.phoneHash : null) ??
      null

    const blocked = new Set<string>()
    const hashes = unique(inputs.map(hashOf))
    const companies = unique(inputs.map((input) => input.companyId))
    for (const ids of chunks(hashes)) {
      const rows = await db
        .from('do_not_contact')
        .whereIn('company_id', companies)
        .whereIn('phone_hash', ids)
        .select('company_id', 'phone_hash', 'channel')
      for (const row of rows) blocked.add(`${row.company_id}:${row.phone_hash}:${row.channel}`)
    }

    const consents = new Map<string, boolean>()
    const marketingMembers = unique(
      inputs
        .filter((input) => input.category === 'marketing')
        .map((input) => input.memberId ?? null)
    )
    for (const ids of chunks(marketingMembers)) {
      const rows = await db
        .from('member_consents')
        .whereIn('member_id', ids)
        .orderBy('id')
        .select('member_id', 'channel', 'granted')
      for (const row of rows) {
        const key = `${row.member_id}:${row.channel}`
        if (!consents.has(key)) consents.set(key, Boolean(row.granted))
      }
    }

    return inputs.map((input): ContactVerdict => {
      const member = input.memberId ? (members.get(input.memberId) ?? null) : null
      if (member?.erasedAt) return { allowed: false, reason: 'erased' }
      const phoneHash = hashOf(input)
      const prefix = `${input.companyId}:${phoneHash}:`
      if (phoneHash && (blocked.has(`${prefix}all`) || blocked.has(`${prefix}${input.channel}`))) {
        return { allowed: false, reason: 'do_not_contact' }
      }
      if (input.category !== 'marketing') return { allowed: true, reason: null }
      if (!member) return { allowed: false, reason: 'no_consent' }
      return consents.get(`${member.id}:${input.channel}`)
        ? { allowed: true, reason: null }
        : { allowed: false, reason: 'no_consent' }
    })
  }
}

function unique<T>(values: Array<T | null | undefined>): T[] {
  return [...new Set(values.filter((value): value is T => value !== null && value !== undefined))]
}

/** Lists cut to a size every database accepts in one `IN (…)`. */
function chunks<T>(values: T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}
