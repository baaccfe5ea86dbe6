import { timingSafeEqual } from 'node:crypto'
import {
  definePlugin,
  HttpTransportError,
  PluginError,
  type DeliveryReceipt,
  type MessageChannel,
  type OutgoingMessage,
  type PluginContext,
  type PluginErrorCode,
  type SendResult,
  type WebhookRequest,
} from '#plugin-sdk'
import { tc3Authorization, tc3Sign } from './signature.js'

export interface TencentSmsConfig {
  secretId: string
  secretKey: string
  sdkAppId: string
  signName: string
  region: string
  endpoint: string
  callbackToken: string
  ratePerSecond: number
  testTemplateCode?: string
}

export const API_VERSION = '2021-01-11'
const BATCH_SIZE = 200

/** SMS 2021-01-11 error codes (request-level and per-number) → normalised codes. */
const ERRORS: Array<[RegExp, PluginErrorCode]> = [
  [/^AuthFailure/, 'auth'],
  [/^UnauthorizedOperation/, 'auth'],
  [/^FailedOperation\.PhoneNumberInBlacklist$/, 'suppressed'],
  [/^InvalidParameterValue\.IncorrectPhoneNumber$/, 'invalid_recipient'],
  [/^FailedOperation\.ContainDomesticAndInternationalPhoneNumber$/, 'invalid_recipient'],
  [/^LimitExceeded\.PhoneNumberCountLimit$/, 'invalid_recipient'],
  [
    /^FailedOperation\.(SignatureIncorrectOrUnapproved|TemplateIncorrectOrUnapproved|MissingSignature|MissingTemplateToModify)$/,
    'template_or_sign_unapproved',
  ],
  [/^FailedOperation\.InsufficientBalanceInSmsPackage$/, 'quota'],
  [
    /^LimitExceeded\.(PhoneNumberDailyLimit|DailyLimit|AppDailyLimit|AppCountryOrRegionDailyLimit|AppMainlandChinaDailyLimit)$/,
    'quota',
  ],
  [/^LimitExceeded\./, 'rate_limited'],
  [/^RequestLimitExceeded/, 'rate_limited'],
  [/^InvalidParameterValue\./, 'content_rejected'],
  [/^FailedOperation\.(ContainSensitiveWord|FailResolvePacket|JsonParseFail)$/, 'content_rejected'],
  [/^(InternalError|FailedOperation\.ServiceUnavailable|ResourceUnavailable)/, 'transient'],
]

export function mapError(code: string, message: string): PluginError {
  const mapped = ERRORS.find(([pattern]) => pattern.test(code))?.[1] ?? 'content_rejected'
  return new PluginError(mapped, `${code}: ${message}`, code)
}

/** Tencent templates take positional parameters: {1}, {2} … ("1", "2" keys sort numerically). */
export function templateParamSet(params: Record<string, string>): string[] {
  const keys = Object.keys(params)
  const numeric = keys.every((key) => /^\d+$/.test(key))
  return (numeric ? keys.sort((a, b) => Number(a) - Number(b)) : keys).map((key) => params[key])
}

export async function callTencent(
  ctx: PluginContext<TencentSmsConfig>,
  action: string,
  payload: Record<string, unknown>
): Promise<any> {
  const url = new URL(ctx.config.endpoint)
  const body = JSON.stringify(payload)
  const timestamp = Math.floor(Date.now() / 1000)
  const contentType = 'application/json; charset=utf-8'
  const signed = tc3Sign({
    secretKey: ctx.config.secretKey,
    service: 'sms',
    timestamp,
    method: 'POST',
    // The host as the API sees it: no port (the official SDK signs urlObj.hostname too).
    headers: { 'content-type': contentType, 'host': url.hostname, 'x-tc-action': action },
    body,
  })
  let response
  try {
    response = await ctx.http.request(url.toString(), {
      method: 'POST',
      retries: 0,
      timeoutMs: 10_000,
      body,
      headers: {
        'authorization': tc3Authorization(
          ctx.config.secretId,
          signed.scope,
          signed.signedHeaders,
          signed.signature
        ),
        'content-type': contentType,
        'x-tc-action': action,
        'x-tc-timestamp': String(timestamp),
        'x-tc-version': API_VERSION,
        'x-tc-region': ctx.config.region,
      },
    })
  } catch (error) {
    const refused = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(
      (error as any)?.cause?.cause?.code
    )
    const reason = error instanceof HttpTransportError ? error.message : String(error)
    throw new PluginError('transient', reason, null, { retryable: refused, cause: error })
  }
  const data = response.json?.Response
  if (!data) {
    throw new PluginError('transient', `HTTP ${response.status}: not an API answer`, null, {
      retryable: response.status >= 500,
    })
  }
  if (data.Error) throw mapError(String(data.Error.Code), String(data.Error.Message ?? ''))
  return data
}

function statusResult(status: any): SendResult {
  if (status?.Code === 'Ok') return { ok: true, providerMessageId: String(status.SerialNo) }
  return {
    ok: false,
    error: mapError(String(status?.Code ?? 'Unknown'), String(status?.Message ?? '')),
  }
}

export function tencentChannel(ctx: PluginContext<TencentSmsConfig>): MessageChannel {
  const template = (message: OutgoingMessage) => {
    if (!message.template)
      throw new PluginError('content_rejected', 'Tencent SMS needs a template id')
    return message.template
  }
  const sendMany = async (messages: OutgoingMessage[]): Promise<SendResult[]> => {
    try {
      const first = template(messages[0])
      const params = templateParamSet(first.params)
      for (const message of messages) {
        const own = template(message)
        if (
          own.code !== first.code ||
          JSON.stringify(templateParamSet(own.params)) !== JSON.stringify(params)
        ) {
          throw new PluginError(
            'content_rejected',
            'a batch must share one template and its parameters'
          )
        }
      }
      const data = await callTencent(ctx, 'SendSms', {
        PhoneNumberSet: messages.map((m) => `+86${m.to}`),
        SmsSdkAppId: ctx.config.sdkAppId,
        SignName: ctx.config.signName,
        TemplateId: first.code,
        TemplateParamSet: params,
        SessionContext: messages.length === 1 ? messages[0].id : '',
      })
      const statuses: any[] = data.SendStatusSet ?? []
      return messages.map((message) =>
        statusResult(statuses.find((s) => String(s.PhoneNumber).endsWith(message.to)))
      )
    } catch (error) {
      if (error instanceof PluginError) return messages.map(() => ({ ok: false, error }))
      throw error
    }
  }
  return {
    id: ctx.id,
    capabilities: {
      channel: 'sms',
      batchSize: BATCH_SIZE,
      receipts: 'push',
      inbound: 'push',
      categories: ['otp', 'notification', 'marketing'],
      ratePerSecond: ctx.config.ratePerSecond,
    },
    /** One SendSms call takes one template and one parameter set for all its numbers. */
    batchKey(message) {
      const own = message.template
      return own ? `${own.code}|${JSON.stringify(templateParamSet(own.params))}` : ''
    },
    async send(message) {
      const [result] = await sendMany([message])
      return result
    },
    async sendBatch(messages) {
      if (messages.length === 0) return []
      if (messages.length > BATCH_SIZE) {
        throw new PluginError('content_rejected', `at most ${BATCH_SIZE} per batch`)
      }
      return sendMany(messages)
    },
  }
}

function tokenMatches(request: WebhookRequest, expected: string) {
  const given = Buffer.from(String(request.query.token ?? ''))
  const wanted = Buffer.from(expected)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

/** Callbacks carry Beijing time as `yyyy-MM-dd HH:mm:ss`. */
function beijing(value: unknown): Date {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(String(value ?? ''))
  return match ? new Date(`${match[1]}T${match[2]}+08:00`) : new Date()
}

const OK = { status: 200, body: { result: 0, errmsg: 'OK' } }
const refuse = (status: number, errmsg: string) => ({ status, body: { result: 1, errmsg } })

export default definePlugin<TencentSmsConfig>({
  register(ctx) {
    ctx.registries.channels.register(tencentChannel(ctx))

    /** 短信状态回调: a JSON array of reports; `sid` is the SerialNo SendSms answered. */
    ctx.webhooks.post('report', async (request) => {
      if (!tokenMatches(request, ctx.config.callbackToken)) return refuse(401, 'invalid token')
      if (!Array.isArray(request.body)) return refuse(400, 'expected a JSON array')
      const receipts: DeliveryReceipt[] = []
      for (const row of request.body) {
        if (!row?.sid) return refuse(400, 'each report needs sid')
        receipts.push({
          outId: null,
          providerMessageId: String(row.sid),
          to: row.mobile ? String(row.mobile) : null,
          delivered: row.report_status === 'SUCCESS',
          providerCode: row.errmsg ? String(row.errmsg) : null,
          description: row.description ? String(row.description) : null,
          reportedAt: beijing(row.user_receive_time),
        })
      }
      await ctx.inbox.receipts(receipts)
      return OK
    })

    /** 短信回复回调: one reply per request. */
    ctx.webhooks.post('reply', async (request) => {
      if (!tokenMatches(request, ctx.config.callbackToken)) return refuse(401, 'invalid token')
      const row = request.body
      if (!row || typeof row !== 'object' || !row.mobile || row.text === undefined) {
        return refuse(400, 'expected mobile and text')
      }
      await ctx.inbox.replies([
        {
          from: String(row.mobile),
          text: String(row.text),
          receivedAt: row.time ? new Date(Number(row.time) * 1000) : new Date(),
        },
      ])
      return OK
    })
  },

  /** Signature, keys and the SdkAppId: PullSmsSendStatus answers (it reads, sends nothing). */
  async testConnection(ctx) {
    try {
      await callTencent(ctx, 'PullSmsSendStatus', { Limit: 1, SmsSdkAppId: ctx.config.sdkAppId })
      return { ok: true, detail: `keys and SdkAppId ${ctx.config.sdkAppId} accepted` }
    } catch (error) {
      if (error instanceof PluginError)
        return { ok: false, detail: `${error.code}: ${error.message}` }
      throw error
    }
  },
})
