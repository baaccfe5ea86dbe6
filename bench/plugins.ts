import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { MessageChannel, PluginContext } from '#app/plugins/sdk/index'
import { pluginHost } from '#app/plugins/plugin_host'
import { channelRegistry } from '#app/plugins/registries'
import { PluginHttp } from '#app/plugins/http_client'
import Message from '#app/plugins/models/message'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { recoverMessagesJob } from '#app/plugins/jobs/recover_messages_job'
import { dispatcherFaults } from '#app/plugins/messaging/dispatcher'
import {} from '#app/shared/queue/job_runner'
import queueConfig from '#config/queue'
import { runGateWorkers } from '#tests/fixtures/plugins/rate_gate/run_workers'
import { findCurrentCompany } from '#app/organization/current_company'
import { Phone } from '#app/shared/kernel/phone'
import { aliyunChannel, type AliyunSmsConfig } from '#plugins/aliyun-sms/index'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'
import { type BenchContext, timeIt } from './_support.js'
import { toDbTime } from '#app/shared/kernel/db_values'

/**
 * Plugin figures:
 * - startup_10_plugins: discovering, validating and booting 10 plugins (target ≤ 3000 ms);
 * - dispatcher_rate_use_8_runners: sends per second through the dispatcher's job handler (8
 *   concurrent runners, i.e. QUEUE_CONCURRENCY=8) against the fake Aliyun gateway, as a share of the configured rate (target ≥ 95 %),
 *   after a warm-up of `--warmup=48` sends (a running worker, not a cold one);
 * - duplicate_sends / lost_messages: every message's job run twice at once; sends beyond one per
 *   message, messages never sent (target 0 and 0);
 * - dispatcher_batch_call_rate_use / dispatcher_batch_messages_per_second: batches of 10
 *   (SendBatchSms), provider calls per second as a share of the same limit;
 * - crash_duplicate_sends / crash_lost_messages / crash_outcome_unknown: every 5th call "killed"
 *   before the provider call and every 5th after it (crash injection), then the recovery sweep —
 *   with Aliyun's QuerySendDetails lookup, and `_without_lookup` for a channel that has none;
 * - shared_gate_rate_use_2_workers / shared_gate_max_calls_in_a_second / shared_gate_throttled:
 *   two worker processes sharing a 50/s limit through Redis (only when REDIS_URL is set).
 * Runs on the configured database (migrate it first: `node ace setup`); cleans up after itself.
 */
export default async function ({ app, report, flags }: BenchContext) {
  const previousLevel = logger.level
  logger.level = 'silent'
  try {
    await startup(app.makePath('tmp', `bench-plugins-${process.pid}`), report)
    await dispatcher({ report, flags })
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

async function dispatcher({ report, flags }: Pick<BenchContext, 'report' | 'flags'>) {
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
  const aliyun = aliyunChannel(ctx)
  /** The same connector with another batch size (1: SendSms only). */
  const withBatchSize = (batchSize: number, extra: Partial<MessageChannel> = {}) => ({
    ...aliyun,
    capabilities: { ...aliyun.capabilities, batchSize },
    sendBatch: batchSize > 1 ? aliyun.sendBatch : undefined,
    ...extra,
  })
  const ids: number[] = []
  const makeMessages = async (count: number, tag: string) => {
    const made: number[] = []
    for (let i = 0; i < count; i++) {
      const phone = Phone.parse(`13${tag}${String(i).padStart(8, '0')}`)
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
        idempotencyKey: `bench:${process.pid}:${tag}:${i}`,
        status: 'pending',
        attempts: 0,
      })
      made.push(message.id)
    }
    ids.push(...made)
    return made
  }
  /** `runners` concurrent job runners over the messages' jobs, as QUEUE_CONCURRENCY would. */
  const runJobs = async (jobIds: number[], runners: number, twice = false) => {
    const queueOf = [...jobIds]
    const handle = (id: number) =>
      sendMessageJob
        .handle({ payload: { messageId: id }, attempt: 1 } as any)
        .catch((error: Error) => {
          if (!error.message.startsWith('simulated crash')) throw error
        })
    const run = async () => {
      for (let id = queueOf.shift(); id !== undefined; id = queueOf.shift()) {
        // A redelivery: the same message's job twice at once.
        await (twice ? Promise.all([handle(id), handle(id)]) : handle(id))
      }
    }
    return timeIt(() => Promise.all(Array.from({ length: runners }, run)))
  }
  const sendsPerPhone = () => {
    const counts = new Map<string, number>()
    for (const sms of fake.sent) counts.set(sms.phone, (counts.get(sms.phone) ?? 0) + 1)
    return counts
  }
  const phonesOf = async (messageIds: number[]) => {
    const rows = await Message.query().whereIn('id', messageIds)
    return rows.map((m) => m.phone!.digits)
  }

  try {
    // 1. One message per call (SendSms), each job run twice at once.
    channelRegistry.add('bench-sms', withBatchSize(1))
    const runners = 8
    // A worker that has been running: the database pool's connections and the HTTP keep-alive
    // open, the send path compiled. Without this the first half second — one-off per worker
    // process — would count against a 3-second measurement (`--warmup=0` to see it).
    const warmup = await makeMessages(Number(flags?.warmup ?? 48), '5')
    if (warmup.length > 0) await runJobs(warmup, runners, true)
    const singles = await makeMessages(300, '9')
    const [, ms] = await runJobs(singles, runners, true)
    const perSecond = (singles.length / ms) * 1000
    report(`dispatcher_rate_use_${runners}_runners`, (perSecond / rate) * 100, '%')
    report('dispatcher_sends_per_second', perSecond, 'msg/s')
    let counts = sendsPerPhone()
    const singlePhones = await phonesOf([...warmup, ...singles])
    report(
      'duplicate_sends',
      singlePhones.reduce((sum, p) => sum + Math.max(0, (counts.get(p) ?? 0) - 1), 0),
      'count'
    )
    report('lost_messages', singlePhones.filter((p) => !counts.has(p)).length, 'count')
    channelRegistry.removePlugin('bench-sms')

    // 2. Batches of 10 (SendBatchSms): provider calls per second against the same limit.
    channelRegistry.add('bench-sms', withBatchSize(10))
    const batched = await makeMessages(2000, '8')
    const callsBefore = fake.requests.length
    const [, batchMs] = await runJobs(batched, runners)
    const calls = fake.requests.length - callsBefore
    report('dispatcher_batch_call_rate_use', ((calls / batchMs) * 1000 * 100) / rate, '%')
    report('dispatcher_batch_messages_per_second', (batched.length / batchMs) * 1000, 'msg/s')
    channelRegistry.removePlugin('bench-sms')

    // 3. Workers "killed" mid-batch (crash injection before and after the provider call),
    //    then the sweeper: with Aliyun's QuerySendDetails, and with a channel that has no lookup.
    for (const [label, channel] of [
      ['', withBatchSize(10)],
      ['_without_lookup', withBatchSize(10, { lookupSent: undefined })],
    ] as const) {
      channelRegistry.add('bench-sms', channel)
      const crashIds = await makeMessages(300, label ? '6' : '7')
      let call = 0
      dispatcherFaults.beforeCall = () => {
        if (++call % 5 === 0) throw new Error('simulated crash before the call')
      }
      dispatcherFaults.afterCall = () => {
        if (call % 5 === 2) throw new Error('simulated crash after the call')
      }
      await runJobs(crashIds, runners)
      delete dispatcherFaults.beforeCall
      delete dispatcherFaults.afterCall
      // Until nothing is left: leases expire, the sweeper recovers, resends are sent.
      for (let round = 0; round < 10; round++) {
        await db
          .from('messages')
          .whereIn('id', crashIds)
          .where('status', 'sending')
          .update({ claimed_at: toDbTime(DateTime.utc().minus({ minutes: 5 })) })
        await recoverMessagesJob.handle({ payload: {} } as any)
        const left = await Message.query()
          .whereIn('id', crashIds)
          .where('status', 'pending')
          .select('id')
        if (left.length === 0) break
        // The retry's backoff (5 s outside tests) is not what is measured here.
        await db.from('messages').whereIn('id', crashIds).update({ next_attempt_at: null })
        await runJobs(
          left.map((m) => m.id),
          runners
        )
      }
      counts = sendsPerPhone()
      const crashPhones = await phonesOf(crashIds)
      report(
        `crash_duplicate_sends${label}`,
        crashPhones.reduce((sum, p) => sum + Math.max(0, (counts.get(p) ?? 0) - 1), 0),
        'count'
      )
      report(
        `crash_lost_messages${label}`,
        crashPhones.filter((p) => !counts.has(p)).length,
        'count'
      )
      const unknown = await Message.query()
        .whereIn('id', crashIds)
        .where('status', 'failed')
        .whereLike('error_message', 'outcome unknown%')
      report(`crash_outcome_unknown${label}`, unknown.length, 'count')
      channelRegistry.removePlugin('bench-sms')
    }

    // 4. Two worker processes sharing the provider's limit through Redis.
    if (queueConfig.redisUrl) {
      const gateFake = new FakeAliyunSms({ qps: 50 })
      await gateFake.start()
      try {
        const shared = await runGateWorkers({
          fake: gateFake,
          workers: 2,
          calls: 150,
          rate: 50,
          redisUrl: queueConfig.redisUrl,
          prefix: `${queueConfig.prefix}:bench:${process.pid}`,
          provider: 'bench-sms',
        })
        report('shared_gate_rate_use_2_workers', ((shared.sent / shared.ms) * 1000 * 100) / 50, '%')
        report('shared_gate_max_calls_in_a_second', Math.max(...shared.perSecond), 'calls')
        report('shared_gate_throttled', shared.throttled, 'count')
      } finally {
        await gateFake.stop()
      }
    } else {
      console.log('plugins: REDIS_URL not set — shared rate gate figures skipped')
    }
  } finally {
    delete dispatcherFaults.beforeCall
    delete dispatcherFaults.afterCall
    channelRegistry.removePlugin('bench-sms')
    for (let i = 0; i < ids.length; i += 500) {
      await db
        .from('job_runs')
        .whereIn(
          'idempotency_key',
          ids
            .slice(i, i + 500)
            .flatMap((id) => [1, 2, 3, 4, 5].map((n) => `message:${id}:attempt:${n}`))
        )
        .delete()
      await db
        .from('messages')
        .whereIn('id', ids.slice(i, i + 500))
        .delete()
    }
    await fake.stop()
  }
}
