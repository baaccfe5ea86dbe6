import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { MessageChannel } from '#app/plugins/sdk/index'
import { channelRegistry } from '#app/plugins/registries'
import Message from '#app/plugins/models/message'
import { pullChannelUpdatesJob } from '#app/plugins/jobs/pull_channel_updates_job'
import queue from '#app/shared/queue/queue'
import { Phone } from '#app/shared/kernel/phone'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

function pullChannel(id: string, outId: string, fail = false): MessageChannel {
  return {
    id,
    capabilities: {
      channel: 'sms',
      batchSize: 1,
      receipts: 'pull',
      inbound: 'pull',
      categories: ['notification'],
      ratePerSecond: 10,
    },
    send: async () => ({ ok: true, providerMessageId: null }),
    pullReceipts: async () => {
      if (fail) throw new Error('gateway down')
      return [
        {
          outId,
          providerMessageId: null,
          to: null,
          delivered: true,
          providerCode: 'DELIVRD',
          description: null,
          reportedAt: new Date(),
        },
      ]
    },
    pullReplies: async () => [{ from: '13800138000', text: '退订', receivedAt: new Date() }],
  }
}

test.group('Plugins / pulled receipts and replies', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => {
    channelRegistry.removePlugin('pull-sms')
    channelRegistry.removePlugin('broken-pull')
  })

  test('pull-mode channels are asked for receipts and replies; one failing does not stop the others', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const phone = Phone.parse('13800138000')
    const message = await Message.create({
      companyId: company.id,
      direction: 'out',
      channel: 'sms',
      provider: 'pull-sms',
      category: 'notification',
      phoneHash: phone.blindIndex,
      phoneEncrypted: phone.encrypt(),
      status: 'sent',
      attempts: 1,
    })
    channelRegistry.add('broken-pull', pullChannel('broken-pull', '0', true))
    channelRegistry.add('pull-sms', pullChannel('pull-sms', String(message.id)))

    assert.deepInclude(queue.schedules, {
      name: 'plugins.pull_channel_updates',
      cron: '*/5 * * * *',
      tz: 'Asia/Shanghai',
    })
    const totals = await pullChannelUpdatesJob.handle({ payload: {} } as any)
    assert.deepEqual(totals, { channels: 2, receipts: 1, replies: 1, failed: 1 })
    await message.refresh()
    assert.equal(message.status, 'delivered')
    const dnc = await db.from('do_not_contact').where('phone_hash', phone.blindIndex).first()
    assert.equal(dnc?.source, 'reply')
  })
})
