import db from '@adonisjs/lucid/services/db'
import { Phone } from '#app/shared/kernel/phone'
import Member from '#app/members/models/member'
import type { IdentityType } from '#app/members/models/member_identity'

/**
 * Looks a member up the way shop systems know them: by phone or by one
 * platform identity. A merged-away member answers with the member it was
 * merged into; erased members are never found.
 */
export class FindMember {
  async byPhone(companyId: number, raw: string): Promise<Member | null> {
    const phone = Phone.parse(raw)
    const direct = await Member.query()
      .where({ companyId, phoneHash: phone.blindIndex })
      .whereNull('erasedAt')
      .first()
    if (direct) return this.survivor(direct)
    return this.byIdentity(companyId, 'phone', phone.blindIndex)
  }

  async byIdentity(companyId: number, type: IdentityType, value: string): Promise<Member | null> {
    const key = type === 'phone' ? this.phoneKey(value) : value.trim()
    const row = await db
      .from('member_identities')
      .where({ company_id: companyId, type, value: key })
      .select('member_id')
      .first()
    if (!row) return null
    const member = await Member.query()
      .where({ id: row.member_id, companyId })
      .whereNull('erasedAt')
      .first()
    return member ? this.survivor(member) : null
  }

  /** The active member, following merges (the chain is short; capped against loops). */
  async survivor(member: Member): Promise<Member | null> {
    let current: Member | null = member
    for (let hop = 0; hop < 20 && current?.mergedIntoId; hop++) {
      current = await Member.find(current.mergedIntoId)
    }
    return current && !current.erasedAt && !current.mergedIntoId ? current : null
  }

  /** Identity lookups by phone accept either the number or its blind index. */
  private phoneKey(value: string) {
    return /^[0-9a-f]{64}$/.test(value) ? value : Phone.parse(value).blindIndex
  }
}
