import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import type { OutgoingMessage, PluginContext, PluginKeyValueStore } from '#app/plugins/sdk/index'
import { PluginHttp } from '#app/plugins/http_client'
import { PluginKv } from '#app/plugins/kv_store'
import { pluginHost } from '#app/plugins/plugin_host'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { SendMessage } from '#app/plugins/actions/send_message'
import queue from '#app/shared/queue/queue'
import { Phone } from '#app/shared/kernel/phone'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import {
  TOKEN_KEY,
  subscriptionKey,
  userInfo,
  userKey,
  wechatChannel,
  type FollowerInfo,
  type SubscriptionChoice,
  type WechatOaConfig,
} from '#plugins/wechat-official-account/index'
import {
  decryptMessage,
  encryptMessage,
  parseXml,
  sha1Signature,
} from '#plugins/wechat-official-account/crypto'
import { FakeWechatOa } from '#tests/fakes/wechat-official-account/server'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

const OPENID = 'oia2TjuEGTNoeX76QEjQNrcURxG8'
const TEMPLATE = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY'
/** A 订阅通知 template of the fake: thing1, character_string2, time3. */
const SUBSCRIBE_TEMPLATE = 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc'
const SUBSCRIBE_PARAMS = {
  thing1: '您的订单已发货',
  character_string2: 'E20261201001',
  time3: '2026-12-01 10:30',
}

function config(fake: FakeWechatOa, overrides: Partial<WechatOaConfig> = {}): WechatOaConfig {
  return {
    appId: fake.appId,
    appSecret: fake.appSecret,
    token: fake.token,
    encodingAesKey: fake.encodingAesKey,
    endpoint: fake.url,
    ratePerSecond: 20,
    ...overrides,
  }
}

/** A KV store in memory, for tests that do not touch the database. */
class MemoryKv implements PluginKeyValueStore {
  values = new Map<string, unknown>()
  async get<T>(key: string) {
    return (this.values.get(key) as T) ?? null
  }
  async set(key: string, value: unknown) {
    this.values.set(key, JSON.parse(JSON.stringify(value)))
  }
  async delete(key: string) {
    this.values.delete(key)
  }
}

function context(fake: FakeWechatOa, kv: PluginKeyValueStore, overrides = {}) {
  return {
    id: 'wechat-official-account',
    config: config(fake, overrides),
    http: new PluginHttp(),
    logger,
    kv,
  } as unknown as PluginContext<WechatOaConfig>
}

const templateMessage = (openid: string | null, id = '7'): OutgoingMessage => ({
  id,
  idempotencyKey: `k-${id}`,
  to: '13800138000',
  category: 'notification',
  template: { code: TEMPLATE, params: { first: '您的订单已发货', keyword1: 'E20261201001' } },
  text: null,
  openid,
})

test.group('Plugins / wechat-official-account crypto', () => {
  test('the WXBizMsgCrypt sample vector: msg_signature and AES envelope', ({ assert }) => {
    // The sample published with Tencent's WXBizMsgCrypt libraries (token QDG6eK).
    const encrypted =
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=='
    const key = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
    assert.equal(
      sha1Signature('QDG6eK', '1409659813', '1372623149', encrypted),
      '477715d11cdb4164915debcba66cb864d751f3e6'
    )
    const opened = decryptMessage(key, encrypted)
    assert.equal(opened.appId, 'wx5823bf96d3bd56c7')
    assert.deepInclude(parseXml(opened.message)!, {
      FromUserName: 'mycreate',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
    })

    const sealed = encryptMessage(key, 'wx5823bf96d3bd56c7', '<xml><A>中文</A></xml>')
    assert.deepEqual(decryptMessage(key, sealed), {
      message: '<xml><A>中文</A></xml>',
      appId: 'wx5823bf96d3bd56c7',
    })
    assert.throws(() => decryptMessage(key, Buffer.from('short').toString('base64')))
    assert.isNull(parseXml('<xml><Event>'))
  })
})

test.group('Plugins / wechat-official-account against the fake API', (group) => {
  let fake: FakeWechatOa
  group.each.setup(async () => {
    fake = new FakeWechatOa()
    await fake.start()
    return () => fake.stop()
  })

  test('a template message is sent with a cached stable token', async ({ assert }) => {
    const kv = new MemoryKv()
    const channel = wechatChannel(context(fake, kv))
    const first = await channel.send(templateMessage(OPENID, '1'))
    const second = await channel.send(templateMessage(OPENID, '2'))
    assert.isTrue(first.ok)
    assert.isTrue(second.ok)
    assert.equal((first as any).providerMessageId, String(fake.sent[0].msgid))
    assert.deepEqual(fake.sent[0].data, {
      first: { value: '您的订单已发货' },
      keyword1: { value: 'E20261201001' },
    })
    assert.lengthOf(fake.tokenRequests, 1, 'the token is fetched once and cached in KV')
    assert.isString((kv.values.get(TOKEN_KEY) as any).token)

    // The same idempotency key (client_msg_id) does not send twice.
    const again = await channel.send(templateMessage(OPENID, '1'))
    assert.equal((again as any).providerMessageId, (first as any).providerMessageId)
    assert.lengthOf(fake.sent, 2)
  })

  test('an expired (42001) or invalidated (40001) token is fetched again and the send retried once', async ({
    assert,
  }) => {
    const kv = new MemoryKv()
    const channel = wechatChannel(context(fake, kv))
    const sent1 = await channel.send(templateMessage(OPENID, '1'))
    assert.isTrue(sent1.ok)

    // Expired: a normal stable_token call gives a new one.
    fake.expireToken()
    const sent2 = await channel.send(templateMessage(OPENID, '2'))
    assert.isTrue(sent2.ok)

    // Another system forced a refresh: the normal call answers the newer token; no force needed.
    fake.rotateElsewhere()
    const sent3 = await channel.send(templateMessage(OPENID, '3'))
    assert.isTrue(sent3.ok)

    // Refused although stable_token keeps answering it: only then force_refresh.
    fake.poisonToken()
    const sent4 = await channel.send(templateMessage(OPENID, '4'))
    assert.isTrue(sent4.ok)

    assert.deepEqual(
      fake.tokenRequests.map((r) => r.forceRefresh),
      [false, false, false, false, true]
    )
    assert.lengthOf(fake.sent, 4)

    // Still refused after the refresh: one retry only, then an auth error.
    fake.refuseAllTokens = true
    const before = fake.tokenRequests.length
    const failed: any = await channel.send(templateMessage(OPENID, '5'))
    assert.equal(failed.error.code, 'auth')
    assert.equal(failed.error.providerCode, '40001')
    assert.equal(fake.tokenRequests.length - before, 2, 'one normal call, one forced, no loop')
    assert.lengthOf(fake.sent, 4)
  })

  test('provider errors are normalised', async ({ assert }) => {
    const kv = new MemoryKv()
    const channel = wechatChannel(context(fake, kv))

    const unknown: any = await channel.send(templateMessage('o_nobody', '1'))
    assert.equal(unknown.error.code, 'invalid_recipient')
    assert.equal(unknown.error.providerCode, '40003')

    const noOpenid: any = await channel.send(templateMessage(null, '2'))
    assert.equal(noOpenid.error.code, 'invalid_recipient')

    fake.follow('o_gone')
    fake.unfollow('o_gone')
    const gone: any = await channel.send(templateMessage('o_gone', '3'))
    assert.equal(gone.error.code, 'suppressed')
    assert.equal(gone.error.providerCode, '43004')

    const badTemplate: any = await channel.send({
      ...templateMessage(OPENID, '4'),
      template: { code: 'not-approved', params: {} },
    })
    assert.equal(badTemplate.error.code, 'template_or_sign_unapproved')

    fake.throttleNext()
    const throttled: any = await channel.send(templateMessage(OPENID, '5'))
    assert.equal(throttled.error.code, 'rate_limited')
    assert.isTrue(throttled.error.retryable)

    const wrongSecret: any = await wechatChannel(
      context(fake, new MemoryKv(), { appSecret: 'nope' })
    ).send(templateMessage(OPENID, '6'))
    assert.equal(wrongSecret.error.code, 'auth')
    assert.equal(wrongSecret.error.providerCode, '40125')
    assert.lengthOf(fake.sent, 0)
  })

  test('a subscribe message (订阅通知) goes through bizsend only to a user who accepted its template', async ({
    assert,
  }) => {
    const kv = new MemoryKv()
    const channel = wechatChannel(
      context(fake, kv, {
        subscribeTemplates: `${SUBSCRIBE_TEMPLATE}\n`,
        subscribePage: 'https://shop.example.cn/orders/E20261201001',
      })
    )
    const subscribeMessage = (id: string, params: Record<string, string> = SUBSCRIBE_PARAMS) => ({
      ...templateMessage(OPENID, id),
      template: { code: SUBSCRIBE_TEMPLATE, params },
    })

    // Not accepted yet: WeChat refuses with 43101, normalised to suppressed with a clear reason.
    const refused: any = await channel.send(subscribeMessage('1'))
    assert.equal(refused.error.code, 'suppressed')
    assert.equal(refused.error.providerCode, '43101')
    assert.isFalse(refused.error.retryable)
    assert.include(refused.error.message, 'has not accepted this subscribe-message template')

    // 一次性订阅: one message, then 43101 again.
    fake.acceptSubscription(OPENID, SUBSCRIBE_TEMPLATE)
    const sent: any = await channel.send(subscribeMessage('2'))
    assert.isTrue(sent.ok, sent.error?.message)
    assert.equal(sent.providerMessageId, String(fake.sent[0].msgid))
    assert.deepInclude(fake.sent[0], {
      kind: 'subscribe',
      touser: OPENID,
      templateId: SUBSCRIBE_TEMPLATE,
      page: 'https://shop.example.cn/orders/E20261201001',
    })
    assert.deepEqual(fake.sent[0].data.thing1, { value: '您的订单已发货' })
    const usedUp: any = await channel.send(subscribeMessage('3'))
    assert.equal(usedUp.error.providerCode, '43101')

    // 长期订阅; a token expired meanwhile is refreshed and the call retried once.
    fake.acceptSubscription(OPENID, SUBSCRIBE_TEMPLATE, true)
    fake.expireToken()
    const afterRefresh: any = await channel.send(subscribeMessage('4'))
    assert.isTrue(afterRefresh.ok, afterRefresh.error?.message)
    fake.revokeToken()
    const afterRevoke = await channel.send(subscribeMessage('5'))
    assert.isTrue(afterRevoke.ok)
    assert.lengthOf(fake.sent, 3)

    // Keyword values outside the template's rules: 47003 naming the field, not retried.
    const tooLong: any = await channel.send(
      subscribeMessage('6', {
        ...SUBSCRIBE_PARAMS,
        thing1: '这是一段超过二十个字符的订单发货通知内容说明文字',
      })
    )
    assert.equal(tooLong.error.code, 'content_rejected')
    assert.equal(tooLong.error.providerCode, '47003')
    assert.include(tooLong.error.message, 'data.thing1.value')
    const missing: any = await channel.send(
      subscribeMessage('7', { thing1: '发货', character_string2: 'E1' })
    )
    assert.include(missing.error.message, 'data.time3.value is empty')

    // A template that is not listed as 订阅通知 still goes out as a template message.
    const template: any = await channel.send(templateMessage(OPENID, '8'))
    assert.isTrue(template.ok)
    assert.equal(fake.sent.at(-1)!.kind, 'template')
    assert.lengthOf(fake.sent, 4)

    // Opening a mini program: its page must exist (41030 otherwise).
    const toMiniprogram = (pagePath: string) =>
      wechatChannel(
        context(fake, kv, {
          subscribeTemplates: SUBSCRIBE_TEMPLATE,
          miniprogramAppId: 'wx_miniprogram_app',
          miniprogramPagePath: pagePath,
        })
      )
    const badPage: any = await toMiniprogram('pages/nowhere').send(subscribeMessage('9'))
    assert.equal(badPage.error.code, 'content_rejected')
    assert.equal(badPage.error.providerCode, '41030')
    const opened: any = await toMiniprogram('pages/order/detail?id=1').send(subscribeMessage('10'))
    assert.isTrue(opened.ok, opened.error?.message)
    assert.deepEqual(fake.sent.at(-1)!.miniprogram, {
      appid: 'wx_miniprogram_app',
      pagepath: 'pages/order/detail?id=1',
    })

    // A template the user refused (known from the popup event) is not sent to WeChat at all.
    await kv.set(subscriptionKey(OPENID, SUBSCRIBE_TEMPLATE), {
      accepted: false,
      updatedAt: new Date().toISOString(),
    } satisfies SubscriptionChoice)
    const before = fake.sent.length
    const known: any = await channel.send(subscribeMessage('11'))
    assert.equal(known.error.code, 'suppressed')
    assert.equal(known.error.providerCode, '43101')
    assert.lengthOf(fake.sent, before)
  })

  test('user info gives the unionid and is remembered', async ({ assert }) => {
    const kv = new MemoryKv()
    const info = await userInfo(context(fake, kv), OPENID)
    assert.deepInclude(info, {
      openid: OPENID,
      unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
      subscribed: true,
    })
    assert.equal((kv.values.get(userKey(OPENID)) as FollowerInfo).unionid, info.unionid)
  })

  test('through the host: URL verification, subscribe, receipts, unsubscribe, safe mode', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const { company } = await createCompanyWithShops()
      const admin = await createStaff('admin')
      await new ManagePlugins().configure('wechat-official-account', { ...config(fake) }, admin)
      const plugin = pluginHost.get('wechat-official-account')
      assert.equal(plugin?.status, 'active', plugin?.reason ?? '')
      const tested = await pluginHost.testConnection('wechat-official-account')
      assert.isTrue(tested.ok, tested.detail)

      const hook = `http://${env.get('HOST')}:${env.get('PORT')}/hooks/wechat-official-account/callback`
      const verified = await fake.verifyUrl(hook)
      assert.equal(verified.status, 200)
      assert.equal(verified.body, verified.echostr)
      const wrongToken = await fake.verifyUrl(hook, 'wrong-token')
      assert.equal(wrongToken.status, 401)

      // A member already known by unionid (e.g. from the mini program) follows the account:
      // user info is fetched, the unionid kept, and OneID adds the openid to that member.
      const member = await Member.create({ companyId: company.id, name: '王芳', gender: 'female' })
      await MemberIdentity.create({
        companyId: company.id,
        memberId: member.id,
        type: 'wechat_unionid',
        value: 'o6_union_new',
        source: 'api',
      })
      fake.follow('o_new', 'o6_union_new')
      fake.follow('o_stranger', 'o6_union_unknown')
      for (const openid of ['o_new', 'o_stranger']) {
        const subscribed = await fake.pushEvent(hook, {
          FromUserName: openid,
          MsgType: 'event',
          Event: 'subscribe',
        })
        assert.deepEqual(subscribed, { status: 200, body: 'success' })
      }
      const kv = new PluginKv('wechat-official-account')
      const follower = await kv.get<FollowerInfo>(userKey('o_new'))
      assert.equal(follower?.unionid, 'o6_union_new')
      const openids = await MemberIdentity.query()
        .where({ companyId: company.id, type: 'wechat_openid' })
        .orderBy('id')
      assert.deepEqual(
        openids.map((row) => [row.memberId, row.value]),
        [[member.id, 'o_new']],
        'only the follower whose unionid is known is linked; nobody is created'
      )

      // The member gets a template message through the dispatcher, addressed by that openid.
      const message = await new SendMessage().handle({
        companyId: company.id,
        provider: 'wechat-official-account',
        phone: Phone.parse('13800138000'),
        memberId: member.id,
        category: 'notification',
        template: { code: TEMPLATE, params: { first: '发货通知' } },
        idempotencyKey: 'wx-1',
      })
      await queue.drain()
      await message.refresh()
      assert.equal(message.status, 'sent', message.errorMessage ?? '')
      assert.equal(fake.sent[0].touser, 'o_new')

      // Forged signature: refused; the real receipt marks it delivered.
      const forged = await fake.pushEvent(
        hook,
        {
          FromUserName: 'o_new',
          MsgType: 'event',
          Event: 'TEMPLATESENDJOBFINISH',
          MsgID: 1,
          Status: 'success',
        },
        { token: 'guess' }
      )
      assert.equal(forged.status, 401)
      const malformed = await fake.pushEvent(hook, {}, { rawBody: '<xml><Event>' })
      assert.equal(malformed.status, 400)
      const receipt = await fake.pushTemplateFinished(hook, fake.sent[0].msgid)
      assert.equal(receipt.status, 200)
      await message.refresh()
      assert.equal(message.status, 'delivered')
      assert.equal(message.providerCode, 'success')

      // Safe mode: a wrong msg_signature is refused and changes nothing.
      const forgedEncrypted = await fake.pushEvent(
        hook,
        { FromUserName: 'o_new', MsgType: 'event', Event: 'unsubscribe' },
        { encrypted: true, token: 'guess' }
      )
      assert.equal(forgedEncrypted.status, 401)
      const stillFollowing = await kv.get<FollowerInfo>(userKey('o_new'))
      assert.isTrue(stillFollowing?.subscribed)

      // Unfollowing: the next message is not even sent to WeChat.
      const encrypted = await fake.pushEvent(
        hook,
        { FromUserName: 'o_new', MsgType: 'event', Event: 'unsubscribe' },
        { encrypted: true }
      )
      assert.deepEqual(encrypted, { status: 200, body: 'success' })
      const unfollowed = await kv.get<FollowerInfo>(userKey('o_new'))
      assert.isFalse(unfollowed?.subscribed)
      const next = await new SendMessage().handle({
        companyId: company.id,
        provider: 'wechat-official-account',
        phone: Phone.parse('13800138000'),
        memberId: member.id,
        category: 'notification',
        template: { code: TEMPLATE, params: { first: '发货通知' } },
        idempotencyKey: 'wx-2',
      })
      await queue.drain()
      await next.refresh()
      assert.equal(next.status, 'failed')
      assert.equal(next.errorCode, 'suppressed')
      assert.lengthOf(fake.sent, 1)
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })

  test('through the host: subscribe-message choices from popup events, sends and subscribe_msg_sent_event receipts', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const { company } = await createCompanyWithShops()
      const admin = await createStaff('admin')
      await new ManagePlugins().configure(
        'wechat-official-account',
        { ...config(fake), subscribeTemplates: SUBSCRIBE_TEMPLATE },
        admin
      )
      assert.equal(pluginHost.get('wechat-official-account')?.status, 'active')
      const hook = `http://${env.get('HOST')}:${env.get('PORT')}/hooks/wechat-official-account/callback`
      const member = await Member.create({ companyId: company.id, name: '韩梅梅' })
      await MemberIdentity.create({
        companyId: company.id,
        memberId: member.id,
        type: 'wechat_openid',
        value: OPENID,
        source: 'wechat',
      })
      const send = async (key: string) => {
        const message = await new SendMessage().handle({
          companyId: company.id,
          provider: 'wechat-official-account',
          phone: Phone.parse('13800138000'),
          memberId: member.id,
          category: 'notification',
          template: { code: SUBSCRIBE_TEMPLATE, params: SUBSCRIBE_PARAMS },
          idempotencyKey: key,
        })
        await queue.drain()
        await message.refresh()
        return message
      }

      // The user accepts in the popup (encrypted push): the message goes out through bizsend.
      const accepted = await fake.pushSubscribePopup(
        hook,
        OPENID,
        [{ templateId: SUBSCRIBE_TEMPLATE, accept: true }],
        { encrypted: true }
      )
      assert.deepEqual(accepted, { status: 200, body: 'success' })
      const first = await send('wx-sub-1')
      assert.equal(first.status, 'sent', first.errorMessage ?? '')
      assert.equal(fake.sent[0].kind, 'subscribe')
      assert.equal(first.providerMessageId, String(fake.sent[0].msgid))

      // WeChat reports the delivery: the message is delivered.
      const receipt = await fake.pushSubscribeSent(hook, fake.sent[0].msgid)
      assert.equal(receipt.status, 200)
      await first.refresh()
      assert.equal(first.status, 'delivered')
      assert.equal(first.providerCode, 'success')

      // The one-time acceptance is used up: WeChat answers 43101, the message is suppressed.
      const second = await send('wx-sub-2')
      assert.equal(second.status, 'failed')
      assert.equal(second.errorCode, 'suppressed')
      assert.equal(second.providerCode, '43101')

      // The user refuses in the popup: remembered, and the next one never reaches WeChat.
      await fake.pushSubscribePopup(hook, OPENID, [
        { templateId: SUBSCRIBE_TEMPLATE, accept: false },
      ])
      const choice = await new PluginKv('wechat-official-account').get<SubscriptionChoice>(
        subscriptionKey(OPENID, SUBSCRIBE_TEMPLATE)
      )
      assert.isFalse(choice?.accepted)
      fake.acceptSubscription(OPENID, SUBSCRIBE_TEMPLATE)
      const third = await send('wx-sub-3')
      assert.equal(third.errorCode, 'suppressed')
      assert.lengthOf(fake.sent, 1)

      // A forged event changes nothing.
      const forged = await fake.pushEvent(
        hook,
        { FromUserName: OPENID, MsgType: 'event', Event: 'subscribe_msg_popup_event' },
        { token: 'guess' }
      )
      assert.equal(forged.status, 401)
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })

  test('a follower who writes "退订" in safe mode is put on do-not-contact for WeChat; other texts are only stored', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const { company } = await createCompanyWithShops()
      const admin = await createStaff('admin')
      await new ManagePlugins().configure('wechat-official-account', { ...config(fake) }, admin)
      const hook = `http://${env.get('HOST')}:${env.get('PORT')}/hooks/wechat-official-account/callback`
      const member = await Member.create({ companyId: company.id, name: '李雷' })
      member.setPhone(Phone.parse('13900139000'))
      await member.save()
      await MemberIdentity.create({
        companyId: company.id,
        memberId: member.id,
        type: 'wechat_openid',
        value: 'o_replier',
        source: 'wechat',
      })
      const dnc = () =>
        db
          .from('do_not_contact')
          .where('company_id', company.id)
          .select('channel', 'source', 'phone_hash')

      // A forged push changes nothing.
      const forged = await fake.pushText(hook, 'o_replier', '退订', {
        encrypted: true,
        token: 'guess',
      })
      assert.equal(forged.status, 401)
      assert.lengthOf(await dnc(), 0)

      const hello = await fake.pushText(hook, 'o_replier', '你好，请问什么时候发货？', {
        encrypted: true,
      })
      assert.deepEqual(hello, { status: 200, body: 'success' })
      assert.lengthOf(await dnc(), 0)

      const optOut = await fake.pushText(hook, 'o_replier', ' 退订 ', { encrypted: true })
      assert.deepEqual(optOut, { status: 200, body: 'success' })
      assert.deepEqual(await dnc(), [
        { channel: 'wechat', source: 'reply', phone_hash: member.phone!.blindIndex },
      ])
      const inbound = await db
        .from('messages')
        .where({ direction: 'in', provider: 'wechat-official-account' })
        .orderBy('id')
        .select('member_id', 'body', 'status')
      assert.deepEqual(inbound, [
        { member_id: member.id, body: '你好，请问什么时候发货？', status: 'received' },
        { member_id: member.id, body: ' 退订 ', status: 'received' },
      ])

      // "TD" from a follower no member has: stored, nobody to opt out.
      const stranger = await fake.pushText(hook, 'o_nobody', 'TD', { encrypted: true })
      assert.equal(stranger.status, 200)
      assert.lengthOf(await dnc(), 1)

      // The next WeChat message to that member is suppressed before WeChat is called.
      const next = await new SendMessage().handle({
        companyId: company.id,
        provider: 'wechat-official-account',
        phone: member.phone!,
        memberId: member.id,
        category: 'notification',
        template: { code: TEMPLATE, params: { first: '发货通知' } },
        idempotencyKey: 'wx-after-td',
      })
      assert.equal(next.status, 'suppressed')
      assert.lengthOf(fake.sent, 0)
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })
})
