import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import logger from '@adonisjs/core/services/logger'
import { DateTime } from 'luxon'
import type { PluginContext } from '#app/plugins/sdk/index'
import { PluginHttp } from '#app/plugins/http_client'
import { pluginHost } from '#app/plugins/plugin_host'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { staffNotifiers, type StaffNotification } from '#app/shared/notifications/staff_notifiers'
import { wecomNotifier, truncateBytes, type WecomBotConfig } from '#plugins/wecom-bot/index'
import { FakeWecomBot } from '#tests/fakes/wecom-bot/server'
import { createStaff } from '#tests/support/staff'

const digest = (body = '今日新增会员 12 人，待办 3 项。'): StaffNotification => ({
  kind: 'digest.daily',
  recipients: [],
  title: '圈子日报',
  body,
  url: 'https://crm.example.test/',
  createdAt: DateTime.utc(),
})

function notifierFor(fake: FakeWecomBot, overrides: Partial<WecomBotConfig> = {}) {
  const ctx = {
    id: 'wecom-bot',
    config: { key: fake.key, endpoint: fake.url, kinds: 'digest.', ...overrides },
    http: new PluginHttp(),
    logger,
  } as unknown as PluginContext<WecomBotConfig>
  return wecomNotifier(ctx)
}

test.group('Plugins / wecom-bot against the fake robot', (group) => {
  let fake: FakeWecomBot
  group.each.setup(async () => {
    fake = new FakeWecomBot()
    await fake.start()
    return () => fake.stop()
  })

  test('posts a digest as markdown; only the configured kinds', async ({ assert }) => {
    const notifier = notifierFor(fake)
    assert.isTrue(notifier.accepts('digest.daily'))
    assert.isFalse(notifier.accepts('task.assigned'))
    assert.isTrue(notifierFor(fake, { kinds: '*' }).accepts('task.assigned'))

    await notifier.deliver(digest())
    assert.lengthOf(fake.received, 1)
    assert.equal(fake.received[0].msgtype, 'markdown')
    assert.include(fake.received[0].content, '**圈子日报**')
    assert.include(fake.received[0].content, '[打开 Open](https://crm.example.test/)')
  })

  test('long digests are cut to 4096 bytes without breaking a character', async ({ assert }) => {
    await notifierFor(fake).deliver(digest('会'.repeat(3000)))
    assert.isAtMost(Buffer.byteLength(fake.received[0].content), 4096)
    assert.notInclude(fake.received[0].content, '\uFFFD')
    assert.equal(truncateBytes('abc', 10), 'abc')
  })

  test('a wrong key is an auth error; more than 20 a minute is rate limited', async ({
    assert,
  }) => {
    await assert.rejects(
      () => notifierFor(fake, { key: 'wrong' }).deliver(digest()),
      /93000: invalid webhook url/
    )
    const notifier = notifierFor(fake)
    for (let i = 0; i < 20; i++) await notifier.deliver(digest(`#${i}`))
    try {
      await notifier.deliver(digest('21st'))
      assert.fail('the 21st message in a minute must be refused')
    } catch (error) {
      assert.equal((error as any).code, 'rate_limited')
    }
    assert.lengthOf(fake.received, 20)
  })

  test('configured on the Plugins page, it receives staffNotifiers digests and isolates failures', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const admin = await createStaff('admin')
      await new ManagePlugins().configure(
        'wecom-bot',
        { key: fake.key, endpoint: fake.url, kinds: 'digest.' },
        admin
      )
      assert.equal(pluginHost.get('wecom-bot')?.status, 'active')
      const test1 = await pluginHost.testConnection('wecom-bot')
      assert.deepEqual(test1, { ok: true, detail: 'test message posted to the group' })

      const outcomes = await staffNotifiers.deliver(digest())
      assert.deepInclude(outcomes, { notifier: 'wecom-bot', ok: true })
      assert.lengthOf(fake.received, 2)

      await fake.stop()
      const down = await staffNotifiers.deliver(digest())
      const outcome = down.find((o) => o.notifier === 'wecom-bot')
      assert.isFalse(outcome?.ok)
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })
})
