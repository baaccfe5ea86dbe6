import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeHttpServer, postJson, chinaTime } from '#tests/fakes/_support/fake_http_server'

/**
 * A local stand-in for dysmsapi 2017-05-25 (阿里云短信). It checks every
 * request the way the real gateway documents: the ACS3-HMAC-SHA256
 * signature recomputed from the request as received (its own
 * canonicalisation, not the connector's), the body hash, a 15-minute clock
 * window and one use per nonce. It answers SendSms, SendBatchSms and
 * QuerySmsSign with the real response shapes and error codes, can be told
 * to throttle or fail, and pushes SmsReport receipts and SmsUp replies to
 * the URLs an admin would enter in the Aliyun console.
 */
export interface FakeAliyunOptions {
  accessKeyId?: string
  accessKeySecret?: string
  /** Sign name → 0 under review, 1 approved, 2 rejected. */
  signs?: Record<string, 0 | 1 | 2>
  /** Template code → the parameter names it needs. */
  templates?: Record<string, string[]>
  /** Messages the account may still send (isv.AMOUNT_NOT_ENOUGH at 0). */
  quota?: number
  /** Per-number limit per minute (isv.BUSINESS_LIMIT_CONTROL beyond it). */
  perNumberPerMinute?: number
  clockSkewMs?: number
  /** API calls allowed in each wall-clock second (Throttling.User beyond it); unlimited by default. */
  qps?: number
}

export interface FakeSms {
  bizId: string
  phone: string
  signName: string
  templateCode: string
  params: Record<string, string>
  outId: string | null
  at: Date
  reported: boolean
  /** Whether the receipt said delivered (null until reported). */
  delivered?: boolean | null
  content?: string
}

const MOBILE = /^(?:\+?86|0086)?1[3-9]\d{9}$/

export class FakeAliyunSms extends FakeHttpServer {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly signs: Record<string, 0 | 1 | 2>
  readonly templates: Record<string, string[]>
  quota: number
  perNumberPerMinute: number
  clockSkewMs: number
  qps: number
  /** Authentic requests per wall-clock second (its epoch second → count), for rate checks. */
  perSecond = new Map<number, number>()
  /** Requests that reached the fake, signed correctly or not. */
  requests: Array<{ action: string; code: string }> = []
  sent: FakeSms[] = []
  #nonces = new Set<string>()
  #throttle = 0
  #outage = 0

  constructor(options: FakeAliyunOptions = {}) {
    super()
    this.accessKeyId = options.accessKeyId ?? 'LTAI5tFakeAccessKey'
    this.accessKeySecret = options.accessKeySecret ?? 'fake-access-key-secret'
    this.signs = options.signs ?? { 圈子商城: 1 }
    this.templates = options.templates ?? { SMS_100001: ['code'], SMS_100002: ['name'] }
    this.quota = options.quota ?? 1_000_000
    this.perNumberPerMinute = options.perNumberPerMinute ?? Number.POSITIVE_INFINITY
    this.clockSkewMs = options.clockSkewMs ?? 15 * 60_000
    this.qps = options.qps ?? Number.POSITIVE_INFINITY
  }

  /** The next `count` requests get `Throttling.User`. */
  throttleNext(count = 1) {
    this.#throttle = count
  }

  /** The next `count` requests get HTTP 503 ServiceUnavailable. */
  failNext(count = 1) {
    this.#outage = count
  }

  /** POSTs SmsReport receipts for every message not yet reported (or the given ones). */
  async pushReports(
    url: string,
    options: { delivered?: boolean; only?: FakeSms[]; errCode?: string } = {}
  ) {
    const rows = (options.only ?? this.sent.filter((m) => !m.reported)).map((m) => {
      m.reported = true
      const delivered = options.delivered ?? true
      m.delivered = delivered
      return {
        phone_number: m.phone,
        send_time: chinaTime(m.at),
        report_time: chinaTime(new Date()),
        success: delivered,
        err_code: delivered ? 'DELIVERED' : (options.errCode ?? 'MK:0001'),
        err_msg: delivered ? '用户接收成功' : '空号',
        sms_size: '1',
        biz_id: m.bizId,
        out_id: m.outId,
      }
    })
    return postJson(url, rows)
  }

  /** POSTs one SmsUp reply as the console's HTTP push would. */
  async pushReply(url: string, phone: string, content: string) {
    return postJson(url, [
      {
        phone_number: phone,
        send_time: chinaTime(new Date()),
        content,
        sign_name: Object.keys(this.signs)[0],
        dest_code: '1234',
        sequence_id: Date.now(),
      },
    ])
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const control = new URL(req.url ?? '/', 'http://fake')
    if (control.pathname.startsWith('/_fake/')) return this.#control(control, res)
    const action = String(req.headers['x-acs-action'] ?? '')
    const answer = (status: number, payload: Record<string, unknown>) => {
      this.requests.push({ action, code: String(payload.Code) })
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
      res.end(JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...payload }))
    }
    const error = (status: number, code: string, message: string) =>
      answer(status, { HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message })

    const auth = this.#verify(req, body)
    if (auth) return error(auth.status, auth.code, auth.message)

    const second = Math.floor(Date.now() / 1000)
    const inThisSecond = (this.perSecond.get(second) ?? 0) + 1
    this.perSecond.set(second, inThisSecond)
    if (inThisSecond > this.qps) {
      return error(400, 'Throttling.User', 'Request was denied due to user flow control.')
    }

    if (this.#outage > 0) {
      this.#outage--
      return error(
        503,
        'ServiceUnavailable',
        'The request has failed due to a temporary failure of the server.'
      )
    }
    if (this.#throttle > 0) {
      this.#throttle--
      return error(400, 'Throttling.User', 'Request was denied due to user flow control.')
    }
    if (req.headers['x-acs-version'] !== '2017-05-25') {
      return error(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
    }
    // RPC parameters arrive in the query string (the official SDK) or a form body (our connector).
    const params = {
      ...Object.fromEntries(new URL(req.url ?? '/', 'http://fake').searchParams),
      ...Object.fromEntries(new URLSearchParams(body)),
    }
    switch (action) {
      case 'SendSms':
        return this.#send(
          answer,
          String(params.PhoneNumbers ?? '').split(','),
          (params.PhoneNumbers ?? '').split(',').map(() => params.SignName),
          params.TemplateCode,
          (params.PhoneNumbers ?? '').split(',').map(() => params.TemplateParam ?? '{}'),
          params.OutId ?? null
        )
      case 'SendBatchSms': {
        // Documented: PhoneNumberJson, SignNameJson (one per number), TemplateCode,
        // TemplateParamJson (optional; one object per number), SmsUpExtendCodeJson, OutId;
        // at most 100 numbers; the request is accepted or refused as a whole (one BizId).
        const list = (name: string) => {
          try {
            const value = JSON.parse(params[name] ?? '')
            return Array.isArray(value) ? value : null
          } catch {
            return null
          }
        }
        const phones = list('PhoneNumberJson')?.map(String) ?? null
        const signs = list('SignNameJson')?.map(String) ?? null
        const templateParams =
          params.TemplateParamJson === undefined ? undefined : list('TemplateParamJson')
        if (!params.PhoneNumberJson || !params.SignNameJson || !params.TemplateCode) {
          return answer(200, { Code: 'isv.INVALID_PARAMETERS', Message: '参数异常' })
        }
        if (!phones || !signs || templateParams === null) {
          return answer(200, { Code: 'isv.INVALID_JSON_PARAM', Message: 'JSON参数不合法' })
        }
        if (phones.length > 100) {
          return answer(200, {
            Code: 'isv.MOBILE_COUNT_OVER_LIMIT',
            Message: '手机号码数量超过限制',
          })
        }
        if (
          signs.length !== phones.length ||
          (templateParams && templateParams.length !== phones.length)
        ) {
          return answer(200, {
            Code: 'isv.INVALID_PARAMETERS',
            Message: '签名、模板变量的个数须与手机号码个数相同',
          })
        }
        if ((params.OutId ?? '').length >= 256) {
          return answer(200, { Code: 'isv.INVALID_PARAMETERS', Message: 'OutId 长度须小于 256' })
        }
        return this.#send(
          answer,
          phones,
          signs,
          params.TemplateCode,
          (templateParams ?? phones.map(() => ({}))).map((p) => JSON.stringify(p)),
          params.OutId ?? null
        )
      }
      case 'QuerySendDetails':
        return this.#query(answer, params)
      case 'QuerySmsSign': {
        const status = this.signs[params.SignName ?? '']
        if (status === undefined) {
          return answer(200, { Code: 'isv.SMS_SIGN_ILLEGAL', Message: '签名不存在' })
        }
        return answer(200, {
          Code: 'OK',
          Message: 'OK',
          SignName: params.SignName,
          SignStatus: status,
          Reason: status === 2 ? '签名不符合规范' : '',
          CreateDate: '2024-01-01 10:00:00',
        })
      }
      default:
        return error(
          404,
          'InvalidAction.NotFound',
          `Specified api is not found, please check your url and method.`
        )
    }
  }

  /**
   * Manual controls for a person trying the connector by hand (docs/plugins.md):
   * GET /_fake/sent, POST /_fake/push-reports?url=…, POST /_fake/push-reply?url=…&phone=…&content=…,
   * POST /_fake/throttle?count=…
   */
  async #control(url: URL, res: ServerResponse) {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
      res.end(JSON.stringify(body))
    }
    const target = url.searchParams.get('url') ?? ''
    try {
      switch (url.pathname) {
        case '/_fake/sent':
          return reply(200, this.sent)
        case '/_fake/push-reports':
          return reply(
            200,
            await this.pushReports(target, {
              delivered: url.searchParams.get('delivered') !== 'false',
            })
          )
        case '/_fake/push-reply':
          return reply(
            200,
            await this.pushReply(
              target,
              url.searchParams.get('phone') ?? '',
              url.searchParams.get('content') ?? 'R'
            )
          )
        case '/_fake/throttle':
          this.throttleNext(Number(url.searchParams.get('count') ?? 1))
          return reply(200, { ok: true })
        default:
          return reply(404, { error: 'unknown control' })
      }
    } catch (error) {
      return reply(502, { error: (error as Error).message })
    }
  }

  /**
   * QuerySendDetails: one PhoneNumber, a SendDate (yyyyMMdd, Beijing time, the last 30 days),
   * PageSize 1–50, CurrentPage; optional BizId. SendStatus 1 waiting for the receipt,
   * 2 failed, 3 delivered. The records carry OutId but not BizId.
   */
  #query(
    answer: (status: number, payload: Record<string, unknown>) => void,
    params: Record<string, string>
  ) {
    const pageSize = Number(params.PageSize)
    const page = Number(params.CurrentPage ?? 1)
    if (
      !params.PhoneNumber ||
      !/^\d{8}$/.test(params.SendDate ?? '') ||
      !(pageSize >= 1 && pageSize <= 50) ||
      !(page >= 1)
    ) {
      return answer(200, { Code: 'isv.INVALID_PARAMETERS', Message: '参数异常' })
    }
    const rows = this.sent.filter(
      (m) =>
        m.phone === params.PhoneNumber &&
        chinaTime(m.at).slice(0, 10).replaceAll('-', '') === params.SendDate &&
        (!params.BizId || m.bizId === params.BizId)
    )
    const pageRows = rows.slice((page - 1) * pageSize, page * pageSize)
    return answer(200, {
      Code: 'OK',
      Message: 'OK',
      TotalCount: String(rows.length),
      SmsSendDetailDTOs: {
        SmsSendDetailDTO: pageRows.map((m) => ({
          PhoneNum: m.phone,
          SendStatus: !m.reported ? 1 : m.delivered === false ? 2 : 3,
          ErrCode: !m.reported ? '' : m.delivered === false ? 'MK:0001' : 'DELIVERED',
          TemplateCode: m.templateCode,
          Content: m.content,
          SendDate: chinaTime(m.at),
          ReceiveDate: m.reported ? chinaTime(m.at) : '',
          OutId: m.outId ?? '',
        })),
      },
    })
  }

  #send(
    answer: (status: number, payload: Record<string, unknown>) => void,
    phones: string[],
    signNames: Array<string | undefined>,
    templateCode: string | undefined,
    templateParams: string[],
    outId: string | null
  ) {
    if (phones.length === 0 || phones.some((p) => !MOBILE.test(p.trim()))) {
      return answer(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' })
    }
    if (phones.length > 1000) {
      return answer(200, { Code: 'isv.MOBILE_COUNT_OVER_LIMIT', Message: '手机号码数量超过限制' })
    }
    if (signNames.some((s) => this.signs[s ?? ''] !== 1)) {
      return answer(200, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '该账号下找不到对应签名' })
    }
    const needs = this.templates[templateCode ?? '']
    if (!needs) {
      return answer(200, { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '该账号下找不到对应模板' })
    }
    const parsed: Array<Record<string, string>> = []
    for (const raw of templateParams) {
      let value: Record<string, string>
      try {
        value = JSON.parse(raw)
      } catch {
        return answer(200, { Code: 'isv.INVALID_JSON_PARAM', Message: 'JSON参数不合法' })
      }
      if (needs.some((name) => !value || value[name] === undefined || value[name] === '')) {
        return answer(200, {
          Code: 'isv.TEMPLATE_MISSING_PARAMETERS',
          Message: '模板变量缺少对应参数值',
        })
      }
      parsed.push(value)
    }
    const minuteAgo = Date.now() - 60_000
    for (const phone of phones) {
      const recent = this.sent.filter((m) => m.phone === phone && m.at.getTime() > minuteAgo)
      if (recent.length >= this.perNumberPerMinute) {
        return answer(200, {
          Code: 'isv.BUSINESS_LIMIT_CONTROL',
          Message: '触发分钟级流控Permits:1',
        })
      }
    }
    if (this.quota < phones.length) {
      return answer(200, { Code: 'isv.AMOUNT_NOT_ENOUGH', Message: '账户余额不足' })
    }
    this.quota -= phones.length
    const bizId = `${Math.floor(Math.random() * 1e15)}^0`
    phones.forEach((phone, index) =>
      this.sent.push({
        bizId,
        phone: phone.trim(),
        signName: String(signNames[index]),
        templateCode: templateCode!,
        params: parsed[index] ?? {},
        outId,
        at: new Date(),
        reported: false,
        delivered: null,
        content: `【${signNames[index]}】${templateCode} ${JSON.stringify(parsed[index] ?? {})}`,
      })
    )
    return answer(200, { Code: 'OK', Message: 'OK', BizId: bizId })
  }

  /** The gateway's checks, in its order; null when the request is authentic. */
  #verify(req: IncomingMessage, body: string) {
    const header = String(req.headers.authorization ?? '')
    const match =
      /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
        header
      )
    if (!match) {
      return {
        status: 400,
        code: 'IncompleteSignature',
        message: 'The request signature does not conform to Aliyun standards.',
      }
    }
    const [, accessKeyId, signedHeaders, signature] = match
    if (accessKeyId !== this.accessKeyId) {
      return {
        status: 404,
        code: 'InvalidAccessKeyId.NotFound',
        message: 'Specified access key is not found.',
      }
    }
    const names = signedHeaders.split(';')
    const required = [
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]
    const presentAcs = Object.keys(req.headers).filter((n) => n.startsWith('x-acs-'))
    if (required.some((n) => !names.includes(n)) || presentAcs.some((n) => !names.includes(n))) {
      return {
        status: 400,
        code: 'IncompleteSignature',
        message: 'Every x-acs-* header and host must be signed.',
      }
    }
    const contentHash = createHash('sha256').update(body).digest('hex')
    if (req.headers['x-acs-content-sha256'] !== contentHash) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: 'x-acs-content-sha256 does not match the body.',
      }
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    const query = [...url.searchParams.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
      .join('&')
    const canonicalHeaders = [...names]
      .sort()
      .map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`)
      .join('')
    const canonical = [
      req.method,
      url.pathname,
      query,
      canonicalHeaders,
      names.join(';'),
      contentHash,
    ].join('\n')
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`
    const expected = createHmac('sha256', this.accessKeySecret).update(stringToSign).digest('hex')
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
      }
    }
    const date = Date.parse(String(req.headers['x-acs-date'] ?? ''))
    if (Number.isNaN(date) || Math.abs(Date.now() - date) > this.clockSkewMs) {
      return {
        status: 400,
        code: 'InvalidTimeStamp.Expired',
        message: 'Specified time stamp or date value is expired.',
      }
    }
    const nonce = String(req.headers['x-acs-signature-nonce'])
    if (this.#nonces.has(nonce)) {
      return {
        status: 400,
        code: 'SignatureNonceUsed',
        message: 'Specified signature nonce was used already.',
      }
    }
    this.#nonces.add(nonce)
    return null
  }
}

function rfc3986(value: string) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}
