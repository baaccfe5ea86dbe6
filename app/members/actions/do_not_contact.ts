import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { type Phone } from '#app/shared/kernel/phone'
import { sqlTime } from '#app/commerce/actions/sql_time'
import Member from '#app/members/models/member'
import type { ConsentChannel } from '#app/members/actions/manage_consent'

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
      created_at: sqlTime(client ?? db.connection(), DateTime.utc()),
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

/**
 * May we message this person on this channel? The one check every sender
 * calls. Do-not-contact always wins; marketing additionally needs the
 * member's consent for the channel (an unknown or erased person gets no
 * marketing).
 */
export class MayContact {
  async check(input: {
    companyId: number
    channel: ConsentChannel
    category: ContactCategory
    phone?: Phone | null
    memberId?: number | null
  }): Promise<{ allowed: boolean; reason: 'do_not_contact' | 'no_consent' | 'erased' | null }> {
    const member = input.memberId ? await Member.find(input.memberId) : null
    if (member?.erasedAt) return { allowed: false, reason: 'erased' }
    const phoneHash = input.phone?.blindIndex ?? member?.phoneHash ?? null
    if (
      phoneHash &&
      (await new DoNotContactList().blocks(input.companyId, phoneHash, input.channel))
    ) {
      return { allowed: false, reason: 'do_not_contact' }
    }
    if (input.category !== 'marketing') return { allowed: true, reason: null }
    if (!member) return { allowed: false, reason: 'no_consent' }
    const consent = await db
      .from('member_consents')
      .where({ member_id: member.id, channel: input.channel })
      .first()
    return consent && Boolean(consent.granted)
      ? { allowed: true, reason: null }
      : { allowed: false, reason: 'no_consent' }
  }
}
