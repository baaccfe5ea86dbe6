import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { pluginHost } from '#app/plugins/plugin_host'
import { channelRegistry } from '#app/plugins/registries'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import Message from '#app/plugins/models/message'
import { pendingBatchMates, sendPending, staleSending } from '#app/plugins/messaging/dispatcher'
import { Phone } from '#app/shared/kernel/phone'
import { toDbTime } from '#app/shared/kernel/db_values'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'
import { queryPlan, sortsIn } from '#tests/support/query_plans'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'

/**
 * A channel sending one message per call has its message claimed by the
 * statement that reads it (app/plugins/messaging/dispatcher.ts,
 * `claimOrProbe`): what each kind of run answers, and that nothing is sent
 * twice or skipped.
 */
test.group('Plugins / dispatcher claims of single sends (aliyun-sms SendSms)', (group) => {
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
        callbackToken: 'cb-token-claim',
        ratePerSecond: '200',
      },
      admin
    )
    // The same connector without SendBatchSms: one message per call.
    const real = channelRegistry.get('aliyun-sms')!
    channelRegistry.removePlugin('aliyun-sms')
    channelRegistry.add('aliyun-sms', { ...real, sendBatch: undefined })
    return async () => {
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  const pendingMessage = async (digits: string, extra: Partial<Message> = {}) => {
    const phone = Phone.parse(digits)
    return Message.create({
      companyId,
      direction: 'out',
      channel: 'sms',
      provider: 'aliyun-sms',
      category: 'notification',
      phoneHash: phone.blindIndex,
      phoneEncrypted: phone.encrypt(),
      templateCode: 'SMS_100001',
      templateParams: { code: '1' },
      idempotencyKey: `claim-test:${digits}`,
      status: 'pending',
      attempts: 0,
      ...extra,
    })
  }

  test('a run claims, sends and records its message; a second run of the same job sends nothing', async ({
    assert,
  }) => {
    const message = await pendingMessage('13920000001')
    const first = await sendPending(message.id, 1)
    const again = await sendPending(message.id, 1)
    await message.refresh()
    assert.deepEqual(first, { single_calls: 1, sent: 1 })
    assert.deepEqual(again, { skipped: 1 })
    assert.equal(message.status, 'sent')
    assert.equal(message.attempts, 1)
    assert.isNotNull(message.providerMessageId)
    assert.lengthOf(fake.sent, 1)
  })

  test('the same job run twice at once (a redelivery) sends the message once', async ({
    assert,
  }) => {
    const message = await pendingMessage('13920000002')
    const runs = await Promise.all([sendPending(message.id, 1), sendPending(message.id, 1)])
    await message.refresh()
    assert.equal(runs.filter((counts) => counts.sent === 1).length, 1)
    assert.equal(message.status, 'sent')
    assert.equal(message.attempts, 1)
    assert.lengthOf(fake.sent, 1)
  })

  test('a message whose retry time has not come is left pending', async ({ assert }) => {
    const message = await pendingMessage('13920000003', {
      attempts: 1,
      nextAttemptAt: DateTime.utc().plus({ minutes: 5 }),
    })
    assert.deepEqual(await sendPending(message.id, 2), { waiting: 1 })
    await message.refresh()
    assert.equal(message.status, 'pending')
    assert.equal(message.attempts, 1)
    assert.lengthOf(fake.sent, 0)
  })

  test('a message another run holds is left alone until its lease runs out, then recovered', async ({
    assert,
  }) => {
    const message = await pendingMessage('13920000004')
    await db
      .from('messages')
      .where('id', message.id)
      .update({ status: 'sending', batch_token: 'other-run', attempts: 1 })
    assert.deepEqual(await sendPending(message.id, 1), { in_flight: 1 })

    // The holder died before the call: QuerySendDetails finds nothing, so it is sent again.
    await db
      .from('messages')
      .where('id', message.id)
      .update({ claimed_at: toDbTime(DateTime.utc().minus({ minutes: 5 })) })
    const recovered = await sendPending(message.id, 1)
    assert.equal(recovered.resent, 1)
    await message.refresh()
    assert.equal(message.status, 'pending')
    assert.lengthOf(fake.sent, 0)
  })

  test('an opt-out is honoured on the claimed message: suppressed, no call', async ({ assert }) => {
    const message = await pendingMessage('13920000005')
    await new DoNotContactList().add(companyId, Phone.parse('13920000005'), {
      channel: 'sms',
      source: 'staff',
      reason: 'asked',
      actor: null,
    })
    assert.deepEqual(await sendPending(message.id, 1), { suppressed: 1 })
    await message.refresh()
    assert.equal(message.status, 'suppressed')
    assert.lengthOf(fake.sent, 0)
  })

  test('a channel that is not active: the job retries while it has attempts, then fails', async ({
    assert,
  }) => {
    const message = await pendingMessage('13920000006')
    channelRegistry.removePlugin('aliyun-sms')
    await assert.rejects(() => sendPending(message.id, 1), /not active/)
    await message.refresh()
    assert.equal(message.status, 'pending')
    assert.equal(message.attempts, 0)
    assert.deepEqual(await sendPending(message.id, 5), { failed: 1 })
    await message.refresh()
    assert.equal(message.status, 'failed')
    assert.lengthOf(fake.sent, 0)
  })
})

/**
 * At campaign sizes (a million pending messages of one template) a claim
 * and the recovery sweep must each read only the rows they take: their
 * plans walk an index in id order, with no sort.
 */
test.group('Plugins / dispatcher reads by index', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a batch claim walks the pending messages of its template in id order; the sweep those left sending', async ({
    assert,
  }) => {
    const now = toDbTime(DateTime.utc())
    const lead = { id: 7, provider: 'aliyun-sms', templateCode: 'SMS_1' }
    const client = db.connection()
    const postgres = client.dialect.name === 'postgres'
    if (postgres) {
      // PostgreSQL plans from the table's statistics. On an empty table they depend on what
      // earlier tests left behind (dead rows of rolled-back inserts), and it sometimes walked
      // the primary key; give it a sent history with a few pending messages instead, as a
      // live install has. ANALYZE counts this transaction's own rows; the statistics roll
      // back with it.
      const { company } = await createCompanyWithShops()
      const rows = Array.from({ length: 5000 }, (_, i) => ({
        company_id: company.id,
        direction: 'out',
        channel: 'sms',
        provider: i % 2 ? 'aliyun-sms' : 'tencent-sms',
        template_code: [null, 'SMS_1', 'SMS_2'][i % 3],
        status: i % 100 === 0 ? 'pending' : 'sent',
        attempts: 1,
        created_at: now,
        updated_at: now,
      }))
      for (let i = 0; i < rows.length; i += 500)
        await db.table('messages').multiInsert(rows.slice(i, i + 500))
      await db.rawQuery('analyze messages')
    }
    const queries = {
      batchMates: pendingBatchMates(client, lead, now, 99).select('id').toSQL(),
      batchMatesWithoutTemplate: pendingBatchMates(client, { ...lead, templateCode: null }, now, 99)
        .select('id')
        .toSQL(),
      staleSending: staleSending().toSQL(),
    }
    const plans: Record<string, string> = {}
    for (const [name, query] of Object.entries(queries)) plans[name] = await queryPlan(query)
    // On empty tables PostgreSQL may take either index that leads with the status and ends with
    // the id; with real figures it takes the narrower one. SQLite goes by the index's columns.
    const claimIndex = postgres ? /messages_(claim|status)_index/ : /messages_claim_index/
    assert.match(plans.batchMates, claimIndex)
    assert.match(plans.batchMatesWithoutTemplate, claimIndex)
    assert.include(plans.staleSending, 'messages_status_index')
    for (const text of Object.values(plans)) assert.isFalse(sortsIn(text))
  })
})
