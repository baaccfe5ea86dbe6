import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'
import { AuditLog } from '#app/shared/audit/audit_log'

export interface AccessTokenInput {
  name: string
  /** Omitted: the token never expires (until revoked or its owner is disabled). */
  expiresInDays?: number
}

export interface AccessTokenSummary {
  id: number
  name: string
  createdAt: DateTime
  lastUsedAt: DateTime | null
  expiresAt: DateTime | null
}

/**
 * Personal access tokens for /api/v1: created from the account page or
 * `node ace token:create`, shown once, stored only as a hash, acting with
 * their owner's role. Creating and revoking are audit-logged.
 */
export class ManageAccessTokens {
  async list(user: User): Promise<AccessTokenSummary[]> {
    const tokens = await User.accessTokens.all(user)
    return tokens.map((token) => ({
      id: Number(token.identifier),
      name: token.name ?? '',
      createdAt: DateTime.fromJSDate(token.createdAt),
      lastUsedAt: token.lastUsedAt ? DateTime.fromJSDate(token.lastUsedAt) : null,
      expiresAt: token.expiresAt ? DateTime.fromJSDate(token.expiresAt) : null,
    }))
  }

  /** Returns the secret in clear: the only time anyone sees it. */
  async create(user: User, input: AccessTokenInput, actor: User | null): Promise<string> {
    if (!user.can('api.tokens')) throw new ForbiddenError('account.tokens.not_allowed')
    const token = await User.accessTokens.create(user, ['*'], {
      name: input.name,
      expiresIn: input.expiresInDays ? `${input.expiresInDays} days` : undefined,
    })
    await AuditLog.record({
      actor: actor ? { id: actor.id, fullName: actor.fullName } : null,
      entityType: 'api_token',
      entityId: String(token.identifier),
      action: 'create',
      context: {
        owner: user.id,
        name: input.name,
        expiresAt: token.expiresAt?.toISOString() ?? null,
      },
    })
    return token.value!.release()
  }

  async revoke(user: User, tokenId: number, actor: User): Promise<void> {
    const token = await User.accessTokens.find(user, tokenId)
    if (!token) throw new DomainError('E_TOKEN_NOT_FOUND', 'account.tokens.not_found', 404)
    await db.transaction(async (trx) => {
      await User.accessTokens.delete(user, tokenId)
      await AuditLog.record({
        client: trx,
        actor: { id: actor.id, fullName: actor.fullName },
        entityType: 'api_token',
        entityId: String(tokenId),
        action: 'revoke',
        context: { owner: user.id, name: token.name },
      })
    })
  }
}
