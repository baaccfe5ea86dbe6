import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import type Member from '#app/members/models/member'
import { toDbTime } from '#app/shared/kernel/db_values'

export const CONSENT_CHANNELS = ['sms', 'wechat', 'email'] as const
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number]
export const CONSENT_SOURCES = [
  'import',
  'api',
  'staff',
  'store',
  'reply',
  'erasure',
  'merge',
] as const
export type ConsentSource = (typeof CONSENT_SOURCES)[number]

/** A member as consent needs it (a model or a row). */
type ConsentHolder = Pick<Member, 'id' | 'companyId'>

/** What a merge changed on the member that stays, so that undoing it can put it back. */
export interface CarriedConsent {
  channel: ConsentChannel
  granted: boolean
  /** The target's state before: null when it had none. */
  before: boolean | null
}

export interface ConsentChange {
  channel: ConsentChannel
  granted: boolean
  source: ConsentSource
  note?: string | null
  actor?: AuditActor | null
}

/**
 * 营销授权: a member's marketing consent per channel. The current state is
 * one row per channel; every change is also an event row (source, time,
 * who), and audit-logged. Recording the state it already has is a no-op.
 */
export class ManageConsent {
  async record(member: ConsentHolder, change: ConsentChange, client?: TransactionClientContract) {
    const run = async (trx: TransactionClientContract) => {
      const current = await trx
        .from('member_consents')
        .where({ member_id: member.id, channel: change.channel })
        .first()
      if (current && Boolean(current.granted) === change.granted) return false

      const now = toDbTime(DateTime.utc(), trx)
      if (current) {
        await trx
          .from('member_consents')
          .where('id', current.id)
          .update({ granted: change.granted, source: change.source, recorded_at: now })
      } else {
        await trx.table('member_consents').insert({
          company_id: member.companyId,
          member_id: member.id,
          channel: change.channel,
          granted: change.granted,
          source: change.source,
          recorded_at: now,
        })
      }
      await this.recordEvent(trx, member, change, now)
      return true
    }
    return client ? run(client) : db.transaction(run)
  }

  /**
   * A merge: consent follows the person. A channel the duplicate withdrew is
   * withdrawn on the member that stays (an unsubscribe is never lost to a
   * merge); one the duplicate granted is granted there if that member had
   * no state for it. Returns what changed.
   */
  async carryOnMerge(
    trx: TransactionClientContract,
    source: ConsentHolder,
    target: ConsentHolder,
    actor: AuditActor | null
  ): Promise<CarriedConsent[]> {
    const states = async (memberId: number) => {
      const rows = await trx.from('member_consents').where('member_id', memberId)
      return new Map(rows.map((row: any) => [row.channel as string, Boolean(row.granted)]))
    }
    const [from, to] = await Promise.all([states(source.id), states(target.id)])
    const carried: CarriedConsent[] = []
    for (const channel of CONSENT_CHANNELS) {
      const granted = from.get(channel)
      if (granted === undefined) continue
      const before = to.get(channel) ?? null
      const change = granted ? before === null : before !== false
      if (!change) continue
      await this.record(
        target,
        { channel, granted, source: 'merge', note: `#${source.id}`, actor },
        trx
      )
      carried.push({ channel, granted, before })
    }
    return carried
  }

  /**
   * Undoing a merge takes back the grants it carried (a channel the member
   * that stays had no state for has none again; events keep the history).
   * Carried withdrawals stay: the person asked for them. A channel changed
   * since the merge is left as it is.
   */
  async undoMerge(
    trx: TransactionClientContract,
    target: ConsentHolder,
    carried: CarriedConsent[],
    actor: AuditActor | null
  ) {
    for (const { channel, granted, before } of carried) {
      if (!granted) continue
      const current = await trx
        .from('member_consents')
        .where({ member_id: target.id, channel })
        .first()
      if (!current || !current.granted || current.source !== 'merge') continue
      if (before === null) {
        await trx.from('member_consents').where('id', current.id).delete()
        await this.recordEvent(
          trx,
          target,
          { channel, granted: false, source: 'merge', note: 'undone', actor },
          toDbTime(DateTime.utc(), trx),
          { undone: true }
        )
      } else {
        await this.record(target, { channel, granted: before, source: 'merge', actor }, trx)
      }
    }
  }

  /** The event row of a change and its audit entry (withdrawn, granted). */
  private async recordEvent(
    trx: TransactionClientContract,
    member: ConsentHolder,
    change: ConsentChange,
    at: string,
    context: Record<string, unknown> = {}
  ) {
    await trx.table('member_consent_events').insert({
      company_id: member.companyId,
      member_id: member.id,
      channel: change.channel,
      granted: change.granted,
      source: change.source,
      note: change.note ?? null,
      actor_id: change.actor?.id ?? null,
      recorded_at: at,
    })
    await AuditLog.record({
      entityType: 'member',
      entityId: member.id,
      action: change.granted ? 'consent_granted' : 'consent_withdrawn',
      context: { channel: change.channel, source: change.source, ...context },
      actor: change.actor,
      client: trx,
    })
  }

  /** 一键退订: withdraw every channel at once. */
  async withdrawAll(member: Member, source: ConsentSource, actor?: AuditActor | null) {
    return db.transaction(async (trx) => {
      for (const channel of CONSENT_CHANNELS) {
        await this.record(member, { channel, granted: false, source, actor }, trx)
      }
    })
  }

  async current(
    memberId: number
  ): Promise<
    Record<ConsentChannel, { granted: boolean; source: string; recordedAt: string } | null>
  > {
    const rows = await db.from('member_consents').where('member_id', memberId)
    const state = { sms: null, wechat: null, email: null } as Record<ConsentChannel, any>
    for (const row of rows) {
      state[row.channel as ConsentChannel] = {
        granted: Boolean(row.granted),
        source: row.source,
        recordedAt: row.recorded_at,
      }
    }
    return state
  }
}
