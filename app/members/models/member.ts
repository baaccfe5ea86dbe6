import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import { Phone } from '#app/shared/kernel/phone'
import MemberIdentity from '#app/members/models/member_identity'
import MemberTag from '#app/members/models/member_tag'
import Order from '#app/commerce/models/order'

export const GENDERS = ['male', 'female', 'unknown'] as const
export type Gender = (typeof GENDERS)[number]

/** 会员: one real customer, across every shop and platform. */
export default class Member extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string | null

  @column()
  declare gender: Gender

  @column.date()
  declare birthday: DateTime | null

  @column()
  declare province: string | null

  @column()
  declare city: string | null

  @column.dateTime()
  declare registeredAt: DateTime | null

  @column()
  declare sourceShopId: number | null

  @column()
  declare sourceChannel: string | null

  @column()
  declare guideId: number | null

  @column()
  declare notes: string | null

  @column({ serializeAs: null })
  declare phoneEncrypted: string | null

  @column({ serializeAs: null })
  declare phoneHash: string | null

  @column()
  declare email: string | null

  @column()
  declare mergedIntoId: number | null

  @column.dateTime()
  declare erasedAt: DateTime | null

  @column()
  declare orderCount: number

  @column({ consume: (v) => (v === null ? 0 : Number(v)) })
  declare spentFen: number

  @column.dateTime()
  declare firstOrderAt: DateTime | null

  @column.dateTime()
  declare lastOrderAt: DateTime | null

  /** The latest purchase before the last one (the lifecycle's recall check). */
  @column.dateTime()
  declare previousOrderAt: DateTime | null

  @column()
  declare rfmR: number | null

  @column()
  declare rfmF: number | null

  @column()
  declare rfmM: number | null

  /** important_value … general_retain, set by RecomputeRfm */
  @column()
  declare rfmSegment: string | null

  /** new, active, silent, lost, recalled */
  @column()
  declare lifecycleStage: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => MemberIdentity)
  declare identities: HasMany<typeof MemberIdentity>

  @hasMany(() => Order)
  declare orders: HasMany<typeof Order>

  @manyToMany(() => MemberTag, {
    pivotTable: 'member_tag_assignments',
    pivotForeignKey: 'member_id',
    pivotRelatedForeignKey: 'tag_id',
  })
  declare tags: ManyToMany<typeof MemberTag>

  get phone(): Phone | null {
    return Phone.decrypt(this.phoneEncrypted)
  }

  setPhone(phone: Phone | null) {
    this.phoneEncrypted = phone ? phone.encrypt() : null
    this.phoneHash = phone ? phone.blindIndex : null
  }

  /** What staff see: the full number only with members.phone.unmask. */
  displayPhone(unmask: boolean): string {
    const phone = this.phone
    if (!phone) return ''
    return unmask ? phone.digits : phone.masked
  }
}
