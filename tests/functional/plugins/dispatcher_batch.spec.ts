import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import queue from '#app/shared/queue/queue'
import { pluginHost } from '#app/plugins/plugin_host'
import { channelRegistry } from '#app/plugins/registries'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import Message from '#app/plugins/models/message'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { recoverMessagesJob } from '#app/plugins/jobs/recover_messages_job'
import { dispatcherFaults } from '#app/plugins/messaging/dispatcher'
import {} from '#app/shared/queue/job_runner'
import { Phone } from '#app/shared/kernel/phone'
import { DateTime } from 'luxon'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'
import { FakeTencentSms } from '#tests/fakes/tencent-sms/server'
import { toDbTime } from '#app/shared/kernel/db_values'

const TOKEN = 'cb-token-batch'
const hooks = (path: string) =>
  `http://${env.get('HOST')}:${env.get('PORT')}/hooks/aliyun-sms/${path}?token=${TOKEN}`

/** Pending rows as SendMessage writes them, each with its own job, dispatched after all exist. */
async function pending(
  companyId: number,
  provider: string,
  phones: string[],
  template: (i: number) => { code: string; params: Record<string, string> }
): Promise<Message[]> {
  const messages: Message[] = []
  for (const [i, digits] of phones.entries()) {
    const phone = Phone.parse(digits)
    messages.push(
      await Message.create({
        companyId,
        direction: 'out',
        channel: 'sms',
        provider,
        category: 'notification',
        phoneHash: phone.blindIndex,
        phoneEncrypted: phone.encrypt(),
        templateCode: template(i).code,
        templateParams: template(i).params,
        idempotencyKey: `batch-test:${provider}:${digits}`,
        status: 'pending',
        attempts: 0,
      })
    )
  }
  for (const message of messages) {
    await queue.dispatch(
      sendMessageJob,
      { messageId: message.id },
      { idempotencyKey: `message:${message.id}` }
    )
  }
  return messages
}

const phones = (n: number, prefix = '1391000') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`)

/** Moves the claims of rows still `sending` back past the lease, as time would. */
async function expireLeases() {
  await db
    .from('messages')
    .where('status', 'sending')
    .update({ claimed_at: toDbTime(DateTime.utc().minus({ minutes: 5 })) })
}

async function refreshAll(messages: Message[]) {
  for (const message of messages) await message.refresh()
}

function countPerPhone(sent: Array<{ phone: string }>) {
  const counts = new Map<string, number>()
  for (const sms of sent) counts.set(sms.phone, (counts.get(sms.phone) ?? 0) + 1)
  return counts
}

test.group('Plugins / dispatcher batches (aliyun-sms SendBatchSms)', (group) => {
  let fake: FakeAliyunSms
  let companyId: number
  group.each.setup(async () => {
    fake = new FakeAliyunSms()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    const { company } = await createCompanyWithShops()
    companyId = company.id
    const admin = await createStaff('admin')
    await new ManagePlugins().configure(
      'aliyun-sms',
      {
        accessKeyId: fake.accessKeyId,
        accessKeySecret: fake.accessKeySecret,
        signName: '圈子商城',
        endpoint: fake.url,
        callbackToken: TOKEN,
        ratePerSecond: '200',
      },
      admin
    )
    return async () => {
      delete dispatcherFaults.beforeCall
      delete dispatcherFaults.afterCall
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('pending messages with one template go out in one SendBatchSms call, each with its own parameters', async ({
    assert,
  }) => {
    const messages = await pending(companyId, 'aliyun-sms', phones(5), (i) => ({
      code: 'SMS_100001',
      params: { code: String(1000 + i) },
    }))
    await queue.drain()
    await refreshAll(messages)

    assert.deepEqual(
      fake.requests.map((r) => `${r.action} ${r.code}`),
      ['SendBatchSms OK']
    )
    assert.deepEqual(
      fake.sent.map((s) => [s.phone, s.params.code]),
      messages.map((m, i) => [m.phone!.digits, String(1000 + i)])
    )
    const token = messages[0].batchToken
    assert.match(token ?? '', /^[0-9a-f]{32}$/)
    for (const message of messages) {
      assert.equal(message.status, 'sent')
      assert.equal(message.attempts, 1)
      assert.equal(message.batchToken, token)
      assert.equal(message.providerMessageId, fake.sent[0].bizId)
    }
    // The batch's OutId is the claim: each number's receipt finds its own message.
    assert.equal(fake.sent[0].outId, token)
    await fake.pushReports(hooks('report'), { only: [fake.sent[1]], delivered: false })
    await fake.pushReports(hooks('report'))
    await refreshAll(messages)
    assert.deepEqual(
      messages.map((m) => m.status),
      ['delivered', 'failed', 'delivered', 'delivered', 'delivered']
    )
    assert.equal(messages[1].providerCode, 'MK:0001')
  })

  test('a batch never mixes templates, and never takes more than the declared batch size', async ({
    assert,
  }) => {
    const channel = channelRegistry.get('aliyun-sms')!
    const size = channel.capabilities.batchSize
    assert.equal(size, 100)
    const many = await pending(companyId, 'aliyun-sms', phones(size + 3), () => ({
      code: 'SMS_100001',
      params: { code: '1' },
    }))
    const other = await pending(companyId, 'aliyun-sms', phones(2, '1392000'), () => ({
      code: 'SMS_100002',
      params: { name: '王' },
    }))
    await queue.drain()
    await refreshAll([...many, ...other])
    const batches = new Map<string, Message[]>()
    for (const m of [...many, ...other]) {
      assert.equal(m.status, 'sent')
      batches.set(m.batchToken!, [...(batches.get(m.batchToken!) ?? []), m])
    }
    for (const members of batches.values()) {
      assert.isAtMost(members.length, size)
      assert.lengthOf(new Set(members.map((m) => m.templateCode)), 1)
    }
    assert.lengthOf(fake.sent, size + 5)
    assert.isTrue([...countPerPhone(fake.sent).values()].every((n) => n === 1))
  })

  test('an opt-out that arrives while messages wait is dropped from the batch', async ({
    assert,
  }) => {
    const list = phones(3)
    await new DoNotContactList().add(companyId, Phone.parse(list[1]), {
      channel: 'sms',
      source: 'staff',
      reason: 'asked',
      actor: null,
    })
    const messages = await pending(companyId, 'aliyun-sms', list, () => ({
      code: 'SMS_100001',
      params: { code: '9' },
    }))
    await queue.drain()
    await refreshAll(messages)
    assert.deepEqual(
      messages.map((m) => m.status),
      ['sent', 'suppressed', 'sent']
    )
    assert.deepEqual(
      fake.sent.map((s) => s.phone),
      [list[0], list[2]]
    )
  })

  test('a throttled batch goes back to pending and is retried with backoff, sent once', async ({
    assert,
  }) => {
    fake.throttleNext(1)
    const messages = await pending(companyId, 'aliyun-sms', phones(4), () => ({
      code: 'SMS_100001',
      params: { code: '7' },
    }))
    await queue.drain()
    await refreshAll(messages)
    assert.deepEqual(
      fake.requests.map((r) => r.code),
      ['Throttling.User', 'OK']
    )
    for (const m of messages) {
      assert.equal(m.status, 'sent')
      assert.equal(m.attempts, 2)
    }
    assert.lengthOf(fake.sent, 4)
  })

  test('a worker killed after the provider accepted the batch: looked up, recorded as sent, not resent', async ({
    assert,
  }) => {
    dispatcherFaults.afterCall = () => {
      throw new Error('simulated crash after the provider call')
    }
    const messages = await pending(companyId, 'aliyun-sms', phones(6), (i) => ({
      code: 'SMS_100001',
      params: { code: String(i) },
    }))
    await queue.drain()
    delete dispatcherFaults.afterCall
    await refreshAll(messages)
    assert.isTrue(messages.every((m) => m.status === 'sending'))
    assert.lengthOf(fake.sent, 6)

    // Within the lease nothing happens; past it, the sweeper asks QuerySendDetails.
    const early = await recoverMessagesJob.handle({ payload: {} } as any)
    assert.deepEqual(early, { stale: 0 })
    await expireLeases()
    const counts = await recoverMessagesJob.handle({ payload: {} } as any)
    await queue.drain()
    await refreshAll(messages)
    assert.equal(counts?.found_sent, 6)
    assert.isTrue(messages.every((m) => m.status === 'sent'))
    assert.lengthOf(fake.sent, 6)
    assert.equal(fake.requests.filter((r) => r.action === 'QuerySendDetails').length, 6)

    // Receipts still find them by the batch's OutId and the number.
    await fake.pushReports(hooks('report'))
    await refreshAll(messages)
    assert.isTrue(messages.every((m) => m.status === 'delivered'))
  })

  test('a worker killed after the claim but before the call: looked up, sent exactly once', async ({
    assert,
  }) => {
    let crashes = 1
    dispatcherFaults.beforeCall = () => {
      if (crashes-- > 0) throw new Error('simulated crash before the provider call')
    }
    const messages = await pending(companyId, 'aliyun-sms', phones(5), () => ({
      code: 'SMS_100001',
      params: { code: '3' },
    }))
    await queue.drain()
    await refreshAll(messages)
    assert.isTrue(messages.every((m) => m.status === 'sending'))
    assert.lengthOf(fake.sent, 0)

    await expireLeases()
    const counts = await recoverMessagesJob.handle({ payload: {} } as any)
    assert.equal(counts?.resent, 5)
    await queue.drain()
    await refreshAll(messages)
    assert.isTrue(messages.every((m) => m.status === 'sent'))
    assert.lengthOf(fake.sent, 5)
    assert.isTrue([...countPerPhone(fake.sent).values()].every((n) => n === 1))
    // Two recoverers at once: the second finds nothing to do.
    await expireLeases()
    assert.deepEqual(await recoverMessagesJob.handle({ payload: {} } as any), { stale: 0 })
  })

  test('a channel that can neither look up nor deduplicate: "outcome unknown", never resent', async ({
    assert,
  }) => {
    const real = channelRegistry.get('aliyun-sms')!
    channelRegistry.removePlugin('aliyun-sms')
    channelRegistry.add('aliyun-sms', { ...real, lookupSent: undefined })
    dispatcherFaults.afterCall = () => {
      throw new Error('simulated crash after the provider call')
    }
    const messages = await pending(companyId, 'aliyun-sms', phones(3), () => ({
      code: 'SMS_100001',
      params: { code: '3' },
    }))
    await queue.drain()
    delete dispatcherFaults.afterCall
    await expireLeases()
    const counts = await recoverMessagesJob.handle({ payload: {} } as any)
    await refreshAll(messages)
    assert.equal(counts?.unknown, 3)
    assert.isTrue(messages.every((m) => m.status === 'failed'))
    assert.include(messages[0].errorMessage ?? '', 'outcome unknown')
    assert.lengthOf(fake.sent, 3)
  })
})

test.group('Plugins / dispatcher batches (tencent-sms, per-number results)', (group) => {
  let fake: FakeTencentSms
  let companyId: number
  group.each.setup(async () => {
    fake = new FakeTencentSms()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    const { company } = await createCompanyWithShops()
    companyId = company.id
    const admin = await createStaff('admin')
    await new ManagePlugins().configure(
      'tencent-sms',
      {
        secretId: fake.secretId,
        secretKey: fake.secretKey,
        sdkAppId: fake.sdkAppId,
        signName: '圈子商城',
        region: 'ap-guangzhou',
        endpoint: fake.url,
        callbackToken: 'tc-token',
        ratePerSecond: '100',
      },
      admin
    )
    return async () => {
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('one SendSms for many numbers; each number gets its own outcome, only the retryable one is retried', async ({
    assert,
  }) => {
    const list = phones(4)
    fake.blacklist.add(`+86${list[1]}`)
    fake.throttleNumber(`+86${list[2]}`, 1)
    const messages = await pending(companyId, 'tencent-sms', list, () => ({
      code: '1000001',
      params: { 1: '2468' },
    }))
    await queue.drain()
    await refreshAll(messages)

    assert.deepEqual(
      messages.map((m) => [m.status, m.errorCode, m.attempts]),
      [
        ['sent', null, 1],
        ['failed', 'suppressed', 1],
        ['sent', null, 2],
        ['sent', null, 1],
      ]
    )
    assert.equal(
      fake.requests.filter((r) => r.action === 'SendSms').length,
      2,
      'the batch, then the retry of the throttled number alone'
    )
    const counts = countPerPhone(fake.sent)
    assert.deepEqual(
      list.map((p) => counts.get(`+86${p}`) ?? 0),
      [1, 0, 1, 1]
    )
    // Each number has its own SerialNo.
    assert.lengthOf(
      new Set(messages.filter((m) => m.status === 'sent').map((m) => m.providerMessageId)),
      3
    )
  })

  test('messages with different parameters are not batched together (one parameter set per call)', async ({
    assert,
  }) => {
    const messages = await pending(companyId, 'tencent-sms', phones(4), (i) => ({
      code: '1000001',
      params: { 1: String(i % 2) },
    }))
    await queue.drain()
    await refreshAll(messages)
    assert.isTrue(messages.every((m) => m.status === 'sent'))
    assert.equal(fake.requests.filter((r) => r.action === 'SendSms').length, 2)
    for (const sent of fake.sent) {
      const message = messages.find((m) => `+86${m.phone!.digits}` === sent.phone)!
      assert.deepEqual(sent.params, [message.templateParams!['1']])
    }
  })
})
