import type { MovedBenefits } from '#app/benefits/actions/move_benefits_on_merge'
import type { CarriedConsent } from '#app/members/actions/manage_consent'
import type { CarriedTier } from '#app/loyalty/services/tiers'
import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export interface MergeMoved {
  orderIds: number[]
  identityIds: number[]
  /** Tags the target did not have and got from the source. */
  tagIds: number[]
  /** The phone moved to the target because it had none. */
  phoneMoved: boolean
  /** The source's points account became the target's (the target had none). */
  pointsAccountMoved?: boolean
  /** Consent the target got from the source (ManageConsent.carryOnMerge). */
  consents?: CarriedConsent[]
  /** Profile columns the target had empty and got from the source. */
  profileFilled?: string[]
  /** Custom attributes the target had no value for and got from the source. */
  attributesFilled?: number[]
  /** The source's coupons now held by the target (one per batch: a batch's second stays). */
  couponIds?: number[]
  /** The source's benefit grants, claims and uses (MoveBenefitsOnMerge). */
  benefits?: MovedBenefits
  /** Messages sent to or received from the source. */
  messageIds?: number[]
  /** A tier set by hand on the source that the target got (Tiers.carryManualOnMerge). */
  tier?: CarriedTier | null
}

/** An admin merged `source` into `target`; `moved` lets it be undone. */
export default class MemberMerge extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare sourceMemberId: number

  @column()
  declare targetMemberId: number

  @column({
    prepare: (v) => JSON.stringify(v),
    consume: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  })
  declare moved: MergeMoved

  @column()
  declare mergedById: number | null

  @column.dateTime()
  declare mergedAt: DateTime

  @column()
  declare undoneById: number | null

  @column.dateTime()
  declare undoneAt: DateTime | null
}
