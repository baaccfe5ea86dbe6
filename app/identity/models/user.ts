import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import { type Permission, type Role, roleAllows } from '#app/identity/roles'
import { Phone } from '#app/shared/kernel/phone'

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

/** A staff member who signs in to Quanzi. */
export default class User extends compose(BaseModel, AuthFinder) {
  static accessTokens = DbAccessTokensProvider.forModel(User, {
    prefix: 'qz_',
    table: 'auth_access_tokens',
    type: 'api_token',
    tokenSecretLength: 40,
  })

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare fullName: string

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare phoneEncrypted: string | null

  @column({ serializeAs: null })
  declare phoneHash: string | null

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare role: Role

  @column()
  declare locale: string

  @column()
  declare timezone: string

  @column.dateTime()
  declare disabledAt: DateTime | null

  @column.dateTime()
  declare lastLoginAt: DateTime | null

  @column.dateTime()
  declare passwordChangedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get phone(): Phone | null {
    return Phone.decrypt(this.phoneEncrypted)
  }

  set phone(phone: Phone | null) {
    this.phoneEncrypted = phone ? phone.encrypt() : null
    this.phoneHash = phone ? phone.blindIndex : null
  }

  get isDisabled() {
    return this.disabledAt !== null
  }

  can(permission: Permission) {
    return !this.isDisabled && roleAllows(this.role, permission)
  }
}
