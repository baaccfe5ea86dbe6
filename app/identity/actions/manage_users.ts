import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import { type Role, assignableRoles } from '#app/identity/roles'
import { Phone } from '#app/shared/kernel/phone'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'
import { AuditLog } from '#app/shared/audit/audit_log'

export interface StaffInput {
  fullName: string
  email: string
  phone?: string | null
  role: Role
  password?: string
  locale?: 'zh-CN' | 'en'
}

/**
 * Creating, changing, disabling and resetting staff accounts: what admins
 * do under Settings → Users, and what `node ace user:create` does. Every
 * change is audit-logged; a role change is a permission change.
 */
export class ManageUsers {
  /** actor null = the console (first owner, scripts). */
  async create(input: StaffInput & { password: string }, actor: User | null): Promise<User> {
    if (actor) this.assertMayAssign(actor, input.role)
    await this.assertUnique(input.email, input.phone ?? null)

    return db.transaction(async (trx) => {
      const user = new User()
      user.useTransaction(trx)
      user.fill({
        fullName: input.fullName,
        email: input.email.toLowerCase(),
        role: input.role,
        password: input.password,
        locale: input.locale ?? 'zh-CN',
        timezone: 'Asia/Shanghai',
        disabledAt: null,
      })
      user.phone = Phone.tryParse(input.phone)
      await user.save()
      await AuditLog.record({
        client: trx,
        actor: actor ?? null,
        entityType: 'user',
        entityId: user.id,
        action: 'create',
        after: {
          fullName: user.fullName,
          email: user.email,
          phone: input.phone ?? null,
          role: user.role,
        },
      })
      return user
    })
  }

  async update(user: User, input: StaffInput, actor: User): Promise<User> {
    this.assertMayManage(actor, user)
    if (input.role !== user.role) {
      this.assertMayAssign(actor, input.role)
      if (user.id === actor.id) throw new DomainError('E_OWN_ROLE', 'users.cannot_change_own_role')
      await this.assertNotLastOwner(user, input.role)
    }
    await this.assertUnique(input.email, input.phone ?? null, user.id)

    const before = {
      fullName: user.fullName,
      email: user.email,
      phone: user.phone?.digits ?? null,
      role: user.role,
    }
    user.merge({ fullName: input.fullName, email: input.email.toLowerCase(), role: input.role })
    user.phone = Phone.tryParse(input.phone)
    await user.save()

    const after = {
      fullName: user.fullName,
      email: user.email,
      phone: input.phone ?? null,
      role: user.role,
    }
    await AuditLog.record({
      actor,
      entityType: 'user',
      entityId: user.id,
      action: before.role !== after.role ? 'role_change' : 'update',
      before,
      after,
    })
    return user
  }

  async setDisabled(user: User, disabled: boolean, actor: User) {
    this.assertMayManage(actor, user)
    if (user.id === actor.id) throw new DomainError('E_DISABLE_SELF', 'users.cannot_disable_self')
    if (disabled) await this.assertNotLastOwner(user, null)

    user.disabledAt = disabled ? DateTime.utc() : null
    await user.save()
    if (disabled) {
      // A disabled account's API tokens stop working at once.
      await db.from('auth_access_tokens').where('tokenable_id', user.id).delete()
    }
    await AuditLog.record({
      actor,
      entityType: 'user',
      entityId: user.id,
      action: disabled ? 'disable' : 'enable',
    })
  }

  async resetPassword(user: User, password: string, actor: User) {
    this.assertMayManage(actor, user)
    user.password = password
    user.passwordChangedAt = DateTime.utc()
    await user.save()
    await AuditLog.record({
      actor,
      entityType: 'user',
      entityId: user.id,
      action: 'password_reset',
    })
  }

  async changeOwnPassword(user: User, currentPassword: string, password: string) {
    try {
      await User.verifyCredentials(user.email, currentPassword)
    } catch {
      throw new DomainError('E_WRONG_PASSWORD', 'auth.wrong_current_password', 422)
    }
    user.password = password
    user.passwordChangedAt = DateTime.utc()
    await user.save()
    await AuditLog.record({
      actor: user,
      entityType: 'user',
      entityId: user.id,
      action: 'password_change',
    })
  }

  private assertMayManage(actor: User, target: User) {
    if (!actor.can('users.manage')) throw new ForbiddenError()
    if (target.role === 'owner' && actor.role !== 'owner')
      throw new ForbiddenError('users.only_owner_manages_owner')
  }

  private assertMayAssign(actor: User, role: Role) {
    if (!actor.can('users.manage') || !assignableRoles(actor.role).includes(role)) {
      throw new ForbiddenError('users.cannot_assign_role')
    }
  }

  /** There must always be one enabled owner, or nobody could manage owners again. */
  private async assertNotLastOwner(user: User, newRole: Role | null) {
    if (user.role !== 'owner' || newRole === 'owner') return
    const owners = await User.query()
      .where('role', 'owner')
      .whereNull('disabled_at')
      .count('* as total')
    if (Number(owners[0].$extras.total) <= 1) {
      throw new DomainError('E_LAST_OWNER', 'users.last_owner')
    }
  }

  private async assertUnique(email: string, phone: string | null, exceptId?: number) {
    const sameEmail = await User.query()
      .where('email', email.toLowerCase())
      .if(exceptId, (q) => q.whereNot('id', exceptId!))
      .first()
    if (sameEmail) throw new DomainError('E_EMAIL_TAKEN', 'users.email_taken', 422)

    const parsed = Phone.tryParse(phone)
    if (parsed) {
      const samePhone = await User.query()
        .where('phone_hash', parsed.blindIndex)
        .if(exceptId, (q) => q.whereNot('id', exceptId!))
        .first()
      if (samePhone) throw new DomainError('E_PHONE_TAKEN', 'users.phone_taken', 422)
    }
  }
}
