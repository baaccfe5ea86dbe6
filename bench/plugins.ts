import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { PluginContext } from '#app/plugins/sdk/index'
import { pluginHost } from '#app/plugins/plugin_host'
import { channelRegistry } from '#app/plugins/registries'
import { PluginHttp } from '#app/plugins/http_client'
import Message from '#app/plugins/models/message'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { findCurrentCompany } from '#app/organization/current_company'
import { Phone } from '#app/shared/kernel/phone'
import { aliyunChannel, type AliyunSmsConfig } from '#plugins/aliyun-sms/index'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'
import { type BenchContext, timeIt } from './_support.js'

/**
 * Plugin figures:
 * - startup_10_plugins: discovering, validating and booting 10 plugins (target ≤ 3000 ms);
 * - dispatcher_rate_use_8_runners: sends per second through the dispatcher's job handler (8
 *   concurrent runners, i.e. QUEUE_CONCURRENCY=8) against the fake Aliyun gateway, as a share of the configured rate (target ≥ 95 %);
 * - duplicate_sends: every message's job run twice at once; sends beyond one per message (target 0).
 * Runs on the configured database (migrate it first: `node ace setup`); cleans up after itself.
 */
export default async function ({ app, report }: BenchContext) {
  const previousLevel = logger.level
  logger.level = 'silent'
  try {
    await startup(app.makePath('tmp', `bench-plugins-${process.pid}`), report)
    await dispatcher(report)
  } finally {
    logger.level = previousLevel
    await pluginHost.load()
  }
}

async function startup(root: string, report: BenchContext['report']) {
  rmSync(root, { recursive: true, force: true })
  for (let i = 0; i < 10; i++) {
    const dir = join(root, `bench-${i}`)
    mkdirSync(dir, { recursive: true })
    cpSync(
      new URL('../tests/fixtures/plugins/external/js-channel/dist/index.js', import.meta.url),
      join(dir, 'index.js')
    )
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({
        id: `bench-${i}`,
        name: `Bench ${i}`,
        version: '1.0.0',
        host: '^0.1.0',
        apiVersion: 1,
        provides: ['channel'],
        entry: 'index.js',
        config: [
          {
            name: 'url',
            type: 'url',
            default: 'http://127.0.0.1:9',
            label: { 'zh-CN': 'a', 'en': 'a' },
          },
        ],
      })
    )
  }
  const [, ms] = await timeIt(() => pluginHost.load([root]))
  const active = pluginHost.list().filter((p) => p.status === 'active').length
  rmSync(root, { recursive: true, force: true })
  if (active !== 10) throw new Error(`only ${active} of 10 bench plugins became active`)
  report('startup_10_plugins', ms, 'ms')
}

async function dispatcher(report: BenchContext['report']) {
  const company = await findCurrentCompany()
  if (!company) {
    console.log(
      'plugins: no company in this database (run node ace setup) — dispatcher figures skipped'
    )
    return
  }
  const fake = new FakeAliyunSms()
  await fake.start()
  const rate = 100
  const ctx = {
    id: 'bench-sms',
    config: {
      accessKeyId: fake.accessKeyId,
      accessKeySecret: fake.accessKeySecret,
      signName: '圈子商城',
      endpoint: fake.url,
      callbackToken: 'x',
      ratePerSecond: rate,
    },
    http: new PluginHttp(),
    logger,
  } as unknown as PluginContext<AliyunSmsConfig>
  channelRegistry.add('bench-sms', aliyunChannel(ctx))

  const count = 300
  const ids: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const phone = Phone.parse(`139${String(i).padStart(8, '0')}`)
      const message = await Message.create({
        companyId: company.id,
        direction: 'out',
        channel: 'sms',
        provider: 'bench-sms',
        category: 'notification',
        phoneHash: phone.blindIndex,
        phoneEncrypted: phone.encrypt(),
        templateCode: 'SMS_100001',
        templateParams: { code: String(i) },
        idempotencyKey: `bench:${process.pid}:${i}`,
        status: 'pending',
        attempts: 0,
      })
      ids.push(message.id)
    }
    const queueOf = [...ids]
    const run = async () => {
      for (let id = queueOf.shift(); id !== undefined; id = queueOf.shift()) {
        // Each message's job runs twice at once, as a redelivery would.
        await Promise.all([
          sendMessageJob.handle({ payload: { messageId: id }, attempt: 1 } as any),
          sendMessageJob.handle({ payload: { messageId: id }, attempt: 1 } as any),
        ])
      }
    }
    const runners = 8
    const [, ms] = await timeIt(() => Promise.all(Array.from({ length: runners }, run)))
    const perSecond = (count / ms) * 1000
    report(`dispatcher_rate_use_${runners}_runners`, (perSecond / rate) * 100, '%')
    report('dispatcher_sends_per_second', perSecond, 'msg/s')
    const sentPerMessage = new Map<string, number>()
    for (const sms of fake.sent)
      sentPerMessage.set(sms.outId!, (sentPerMessage.get(sms.outId!) ?? 0) + 1)
    const duplicates = [...sentPerMessage.values()].reduce((sum, n) => sum + (n - 1), 0)
    const lost = ids.filter((id) => !sentPerMessage.has(String(id))).length
    report('duplicate_sends', duplicates, 'count')
    report('lost_messages', lost, 'count')
  } finally {
    channelRegistry.removePlugin('bench-sms')
    await db.from('messages').whereIn('id', ids).delete()
    await fake.stop()
  }
}
