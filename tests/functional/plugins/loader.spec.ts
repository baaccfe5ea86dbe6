import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import ace from '@adonisjs/core/services/ace'
import encryption from '@adonisjs/core/services/encryption'
import { DateTime } from 'luxon'
import { pluginHost, formatPluginLines } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { channelRegistry, erpRegistry } from '#app/plugins/registries'
import { staffNotifiers } from '#app/shared/notifications/staff_notifiers'
import { createStaff } from '#tests/support/staff'

const fixtures = (name: string) => app.makePath('tests/fixtures/plugins', name)
/** Broken JSON cannot live in the repository (the formatter refuses it): written at run time. */
const scratch = join(tmpdir(), `quanzi-plugins-${process.pid}`)
const dirs = [fixtures('ok'), fixtures('bad'), fixtures('external'), scratch]

function state(id: string) {
  const found = pluginHost.get(id)
  if (!found) throw new Error(`plugin ${id} not listed`)
  return found
}

test.group('Plugins / loader', (group) => {
  group.setup(() => {
    mkdirSync(join(scratch, 'broken-json'), { recursive: true })
    writeFileSync(join(scratch, 'broken-json', 'plugin.json'), '{ "id": "broken-json", "name": ')
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => pluginHost.load())

  test('a good plugin is active and registers its notifier', async ({ assert }) => {
    await pluginHost.load(dirs)
    const hello = state('hello-notifier')
    assert.equal(hello.status, 'active')
    assert.isNull(hello.reason)
    assert.equal(hello.version, '1.2.0')
    assert.include(
      staffNotifiers.list().map((n) => n.id),
      'hello-notifier'
    )
    const outcomes = await staffNotifiers.deliver({
      kind: 'digest.daily',
      recipients: [],
      title: '日报',
      body: '',
      url: null,
      createdAt: DateTime.utc(),
    })
    assert.deepEqual(outcomes, [{ notifier: 'hello-notifier', ok: true }])
  })

  test('invalid plugin.json is refused before any code is imported', async ({ assert }) => {
    await pluginHost.load(dirs)
    const broken = state('broken-json')
    assert.equal(broken.status, 'failed')
    assert.match(broken.reason!, /^plugin\.json: not valid JSON/)

    const missing = state('missing-fields')
    assert.equal(missing.status, 'failed')
    assert.include(missing.reason!, 'version')
    assert.include(missing.reason!, 'host')
    assert.include(missing.reason!, 'provides')
  })

  test('an incompatible host range or plugin API disables the plugin without importing it', async ({
    assert,
  }) => {
    await pluginHost.load(dirs)
    const old = state('old-host')
    assert.equal(old.status, 'failed')
    assert.equal(old.reason, 'incompatible: needs Quanzi ^9.0.0, this is 0.1.0')
    assert.isNull(old.definition)

    const api = state('api-two')
    assert.equal(api.status, 'failed')
    assert.match(api.reason!, /plugin API 2 is not supported/)
  })

  test('missing config leaves a plugin unconfigured; config failing validation fails it', async ({
    assert,
  }) => {
    await pluginHost.load(dirs)
    assert.equal(state('needs-config').status, 'unconfigured')
    assert.equal(state('needs-config').reason, 'needs configuration: url')

    await PluginSetting.create({
      pluginId: 'needs-config',
      enabled: true,
      config: { url: 'not a url', rate: 50 },
    })
    await pluginHost.load(dirs)
    const bad = state('needs-config')
    assert.equal(bad.status, 'failed')
    assert.match(bad.reason!, /^invalid config: /)
    assert.include(bad.reason!, 'url')
    assert.include(bad.reason!, 'rate')
  })

  test('throwing in register or ready disables the plugin and takes back what it registered', async ({
    assert,
  }) => {
    await pluginHost.load(dirs)
    assert.equal(state('boot-throws').status, 'failed')
    assert.equal(state('boot-throws').reason, 'boot failed: gateway unreachable')
    assert.isNull(channelRegistry.get('boot-throws'))

    assert.equal(state('register-throws').reason, 'register failed: boom')
    assert.isNull(erpRegistry.get('register-throws'))

    assert.match(state('undeclared').reason!, /registered a channel but plugin.json "provides"/)
    assert.isNull(channelRegistry.get('undeclared'))
  })

  test('compiled JavaScript from the extra folder loads as an external plugin', async ({
    assert,
  }) => {
    await pluginHost.load(dirs)
    const external = state('js-channel')
    assert.equal(external.status, 'active')
    assert.equal(external.source, 'external')
    assert.equal(channelRegistry.get('js-channel')?.capabilities.ratePerSecond, 5)
  })

  test('a second plugin with an id already loaded is listed as failed; the first one stays', async ({
    assert,
  }) => {
    const copy = join(scratch, 'hello-copy')
    mkdirSync(copy, { recursive: true })
    writeFileSync(
      join(copy, 'plugin.json'),
      JSON.stringify({
        id: 'hello-notifier',
        name: 'Copy',
        version: '9.9.9',
        host: '*',
        apiVersion: 1,
        provides: ['notifier'],
        entry: 'index.js',
      })
    )
    try {
      await pluginHost.load(dirs)
      const both = pluginHost.list().filter((p) => p.id === 'hello-notifier')
      assert.deepEqual(
        both.map((p) => [p.version, p.status]),
        [
          ['1.2.0', 'active'],
          ['9.9.9', 'failed'],
        ]
      )
      assert.match(both[1].reason!, /^duplicate id: already loaded from /)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  test('a plugin that asks for "abort" stops the start when it fails', async ({ assert }) => {
    const root = join(scratch, 'abort-root')
    mkdirSync(join(root, 'must-work'), { recursive: true })
    writeFileSync(
      join(root, 'must-work', 'plugin.json'),
      JSON.stringify({
        id: 'must-work',
        name: 'Must work',
        version: '1.0.0',
        host: '*',
        apiVersion: 1,
        provides: ['channel'],
        entry: 'index.js',
        onBootFailure: 'abort',
      })
    )
    writeFileSync(
      join(root, 'must-work', 'index.js'),
      "export default { register() {}, async ready() { throw new Error('no licence') } }"
    )
    try {
      await assert.rejects(
        () => pluginHost.load([root]),
        'plugin must-work failed and asks to abort: boot failed: no licence'
      )
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  test('an admin-disabled plugin is not imported and says why', async ({ assert }) => {
    await PluginSetting.create({ pluginId: 'hello-notifier', enabled: false, config: null })
    await pluginHost.load(dirs)
    assert.equal(state('hello-notifier').status, 'disabled')
    assert.notInclude(
      staffNotifiers.list().map((n) => n.id),
      'hello-notifier'
    )
  })

  test('failed plugins show on the Plugins page and in /health while the app keeps serving', async ({
    client,
    assert,
  }) => {
    await pluginHost.load(dirs)
    const admin = await createStaff('admin')

    const page = await client.get('/settings/plugins').loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), '启动失败：gateway unreachable')
    assert.include(page.text(), 'incompatible: needs Quanzi ^9.0.0, this is 0.1.0')

    const health = await client.get('/health')
    const report = health.body()
    const check = report.checks.find((c: any) => c.name === 'Plugins check')
    assert.equal(check.status, 'warning')
    assert.include(check.message, 'boot-throws (boot failed: gateway unreachable)')
    const listed = check.meta.plugins.find((p: any) => p.id === 'old-host')
    assert.equal(listed.status, 'failed')

    const dashboard = await client.get('/').loginAs(admin)
    assert.oneOf(dashboard.status(), [200, 302])
  })

  test('plugins:list prints "<id> <version> <status> <reason>" per plugin', async ({ assert }) => {
    await pluginHost.load(dirs)
    ace.ui.switchMode('raw')
    try {
      const command = await ace.exec('plugins:list', [])
      assert.equal(command.exitCode, 0)
      const lines = command.logger.getLogs().map((log) => log.message)
      assert.deepEqual(lines, formatPluginLines(pluginHost.list()))
      assert.include(lines, 'hello-notifier 1.2.0 active -')
      assert.include(
        lines,
        'old-host 1.0.0 failed incompatible: needs Quanzi ^9.0.0, this is 0.1.0'
      )
      assert.include(lines, 'needs-config 1.0.0 unconfigured needs configuration: url')
      for (const line of lines) {
        assert.match(line, /^[a-z0-9-]+ \S+ (active|disabled|unconfigured|failed) .+$/)
      }
    } finally {
      ace.ui.switchMode('normal')
    }
  })
})

test.group('Plugins / make:plugin', (group) => {
  const root = app.makePath('tmp', `make-plugin-${process.pid}`)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.teardown(async () => {
    rmSync(root, { recursive: true, force: true })
    await pluginHost.load()
  })

  for (const kind of ['channel', 'erp', 'notifier'] as const) {
    test(`scaffolds a ${kind} plugin that loads once configured`, async ({ assert }) => {
      const id = `scaffold-${kind}`
      const command = await ace.exec('make:plugin', [id, '--kind', kind, '--root', root])
      assert.equal(command.exitCode, 0)
      for (const file of [
        `plugins/${id}/plugin.json`,
        `plugins/${id}/index.ts`,
        `tests/functional/plugins/${id.replaceAll('-', '_')}.spec.ts`,
      ]) {
        assert.isTrue(existsSync(join(root, file)), file)
      }

      await pluginHost.load([join(root, 'plugins')])
      assert.equal(pluginHost.get(id)?.status, 'unconfigured')
      await PluginSetting.create({
        pluginId: id,
        enabled: true,
        config: { url: 'http://127.0.0.1:9', apiKey: { encrypted: encryption.encrypt('k') } },
      })
      await pluginHost.load([join(root, 'plugins')])
      assert.equal(pluginHost.get(id)?.status, 'active', pluginHost.get(id)?.reason ?? '')
    })
  }

  test('refuses a bad id or kind', async ({ assert }) => {
    const badId = await ace.exec('make:plugin', ['Bad_Id', '--root', root])
    assert.equal(badId.exitCode, 1)
    const badKind = await ace.exec('make:plugin', ['fine-id', '--kind', 'fax', '--root', root])
    assert.equal(badKind.exitCode, 1)
    assert.isFalse(existsSync(join(root, 'plugins/fine-id')))
  })
})
