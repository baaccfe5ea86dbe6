import { randomUUID } from 'node:crypto'
import type User from '#app/identity/models/user'
import type { Role } from '#app/identity/roles'
import { ManageUsers } from '#app/identity/actions/manage_users'

export const STAFF_PASSWORD = 'correct-horse-battery'

/** A staff account for tests, created the way admins create them. */
export async function createStaff(
  role: Role,
  overrides: Partial<{
    fullName: string
    email: string
    phone: string
    locale: 'zh-CN' | 'en'
  }> = {}
): Promise<User> {
  return new ManageUsers().create(
    {
      fullName: overrides.fullName ?? `${role} ${randomUUID().slice(0, 6)}`,
      email: overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@test.quanzi.cn`,
      phone: overrides.phone,
      role,
      password: STAFF_PASSWORD,
      locale: overrides.locale ?? 'zh-CN',
    },
    null
  )
}
