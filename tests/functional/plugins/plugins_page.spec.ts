import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { pluginHost } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { channelRegistry } from '#app/plugins/registries'
import { createStaff } from '#tests/support/staff'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Plugins / page', (group) => {
  group.each.setup(async () => {
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await rollback()
      await pluginHost.load()
    }
  })

  test('lists the bundled plugins with their status, in Chinese and English', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const zh = await client.get('/settings/plugins').loginAs(admin)
    zh.assertStatus(200)
    assert.include(zh.text(), '阿里云短信 Aliyun SMS')
    assert.include(zh.text(), '待配置')
    // The host's English reason, translated on the page.
    assert.include(zh.text(), '需要配置：accessKeyId, accessKeySecret, signName, callbackToken')

    const english = await createStaff('admin', { locale: 'en' })
    const en = await client.get('/settings/plugins/aliyun-sms').loginAs(english)
    en.assertStatus(200)
    assert.include(en.text(), 'Needs configuration')
    assert.include(en.text(), 'AccessKey secret')
  })

  test('config failing validation is shown per field and nothing is saved', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const response = await client
      .post('/settings/plugins/aliyun-sms/config')
      .loginAs(admin)
      .withCsrfToken()
      .form({ accessKeyId: 'x', endpoint: 'not a url', ratePerSecond: '0' })
      .redirects(0)
    response.assertStatus(302)
    const errors = response.flashMessages().inputErrorsBag
    assert.properties(errors, [
      'accessKeySecret',
      'signName',
      'callbackToken',
      'endpoint',
      'ratePerSecond',
    ])
    assert.isNull(await PluginSetting.findBy('pluginId', 'aliyun-sms'))
  })

  test('disabling and enabling a plugin is audit-logged and takes effect at once', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    await PluginSetting.create({
      pluginId: 'aliyun-sms',
      enabled: true,
      config: null,
    })
    const off = await client
      .post('/settings/plugins/aliyun-sms/disable')
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    off.assertFlashMessage('success', '连接器已停用。')
    assert.equal(pluginHost.get('aliyun-sms')?.status, 'disabled')
    assert.isNull(channelRegistry.get('aliyun-sms'))

    await client
      .post('/settings/plugins/aliyun-sms/enable')
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    assert.equal(pluginHost.get('aliyun-sms')?.status, 'unconfigured')

    const events = await AuditEvent.query()
      .where({ entity_type: 'plugin', entity_id: 'aliyun-sms' })
      .orderBy('id')
    assert.deepEqual(
      events.map((e) => e.action),
      ['disable', 'enable']
    )
  })

  test('the configuration form follows the declared fields: text areas, selects, secrets', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const page = await client.get('/settings/plugins/http-sms').loginAs(admin)
    page.assertStatus(200)
    assert.match(page.text(), /<textarea[^>]*name="params"/)
    assert.match(page.text(), /<select[^>]*name="method"/)
    assert.match(page.text(), /<input[^>]*type="password"[^>]*name="secret"/)
    assert.include(page.text(), '{to} 手机号')
  })

  test('a test message needs a template or a text', async ({ client }) => {
    const admin = await createStaff('admin')
    const response = await client
      .post('/settings/plugins/aliyun-sms/test-message')
      .loginAs(admin)
      .withCsrfToken()
      .form({ phone: '13800138000' })
      .redirects(0)
    response.assertFlashMessage('error', '请填写模板 CODE 或短信内容。')
  })

  test('from the member page to a prefilled test SMS', async ({ client, assert }) => {
    const { company } = await createCompanyWithShops()
    const resolved = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13800138000' }],
    })
    const admin = await createStaff('admin')
    const memberPage = await client.get(`/members/${resolved.memberId}`).loginAs(admin)
    memberPage.assertStatus(200)
    assert.include(memberPage.text(), `/settings/plugins?memberId=${resolved.memberId}`)

    const crm = await createStaff('crm')
    const forCrm = await client.get(`/members/${resolved.memberId}`).loginAs(crm)
    assert.notInclude(forCrm.text(), 'data-testid="member-send-sms"')

    await new ManagePlugins().configure('http-sms', { url: 'http://127.0.0.1:9/send' }, admin)
    const list = await client.get(`/settings/plugins?memberId=${resolved.memberId}`).loginAs(admin)
    assert.include(list.text(), `给会员 #${resolved.memberId} 发送短信`)
    assert.include(list.text(), `/settings/plugins/http-sms?memberId=${resolved.memberId}`)
    const form = await client
      .get(`/settings/plugins/http-sms?memberId=${resolved.memberId}`)
      .loginAs(admin)
    assert.match(form.text(), new RegExp(`name="memberId"[^>]*value="${resolved.memberId}"`))
  })

  test('who may see and who may change plugins', async ({ client }) => {
    const viewer = await createStaff('viewer')
    const manager = await createStaff('manager')
    const forViewer = await client.get('/settings/plugins').loginAs(viewer)
    forViewer.assertStatus(403)
    const forManager = await client.get('/settings/plugins').loginAs(manager)
    forManager.assertStatus(200)
    const attempt = await client
      .post('/settings/plugins/aliyun-sms/disable')
      .loginAs(manager)
      .withCsrfToken()
      .redirects(0)
    attempt.assertStatus(403)
  })
})
