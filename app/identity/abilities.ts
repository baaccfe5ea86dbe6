import { Bouncer } from '@adonisjs/bouncer'
import type User from '#app/identity/models/user'
import type { Permission } from '#app/identity/roles'

/**
 * One ability backed by the permission matrix in roles.ts:
 * `bouncer.allows('permission', 'members.export')` in code and
 * `@can('permission', 'members.export')` in templates.
 */
export const permission = Bouncer.ability((user: User, name: Permission) => user.can(name))
