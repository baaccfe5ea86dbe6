import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const IDENTITY_TYPES = [
  'phone',
  'taobao_nick',
  'taobao_ouid',
  'wechat_openid',
  'wechat_unionid',
  'jd_pin',
  'douyin_openid',
  'store_card',
  'erp_customer_id',
] as const
export type IdentityType = (typeof IDENTITY_TYPES)[number]

/**
 * Which identity wins when incoming identifiers point at different
 * members: the earlier in this list decides (see docs/members.md).
 */
export const IDENTITY_PRIORITY: readonly IdentityType[] = [
  'phone',
  'wechat_unionid',
  'erp_customer_id',
  'store_card',
  'taobao_ouid',
  'taobao_nick',
  'jd_pin',
  'douyin_openid',
  'wechat_openid',
]

/** One identifier a platform or store knows a member by (phones as blind index). */
export default class MemberIdentity extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare memberId: number

  @column()
  declare type: IdentityType

  @column()
  declare value: string

  @column()
  declare source: string | null

  @column({
    prepare: (v) => (v == null ? null : JSON.stringify(v)),
    consume: (v) => (v == null ? null : typeof v === 'string' ? JSON.parse(v) : v),
  })
  declare platformData: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Phones are shown masked by the member, never from here: the value is a hash. */
  get displayValue(): string {
    return this.type === 'phone' ? '' : this.value
  }
}
