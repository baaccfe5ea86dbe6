import { timingSafeEqual } from 'node:crypto'
import {
  definePlugin,
  PluginError,
  type DeliveryReceipt,
  type InboundReply,
  type LookupResult,
  type MessageChannel,
  type OutgoingMessage,
  type PluginContext,
  type SendResult,
  type WebhookRequest,
  type WebhookResponse,
} from '#plugin-sdk'
import { callAliyun, type AliyunCredentials } from './client.js'

export interface AliyunSmsConfig {
  accessKeyId: string
  accessKeySecret: string
  signName: string
  endpoint: string
  callbackToken: string
  ratePerSecond: number
  testTemplateCode?: string
}

const BATCH_SIZE = 100

function credentials(config: AliyunSmsConfig): AliyunCredentials {
  return {
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    endpoint: config.endpoint,
  }
}

/** Aliyun pushes local time (Asia/Shanghai, UTC+8) as `yyyy-MM-dd HH:mm:ss`. */
function shanghaiTime(value: unknown): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(String(value ?? ''))
  if (!match) return new Date()
  return new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}+08:00`)
}

function tokenMatches(request: WebhookRequest, expected: string): boolean {
  const given = Buffer.from(String(request.query.token ?? ''))
  const wanted = Buffer.from(expected)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

const ACCEPTED: WebhookResponse = { status: 200, body: { code: 0, msg: '接收成功' } }

function rejected(status: number, msg: string): WebhookResponse {
  return { status, body: { code: 1, msg } }
}

export function aliyunChannel(ctx: PluginContext<AliyunSmsConfig>): MessageChannel {
  const config = ctx.config
  const params = (message: OutgoingMessage) => {
    if (!message.template) {
      throw new PluginError('content_rejected', 'Aliyun SMS needs a template code', null)
    }
    return message.template
  }
  return {
    id: ctx.id,
    capabilities: {
      channel: 'sms',
      batchSize: BATCH_SIZE,
      receipts: 'push',
      inbound: 'push',
      categories: ['otp', 'notification', 'marketing'],
      ratePerSecond: config.ratePerSecond,
    },
    async send(message): Promise<SendResult> {
      try {
        const template = params(message)
        const data = await callAliyun(ctx.http, credentials(config), 'SendSms', {
          PhoneNumbers: message.to,
          SignName: config.signName,
          TemplateCode: template.code,
          TemplateParam: JSON.stringify(template.params),
          OutId: message.id,
        })
        return { ok: true, providerMessageId: String(data.BizId ?? '') || null }
      } catch (error) {
        if (error instanceof PluginError) return { ok: false, error }
        throw error
      }
    },
    /**
     * SendBatchSms takes up to 100 numbers with one template; the API
     * accepts or refuses the whole request, so every recipient gets the
     * same result (and the same BizId).
     */
    async sendBatch(messages): Promise<SendResult[]> {
      if (messages.length === 0) return []
      if (messages.length > BATCH_SIZE) {
        throw new PluginError('content_rejected', `at most ${BATCH_SIZE} per batch`)
      }
      try {
        const templates = messages.map(params)
        const code = templates[0].code
        if (templates.some((t) => t.code !== code)) {
          throw new PluginError('content_rejected', 'a batch must use one template')
        }
        const batch: Record<string, string> = {
          PhoneNumberJson: JSON.stringify(messages.map((m) => m.to)),
          SignNameJson: JSON.stringify(messages.map(() => config.signName)),
          TemplateCode: code,
          TemplateParamJson: JSON.stringify(templates.map((t) => t.params)),
        }
        // One OutId for the whole request: receipts carry it back with each number.
        if (messages[0].batchId) batch.OutId = messages[0].batchId
        const data = await callAliyun(ctx.http, credentials(config), 'SendBatchSms', batch)
        const bizId = String(data.BizId ?? '') || null
        return messages.map(() => ({ ok: true, providerMessageId: bizId }))
      } catch (error) {
        if (error instanceof PluginError) return messages.map(() => ({ ok: false, error }))
        throw error
      }
    },
    /**
     * After a crash between the call and its answer being recorded: asks
     * QuerySendDetails (one number, one day, up to 50 records a page) for a
     * record carrying this message's OutId — its id for SendSms, the batch's
     * claim for SendBatchSms. Dysmsapi has no idempotency of its own, so this
     * is what keeps a resend from being a duplicate.
     */
    async lookupSent(messages): Promise<LookupResult[]> {
      const results: LookupResult[] = []
      for (const message of messages) {
        const outIds = new Set([message.id, message.batchId].filter(Boolean))
        const days = new Set([shanghaiDay(message.claimedAt), shanghaiDay(new Date())])
        let found: LookupResult = { state: 'not_sent' }
        search: for (const day of days) {
          for (let page = 1; page <= 5; page++) {
            const data = await callAliyun(ctx.http, credentials(config), 'QuerySendDetails', {
              PhoneNumber: message.to,
              SendDate: day,
              PageSize: '50',
              CurrentPage: String(page),
            })
            const rows: any[] = data.SmsSendDetailDTOs?.SmsSendDetailDTO ?? []
            if (rows.some((row) => outIds.has(String(row.OutId ?? '')))) {
              found = { state: 'sent', providerMessageId: null }
              break search
            }
            if (rows.length < 50) break
            // More than 250 messages to one number in a day: do not claim it was not sent.
            if (page === 5) found = { state: 'unknown' }
          }
        }
        results.push(found)
      }
      return results
    },
  }
}

/** `yyyyMMdd` in Asia/Shanghai, as QuerySendDetails wants its SendDate. */
function shanghaiDay(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '')
}

export default definePlugin<AliyunSmsConfig>({
  register(ctx) {
    ctx.registries.channels.register(aliyunChannel(ctx))

    /** 短信回执 SmsReport: a JSON array of receipts. */
    ctx.webhooks.post('report', async (request) => {
      if (!tokenMatches(request, ctx.config.callbackToken)) return rejected(401, 'invalid token')
      if (!Array.isArray(request.body)) return rejected(400, 'expected a JSON array')
      const receipts: DeliveryReceipt[] = []
      for (const row of request.body) {
        if (!row || typeof row !== 'object' || (!row.out_id && !row.biz_id)) {
          return rejected(400, 'each receipt needs biz_id or out_id')
        }
        receipts.push({
          outId: row.out_id ? String(row.out_id) : null,
          providerMessageId: row.biz_id ? String(row.biz_id) : null,
          to: row.phone_number ? String(row.phone_number) : null,
          delivered: row.success === true || row.success === 'true',
          providerCode: row.err_code ? String(row.err_code) : null,
          description: row.err_msg ? String(row.err_msg) : null,
          reportedAt: shanghaiTime(row.report_time),
        })
      }
      await ctx.inbox.receipts(receipts)
      return ACCEPTED
    })

    /** 上行短信 SmsUp: replies, a JSON array. */
    ctx.webhooks.post('up', async (request) => {
      if (!tokenMatches(request, ctx.config.callbackToken)) return rejected(401, 'invalid token')
      if (!Array.isArray(request.body)) return rejected(400, 'expected a JSON array')
      const replies: InboundReply[] = []
      for (const row of request.body) {
        if (!row || typeof row !== 'object' || !row.phone_number || row.content === undefined) {
          return rejected(400, 'each reply needs phone_number and content')
        }
        replies.push({
          from: String(row.phone_number),
          text: String(row.content),
          receivedAt: shanghaiTime(row.send_time),
          providerMessageId: row.sequence_id ? String(row.sequence_id) : null,
        })
      }
      await ctx.inbox.replies(replies)
      return ACCEPTED
    })
  },

  /** Credentials and signature: QuerySmsSign must answer and the sign must be approved. */
  async testConnection(ctx) {
    try {
      const data = await callAliyun(ctx.http, credentials(ctx.config), 'QuerySmsSign', {
        SignName: ctx.config.signName,
      })
      const status = Number(data.SignStatus)
      if (status === 1) return { ok: true, detail: `sign "${ctx.config.signName}" approved` }
      if (status === 0) return { ok: false, detail: `sign "${ctx.config.signName}" under review` }
      return { ok: false, detail: `sign "${ctx.config.signName}" rejected: ${data.Reason ?? ''}` }
    } catch (error) {
      if (error instanceof PluginError)
        return { ok: false, detail: `${error.code}: ${error.message}` }
      throw error
    }
  },
})
