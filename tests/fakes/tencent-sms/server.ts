import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeHttpServer, postJson, chinaTime } from '#tests/fakes/_support/fake_http_server'

/**
 * A local stand-in for Tencent Cloud SMS (API 2021-01-11). Recomputes the
 * TC3-HMAC-SHA256 signature from the request as received (its own code),
 * refuses timestamps more than five minutes off, answers SendSms with one
 * status per number (Ok or the per-number error code) and
 * PullSmsSendStatus, throttles on demand, and posts status reports and
 * replies the way the console's callbacks do.
 */
export interface FakeTencentSent {
  serialNo: string
  phone: string
  templateId: string
  params: string[]
  sessionContext: string
  reported: boolean
}

export class FakeTencentSms extends FakeHttpServer {
  readonly secretId = 'AKIDfakeTencentSecretId'
  readonly secretKey = 'fake-tencent-secret-key'
  readonly sdkAppId = '1400000001'
  signs = new Set(['圈子商城'])
  /** Template id → number of positional parameters. */
  templates: Record<string, number> = { '1000001': 1 }
  blacklist = new Set<string>()
  /**
   * The credential scope names the service (`sms`). The official SDK takes it from the endpoint's
   * first label, which is `127` for a local fake; tests of the SDK switch this check off.
   */
  acceptAnyService = false
  sent: FakeTencentSent[] = []
  requests: Array<{ action: string; code: string }> = []
  #throttle = 0
  /** The server's own clock (a test may move the client's). */
  readonly #clock = Date.now

  throttleNext(count = 1) {
    this.#throttle = count
  }

  /**
   * The next `count` sends to `phone` (+86…) get the per-number status
   * `LimitExceeded.PhoneNumberThirtySecondLimit` while the rest of the
   * request succeeds — a partial failure within one SendSms call.
   */
  throttleNumber(phone: string, count = 1) {
    this.#numberThrottle.set(phone, count)
  }
  #numberThrottle = new Map<string, number>()

  async pushReports(url: string, delivered = true) {
    const rows = this.sent
      .filter((m) => !m.reported)
      .map((m) => {
        m.reported = true
        return {
          user_receive_time: chinaTime(new Date()),
          nationcode: '86',
          mobile: m.phone.replace(/^\+86/, ''),
          report_status: delivered ? 'SUCCESS' : 'FAIL',
          errmsg: delivered ? 'DELIVRD' : 'MK:0001',
          description: delivered ? '用户短信送达成功' : '用户短信未送达',
          sid: m.serialNo,
        }
      })
    return postJson(url, rows)
  }

  async pushReply(url: string, mobile: string, text: string) {
    return postJson(url, {
      extend: '',
      mobile,
      nationcode: '86',
      sign: [...this.signs][0],
      text,
      time: Math.floor(Date.now() / 1000),
    })
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const action = String(req.headers['x-tc-action'] ?? '')
    const reply = (payload: Record<string, unknown>, code = 'Ok') => {
      this.requests.push({ action, code })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Response: { ...payload, RequestId: randomUUID() } }))
    }
    const error = (code: string, message: string) =>
      reply({ Error: { Code: code, Message: message } }, code)

    const auth = this.#verify(req, body)
    if (auth) return error(auth.code, auth.message)
    if (this.#throttle > 0) {
      this.#throttle--
      return error('RequestLimitExceeded', '请求的次数超过了频率限制。')
    }
    if (req.headers['x-tc-version'] !== '2021-01-11') {
      return error('InvalidParameterValue', 'The value of X-TC-Version is not supported.')
    }
    let params: any
    try {
      params = JSON.parse(body)
    } catch {
      return error('FailedOperation.JsonParseFail', '解析请求包体时候失败。')
    }
    if (params.SmsSdkAppId !== this.sdkAppId) {
      return error('FailedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId 校验失败。')
    }
    if (action === 'PullSmsSendStatus') return reply({ PullSmsSendStatusSet: [] })
    if (action !== 'SendSms')
      return error('InvalidAction', `${action} is not an action of sms 2021-01-11`)

    const phones: string[] = params.PhoneNumberSet ?? []
    if (phones.length === 0 || phones.length > 200) {
      return error('LimitExceeded.PhoneNumberCountLimit', '单次提交的手机号个数超过200个。')
    }
    if (!this.signs.has(params.SignName)) {
      return error('FailedOperation.SignatureIncorrectOrUnapproved', '签名未审批或格式错误。')
    }
    const needs = this.templates[params.TemplateId]
    if (needs === undefined) {
      return error('FailedOperation.TemplateIncorrectOrUnapproved', '模板未审批或内容不匹配。')
    }
    if ((params.TemplateParamSet ?? []).length !== needs) {
      return error('InvalidParameterValue.TemplateParameterFormatError', '验证码模板参数格式错误。')
    }
    const statuses = phones.map((phone) => {
      const base = {
        PhoneNumber: phone,
        IsoCode: 'CN',
        SessionContext: params.SessionContext ?? '',
      }
      if (!/^\+861[3-9]\d{9}$/.test(phone)) {
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'InvalidParameterValue.IncorrectPhoneNumber',
          Message: '手机号格式错误。',
        }
      }
      const throttled = this.#numberThrottle.get(phone) ?? 0
      if (throttled > 0) {
        this.#numberThrottle.set(phone, throttled - 1)
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'LimitExceeded.PhoneNumberThirtySecondLimit',
          Message: '单个手机号30秒内下发短信条数超过设定的上限。',
        }
      }
      if (this.blacklist.has(phone)) {
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'FailedOperation.PhoneNumberInBlacklist',
          Message: '手机号在免打扰名单库中。',
        }
      }
      const serialNo = `${Date.now()}:${Math.floor(Math.random() * 1e12)}`
      this.sent.push({
        serialNo,
        phone,
        templateId: params.TemplateId,
        params: params.TemplateParamSet ?? [],
        sessionContext: params.SessionContext ?? '',
        reported: false,
      })
      return { ...base, SerialNo: serialNo, Fee: 1, Code: 'Ok', Message: 'send success' }
    })
    return reply({ SendStatusSet: statuses })
  }

  #verify(req: IncomingMessage, body: string) {
    const header = String(req.headers.authorization ?? '')
    const match =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        header
      )
    if (!match)
      return { code: 'AuthFailure.SignatureFailure', message: 'Authorization is malformed.' }
    const [, secretId, date, service, signedHeaders, signature] = match
    if (secretId !== this.secretId) {
      return { code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found.' }
    }
    if (service !== 'sms' && !this.acceptAnyService) {
      return {
        code: 'AuthFailure.SignatureFailure',
        message: `Credential scope names service ${service}, not sms.`,
      }
    }
    const names = signedHeaders.split(';')
    if (!names.includes('content-type') || !names.includes('host')) {
      return {
        code: 'AuthFailure.SignatureFailure',
        message: 'content-type and host must be signed.',
      }
    }
    const timestamp = Number(req.headers['x-tc-timestamp'])
    if (!Number.isFinite(timestamp) || Math.abs(this.#clock() / 1000 - timestamp) > 300) {
      return { code: 'AuthFailure.SignatureExpire', message: 'Signature expired.' }
    }
    const hash = (value: string) => createHash('sha256').update(value).digest('hex')
    const canonical = [
      req.method,
      '/',
      new URL(req.url ?? '/', 'http://fake').search.replace(/^\?/, ''),
      names.map((n) => `${n}:${headerValue(req, n)}\n`).join(''),
      signedHeaders,
      hash(body),
    ].join('\n')
    const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${hash(canonical)}`
    const mac = (key: string | Buffer, value: string) =>
      createHmac('sha256', key).update(value).digest()
    const key = mac(mac(mac(`TC3${this.secretKey}`, date), service), 'tc3_request')
    const expected = createHmac('sha256', key).update(toSign).digest('hex')
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
      return {
        code: 'AuthFailure.SignatureFailure',
        message: 'The provided credentials could not be validated.',
      }
    }
    return null
  }
}

/** Signed header values as the API sees them: the Host without a port (it listens on 443). */
function headerValue(req: IncomingMessage, name: string) {
  const value = String(req.headers[name] ?? '')
    .trim()
    .toLowerCase()
  return name === 'host' ? value.replace(/:\d+$/, '') : value
}
