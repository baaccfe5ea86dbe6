/**
 * Who may do what: the one permission matrix of Quanzi. Bouncer, the
 * navigation, the API and the read-only matrix under Settings all read it.
 */
export const ROLES = [
  'owner',
  'admin',
  'manager',
  'operator',
  'crm',
  'service',
  'guide',
  'viewer',
] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'dashboard.view',
  'tasks.view',
  'tasks.edit',
  'tasks.manage',
  'members.view',
  'members.edit',
  'members.import',
  'members.export',
  /** Field-level: see full phone numbers instead of 138****5678. */
  'members.phone.unmask',
  /** Merge duplicate members and undo merges (admins only). */
  'members.merge',
  /** Personal-data rights: data-subject export and erasure (PIPL); removing do-not-contact entries. */
  'members.privacy',
  /** Define custom member attributes (自定义属性); admins only. */
  'members.attributes',
  'loyalty.view',
  'loyalty.manage',
  'benefits.view',
  'benefits.manage',
  'marketing.view',
  'marketing.send',
  'plugins.view',
  'plugins.manage',
  'settings.view',
  'users.manage',
  'audit.view',
  'jobs.view',
  'api.tokens',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const ALL: readonly Permission[] = PERMISSIONS

const MATRIX: Record<Role, readonly Permission[]> = {
  owner: ALL,
  admin: ALL,
  manager: [
    'dashboard.view',
    'tasks.view',
    'tasks.edit',
    'tasks.manage',
    'members.view',
    'members.edit',
    'members.export',
    'loyalty.view',
    'benefits.view',
    'marketing.view',
    'marketing.send',
    'plugins.view',
    'settings.view',
    'audit.view',
    'jobs.view',
    'api.tokens',
  ],
  operator: [
    'dashboard.view',
    'tasks.view',
    'tasks.edit',
    'members.view',
    'marketing.view',
    'jobs.view',
  ],
  crm: [
    'dashboard.view',
    'tasks.view',
    'tasks.edit',
    'members.view',
    'members.edit',
    'members.import',
    'members.export',
    'members.phone.unmask',
    'loyalty.view',
    'loyalty.manage',
    'benefits.view',
    'benefits.manage',
    'marketing.view',
    'marketing.send',
    'jobs.view',
    'api.tokens',
  ],
  service: [
    'dashboard.view',
    'tasks.view',
    'tasks.edit',
    'members.view',
    'members.edit',
    'members.phone.unmask',
    'loyalty.view',
    'benefits.view',
  ],
  guide: [
    'dashboard.view',
    'tasks.view',
    'tasks.edit',
    'members.view',
    'loyalty.view',
    'benefits.view',
  ],
  viewer: [
    'dashboard.view',
    'tasks.view',
    'members.view',
    'loyalty.view',
    'benefits.view',
    'marketing.view',
  ],
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission)
}

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role]
}

/**
 * Roles a user may hand out: nobody grants more than they hold, and only
 * an owner makes owners.
 */
export function assignableRoles(actorRole: Role): Role[] {
  if (actorRole === 'owner') return [...ROLES]
  if (actorRole === 'admin') return ROLES.filter((role) => role !== 'owner')
  return []
}
