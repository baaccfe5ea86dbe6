import { test } from '@japa/runner'
import { PERMISSIONS, ROLES, assignableRoles, roleAllows } from '#app/identity/roles'

test.group('Permission matrix', () => {
  test('owners and admins hold every permission', ({ assert }) => {
    for (const permission of PERMISSIONS) {
      assert.isTrue(roleAllows('owner', permission))
      assert.isTrue(roleAllows('admin', permission))
    }
  })

  test('only roles that serve customers see full phone numbers', ({ assert }) => {
    const unmasking = ROLES.filter((role) => roleAllows(role, 'members.phone.unmask'))
    assert.sameMembers(unmasking, ['owner', 'admin', 'crm', 'service'])
  })

  test('viewers only read', ({ assert }) => {
    const writes = PERMISSIONS.filter((p) =>
      /\.(edit|manage|send|import|export|unmask|tokens)$/.test(p)
    )
    for (const permission of writes) assert.isFalse(roleAllows('viewer', permission), permission)
  })

  test('nobody hands out more than they hold', ({ assert }) => {
    assert.notInclude(assignableRoles('admin'), 'owner')
    assert.include(assignableRoles('owner'), 'owner')
    assert.deepEqual(assignableRoles('manager'), [])
  })
})
