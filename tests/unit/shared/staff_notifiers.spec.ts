import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import {
  StaffNotifierRegistry,
  type StaffNotification,
} from '#app/shared/notifications/staff_notifiers'

const digest: StaffNotification = {
  kind: 'digest.daily',
  recipients: [{ userId: 1, fullName: '王芳', email: 'wf@test.quanzi.cn' }],
  title: '今日待办 3 项',
  body: '- 上架新品\n- 核对库存',
  url: null,
  createdAt: DateTime.utc(),
}

test.group('Staff notifiers', () => {
  test('delivers to the notifiers that accept the kind; one failure does not stop the others', async ({
    assert,
  }) => {
    const registry = new StaffNotifierRegistry()
    const received: string[] = []
    registry.register({
      id: 'bot',
      accepts: (kind) => kind.startsWith('digest.'),
      deliver: async (n) => {
        received.push(`bot:${n.title}`)
      },
    })
    registry.register({
      id: 'broken',
      accepts: () => true,
      deliver: async () => {
        throw new Error('gateway down')
      },
    })
    registry.register({
      id: 'tasks-only',
      accepts: (kind) => kind.startsWith('task.'),
      deliver: async () => {
        received.push('tasks-only')
      },
    })
    const outcomes = await registry.deliver(digest)
    assert.deepEqual(received, ['bot:今日待办 3 项'])
    assert.deepEqual(outcomes, [
      { notifier: 'bot', ok: true },
      { notifier: 'broken', ok: false, error: 'gateway down' },
    ])
  })

  test('refuses two notifiers with one id', ({ assert }) => {
    const registry = new StaffNotifierRegistry()
    const notifier = { id: 'x', accepts: () => true, deliver: async () => {} }
    registry.register(notifier)
    assert.throws(() => registry.register(notifier), /already registered/)
    registry.unregister('x')
    registry.register(notifier)
    assert.lengthOf(registry.list(), 1)
  })
})
