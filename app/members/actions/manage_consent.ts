import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import type Member from '#app/members/models/member'
import { toDbTime } from '#app/shared/kernel/db_values'

export const CONSENT_CHANNELS = ['sms', 'wechat', 'email'] as const
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number]
export const CONSENT_SOURCES = ['import', 'api', 'staff', 'store', 'reply', 'erasure'] as const
export type ConsentSource = (typeof CONSENT_SOURCES)[number]

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
  async record(member: Member, change: ConsentChange, client?: TransactionClientContract) {
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
      await trx.table('member_consent_events').insert({
        company_id: member.companyId,
        member_id: member.id,
        channel: change.channel,
        granted: change.granted,
        source: change.source,
        note: change.note ?? null,
        actor_id: change.actor?.id ?? null,
        recorded_at: now,
      })
      await AuditLog.record({
        entityType: 'member',
        entityId: member.id,
        action: change.granted ? 'consent_granted' : 'consent_withdrawn',
        context: { channel: change.channel, source: change.source },
        actor: change.actor,
        client: trx,
      })
      return true
    }
    return client ? run(client) : db.transaction(run)
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
