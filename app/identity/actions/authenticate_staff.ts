import { DateTime } from 'luxon'
import limiter from '@adonisjs/limiter/services/main'
import User from '#app/identity/models/user'
import { Phone } from '#app/shared/kernel/phone'
import { DomainError } from '#app/shared/errors/domain_error'
import { AuditLog } from '#app/shared/audit/audit_log'

/**
 * Checks a login by email or mobile number and password.
 *
 * Throttling is keyed by account *and* IP: someone guessing from one
 * address is slowed down after five tries, while the real user on another
 * machine can still sign in, and every block expires on its own. A
 * looser per-IP limit stops one address from trying many accounts.
 * The error is the same whether or not the account exists.
 */
export class AuthenticateStaff {
  static readonly ATTEMPTS_PER_ACCOUNT = 5
  static readonly ATTEMPTS_PER_IP = 50

  async handle(input: { uid: string; password: string; ip: string }): Promise<User> {
    const uid = input.uid.trim().toLowerCase()
    const accountLimiter = limiter.use({
      requests: AuthenticateStaff.ATTEMPTS_PER_ACCOUNT,
      duration: '1 min',
      blockDuration: '15 mins',
    })
    const ipLimiter = limiter.use({
      requests: AuthenticateStaff.ATTEMPTS_PER_IP,
      duration: '10 mins',
      blockDuration: '30 mins',
    })
    const accountKey = `login:${uid}:${input.ip}`
    const ipKey = `login_ip:${input.ip}`

    for (const [store, key] of [
      [accountLimiter, accountKey],
      [ipLimiter, ipKey],
    ] as const) {
      const remaining = await store.availableIn(key)
      if (remaining > 0) {
        throw new DomainError('E_TOO_MANY_LOGIN_ATTEMPTS', 'auth.throttled', 429, {
          minutes: Math.ceil(remaining / 60),
        })
      }
    }

    const user = await this.verify(uid, input.password)
    if (!user) {
      await accountLimiter.increment(accountKey)
      await ipLimiter.increment(ipKey)
      await AuditLog.record({
        entityType: 'session',
        action: 'login_failed',
        actor: null,
        context: { uid: uid.includes('@') ? uid : Phone.mask(Phone.normalise(uid)) },
      })
      throw new DomainError('E_INVALID_CREDENTIALS', 'auth.invalid_credentials', 400)
    }

    await accountLimiter.delete(accountKey)

    if (user.isDisabled) {
      throw new DomainError('E_ACCOUNT_DISABLED', 'auth.disabled', 400)
    }

    user.lastLoginAt = DateTime.utc()
    await user.save()
    await AuditLog.record({
      entityType: 'session',
      entityId: user.id,
      action: 'login',
      actor: user,
    })
    return user
  }

  /** Returns the user or null; always pays the cost of one password hash check. */
  private async verify(uid: string, password: string): Promise<User | null> {
    let email = uid
    if (!uid.includes('@')) {
      const phone = Phone.tryParse(uid)
      const byPhone = phone ? await User.findBy('phone_hash', phone.blindIndex) : null
      if (byPhone) email = byPhone.email
    }
    try {
      return await User.verifyCredentials(email, password)
    } catch {
      return null
    }
  }
}
