import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { Phone } from '#app/shared/kernel/phone'
import Member, { type Gender } from '#app/members/models/member'
import { GrantBonuses, MEMBER_BONUSES } from '#app/loyalty/actions/grant_bonuses'
import { toDbTime } from '#app/shared/kernel/db_values'
import { AutoTags } from '#app/members/actions/auto_tags'

/** Fields staff (or an API client) may set by hand; `null` clears a field, absent leaves it. */
export interface ProfileEdit {
  name?: string | null
  gender?: Gender | null
  birthday?: DateTime | null
  province?: string | null
  city?: string | null
  email?: string | null
  notes?: string | null
  sourceChannel?: string | null
  /** A new phone (any accepted spelling) or null to remove it. */
  phone?: string | null
}

const TEXT_FIELDS = ['name', 'province', 'city', 'email', 'notes', 'sourceChannel'] as const

/**
 * Editing a profile by hand (the member page, PATCH /api/v1/members/:id).
 * Unlike imports, which only fill empty fields, an explicit edit overwrites.
 * The phone keeps its OneID identity in step and may not belong to another
 * member. Audit-logged with before/after (the phone masked); saving the
 * values it already has changes nothing and logs nothing. A change re-runs
 * the auto-tag rules for this member once it is committed (a rule "city =
 * 杭州" follows the edit at once instead of at the nightly run).
 */
export class UpdateMemberProfile {
  async handle(companyId: number, memberId: number, edit: ProfileEdit, actor: AuditActor | null) {
    const result = await this.write(companyId, memberId, edit, actor)
    if (result.changed.length) {
      // A profile that became complete (or a birthday now in its month): the bonus at once;
      // and the auto-tag rules for the new values.
      await new GrantBonuses().forMembers(companyId, [memberId], MEMBER_BONUSES)
      await new AutoTags().apply(companyId, { memberIds: [memberId] })
    }
    return result
  }

  private async write(
    companyId: number,
    memberId: number,
    edit: ProfileEdit,
    actor: AuditActor | null
  ) {
    return db.transaction(async (trx) => {
      const member = await Member.query({ client: trx })
        .where({ id: memberId, companyId })
        .whereNull('mergedIntoId')
        .whereNull('erasedAt')
        .forUpdate()
        .first()
      if (!member) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)

      const before: Record<string, unknown> = {}
      const after: Record<string, unknown> = {}
      const change = (field: string, from: unknown, to: unknown) => {
        if ((from ?? null) === (to ?? null)) return false
        before[field] = from ?? null
        after[field] = to ?? null
        return true
      }

      for (const field of TEXT_FIELDS) {
        if (edit[field] === undefined) continue
        const value = edit[field]?.trim() || null
        if (change(field, member[field], value)) member[field] = value
      }
      if (edit.gender !== undefined) {
        const gender = edit.gender ?? 'unknown'
        if (change('gender', member.gender, gender)) member.gender = gender
      }
      if (edit.birthday !== undefined) {
        const from = member.birthday?.toISODate() ?? null
        const to = edit.birthday?.toISODate() ?? null
        if (change('birthday', from, to)) member.birthday = edit.birthday ?? null
      }

      let newPhone: Phone | null | undefined
      if (edit.phone !== undefined) {
        newPhone = edit.phone ? Phone.parse(edit.phone) : null
        const current = member.phone
        if ((current?.blindIndex ?? null) !== (newPhone?.blindIndex ?? null)) {
          if (newPhone) {
            const taken = await trx
              .from('members')
              .where({ company_id: companyId, phone_hash: newPhone.blindIndex })
              .whereNot('id', member.id)
              .first()
            const owned = await trx
              .from('member_identities')
              .where({ company_id: companyId, type: 'phone', value: newPhone.blindIndex })
              .whereNot('member_id', member.id)
              .first()
            if (taken || owned) {
              throw new DomainError('E_PHONE_TAKEN', 'members.errors.phone_taken', 422, {
                memberId: taken?.id ?? owned?.member_id,
              })
            }
          }
          before.phone = current?.digits ?? null
          after.phone = newPhone?.digits ?? null
          await this.syncPhoneIdentity(trx, member, current, newPhone ?? null)
          member.setPhone(newPhone ?? null)
        }
      }

      if (!Object.keys(after).length) return { member, changed: [] as string[] }
      await member.useTransaction(trx).save()
      await AuditLog.record({
        entityType: 'member',
        entityId: member.id,
        action: 'members.profile_updated',
        before,
        after,
        actor,
        client: trx,
      })
      return { member, changed: Object.keys(after) }
    })
  }

  /** The phone identity follows the profile phone: the old one goes, the new one is attached. */
  private async syncPhoneIdentity(
    trx: TransactionClientContract,
    member: Member,
    current: Phone | null,
    next: Phone | null
  ) {
    if (current) {
      await trx
        .from('member_identities')
        .where({ member_id: member.id, type: 'phone', value: current.blindIndex })
        .delete()
    }
    if (next) {
      const exists = await trx
        .from('member_identities')
        .where({ member_id: member.id, type: 'phone', value: next.blindIndex })
        .first()
      if (!exists) {
        const now = toDbTime(DateTime.utc(), trx)
        await trx.table('member_identities').insert({
          company_id: member.companyId,
          member_id: member.id,
          type: 'phone',
          value: next.blindIndex,
          source: 'manual',
          created_at: now,
          updated_at: now,
        })
      }
    }
  }
}
