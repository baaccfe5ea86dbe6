import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { AuditLog } from '#app/shared/audit/audit_log'
import { createStaff } from '#tests/support/staff'

test.group('Audit log', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('admins browse and filter it; newest first', async ({ client, assert }) => {
    const admin = await createStaff('admin')
    await AuditLog.record({
      actor: admin,
      entityType: 'member',
      entityId: 7,
      action: 'export',
      context: { rows: 12 },
    })
    await AuditLog.record({ actor: admin, entityType: 'shop', entityId: 1, action: 'update' })

    const all = await client.get('/settings/audit').loginAs(admin)
    all.assertStatus(200)
    assert.isBelow(all.text().indexOf('shop #1'), all.text().indexOf('member #7'))

    const filtered = await client.get('/settings/audit').qs({ entityType: 'member' }).loginAs(admin)
    filtered.assertTextIncludes('member #7')
    assert.notInclude(filtered.text(), 'shop #1')
  })

  test('is append-only, even for direct SQL', async ({ assert }) => {
    const event = await AuditLog.record({ actor: null, entityType: 'x', action: 'y' })
    await assert.rejects(() =>
      db.from('audit_events').where('id', event.id).update({ action: 'z' })
    )
    await assert.rejects(() => db.from('audit_events').where('id', event.id).delete())
  })

  test('masks personal data in changes', async ({ assert }) => {
    const diff = AuditLog.diff(
      { phone: '13812345678', password: 'a', name: 'A' },
      { phone: '13900001111', password: 'b', name: 'A' }
    )
    assert.deepEqual(diff, {
      phone: { before: '138****5678', after: '139****1111' },
      password: { before: '***', after: '***' },
    })
  })

  test('viewers cannot open it', async ({ client }) => {
    const viewer = await createStaff('viewer')
    const response = await client.get('/settings/audit').loginAs(viewer)
    response.assertStatus(403)
  })
})
