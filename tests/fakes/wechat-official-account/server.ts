import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeHttpServer } from '#tests/fakes/_support/fake_http_server'
import { encryptMessage, sha1Signature, toXml } from '#plugins/wechat-official-account/crypto'

interface Follower {
  openid: string
  unionid: string | null
  subscribed: boolean
}

/**
 * A local stand-in for the WeChat Official Account API and its callback pushes:
 *
 * - `POST /cgi-bin/stable_token`: checks appid/secret (40013, 40125, 40002);
 *   without force_refresh the current token is answered while valid; with it
 *   a new token is issued and the old one stops working.
 * - `POST /cgi-bin/message/template/send` and `GET /cgi-bin/user/info`:
 *   check `access_token` (40001 unknown, 42001 expired), openid (40003),
 *   follow state (43004), template id (40037), JSON (47001); the same openid
 *   + client_msg_id is sent once; `throttleNext()` answers 45011.
 * - `POST /cgi-bin/message/subscribe/bizsend` (订阅通知): the same token
 *   checks; openid (40003), template id (40037), every keyword of the
 *   template present and within its type's rules (47003 naming the field),
 *   mini program page (41030); only to a user who accepted that template
 *   (43101 otherwise): a one-time acceptance allows one message, a
 *   long-term one any number, a refusal none.
 * - Pushes events the way WeChat does: GET URL verification with echostr,
 *   POST XML events in plain mode (signature) or safe mode (msg_signature +
 *   AES envelope).
 */
export class FakeWechatOa extends FakeHttpServer {
  readonly appId = 'wx5823bf96d3bd56c7'
  readonly appSecret = 'f8b2a7c1d4e5f60718293a4b5c6d7e8f'
  readonly token = 'QDG6eK'
  readonly encodingAesKey = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
  readonly originalId = 'gh_7f083739789a'

  followers = new Map<string, Follower>()
  templates = new Set<string>(['ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY'])
  /** 订阅通知 templates and their keywords (the type is the keyword's name without its number). */
  subscribeTemplates = new Map<string, string[]>([
    ['VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', ['thing1', 'character_string2', 'time3']],
  ])
  /** Mini program pages the bound mini program has (for `miniprogram.pagepath`). */
  miniprogramPages = new Set<string>(['pages/order/detail'])
  sent: Array<{
    msgid: number
    touser: string
    templateId: string
    data: any
    kind: 'template' | 'subscribe'
    page?: string
    miniprogram?: { appid: string; pagepath: string }
  }> = []
  tokenRequests: Array<{ forceRefresh: boolean }> = []
  /** Every access token is refused with 40001, however fresh. */
  refuseAllTokens = false

  #tokens = new Map<string, { expiresAt: number; revoked: boolean }>()
  #current: string | null = null
  #clientMsgIds = new Map<string, number>()
  #poisoned = new Set<string>()
  #nextMsgId = 200163836
  #throttle = 0
  /** `<openid>:<templateId>` → messages still allowed (Infinity: 长期订阅). */
  #subscriptions = new Map<string, number>()

  constructor() {
    super()
    this.follow('oia2TjuEGTNoeX76QEjQNrcURxG8', 'o6_bmasdasdsad6_2sgVt7hMZOPfL')
  }

  follow(openid: string, unionid: string | null = null) {
    this.followers.set(openid, { openid, unionid, subscribed: true })
  }

  unfollow(openid: string) {
    const follower = this.followers.get(openid)
    if (follower) follower.subscribed = false
  }

  /** The current token expires now (next call: 42001). */
  expireToken() {
    const token = this.#current && this.#tokens.get(this.#current)
    if (token) token.expiresAt = Date.now() - 1
  }

  /** The current token is invalidated elsewhere (next call: 40001). */
  revokeToken() {
    const token = this.#current && this.#tokens.get(this.#current)
    if (token) token.revoked = true
  }

  /** Another system forced a refresh: the token we hold stops working, a newer one is current. */
  rotateElsewhere() {
    if (this.#current) this.#tokens.get(this.#current)!.revoked = true
    this.#current = randomBytes(48).toString('base64url')
    this.#tokens.set(this.#current, { expiresAt: Date.now() + 7200_000, revoked: false })
  }

  /** API calls refuse the current token (40001) although stable_token still answers it. */
  poisonToken() {
    if (this.#current) this.#poisoned.add(this.#current)
  }

  /** The user accepted a subscribe-message template: once (一次性订阅) or for good (长期订阅). */
  acceptSubscription(openid: string, templateId: string, longTerm = false) {
    const key = `${openid}:${templateId}`
    const left = this.#subscriptions.get(key) ?? 0
    this.#subscriptions.set(key, longTerm ? Infinity : left + 1)
  }

  /** The user refused the template (popup, or 拒收 in 服务通知 later). */
  refuseSubscription(openid: string, templateId: string) {
    this.#subscriptions.set(`${openid}:${templateId}`, 0)
  }

  throttleNext(count = 1) {
    this.#throttle += count
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const answer = (body: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' })
      res.end(JSON.stringify(body))
    }
    const error = (errcode: number, errmsg: string) =>
      answer({ errcode, errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}` })
    let body: any = null
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw)
      } catch {
        return error(47001, 'data format error')
      }
    }

    if (url.pathname === '/cgi-bin/stable_token' && req.method === 'POST') {
      if (body.grant_type !== 'client_credential') return error(40002, 'invalid grant_type')
      if (body.appid !== this.appId) return error(40013, 'invalid appid')
      if (body.secret !== this.appSecret) return error(40125, 'invalid appsecret')
      const forceRefresh = body.force_refresh === true
      this.tokenRequests.push({ forceRefresh })
      const current = this.#current && this.#tokens.get(this.#current)
      if (!forceRefresh && current && !current.revoked && current.expiresAt > Date.now()) {
        const left = Math.floor((current.expiresAt - Date.now()) / 1000)
        return answer({ access_token: this.#current, expires_in: left })
      }
      if (this.#current) this.#tokens.get(this.#current)!.revoked = true
      this.#current = randomBytes(48).toString('base64url')
      this.#tokens.set(this.#current, { expiresAt: Date.now() + 7200_000, revoked: false })
      return answer({ access_token: this.#current, expires_in: 7200 })
    }

    const known = [
      '/cgi-bin/message/template/send',
      '/cgi-bin/message/subscribe/bizsend',
      '/cgi-bin/user/info',
    ]
    if (!known.includes(url.pathname)) {
      res.writeHead(404)
      return res.end()
    }
    const accessToken = url.searchParams.get('access_token')
    if (!accessToken) return error(41001, 'access_token missing')
    const token = this.#tokens.get(accessToken)
    if (!token || token.revoked || this.refuseAllTokens || this.#poisoned.has(accessToken)) {
      return error(40001, 'invalid credential, access_token is invalid or not latest')
    }
    if (token.expiresAt <= Date.now()) return error(42001, 'access_token expired')
    if (this.#throttle > 0) {
      this.#throttle--
      return error(45011, 'api minute-quota reach limit')
    }

    if (url.pathname === '/cgi-bin/user/info' && req.method === 'GET') {
      const follower = this.followers.get(url.searchParams.get('openid') ?? '')
      if (!follower) return error(40003, 'invalid openid')
      if (!follower.subscribed) {
        return answer({ subscribe: 0, openid: follower.openid, unionid: follower.unionid })
      }
      return answer({
        subscribe: 1,
        openid: follower.openid,
        language: 'zh_CN',
        subscribe_time: 1382694957,
        ...(follower.unionid ? { unionid: follower.unionid } : {}),
        remark: '',
        groupid: 0,
        tagid_list: [],
        subscribe_scene: 'ADD_SCENE_QR_CODE',
        qr_scene: 0,
        qr_scene_str: '',
      })
    }

    if (url.pathname === '/cgi-bin/message/template/send' && req.method === 'POST') {
      const follower = this.followers.get(String(body.touser ?? ''))
      if (!follower) return error(40003, 'invalid openid')
      if (!follower.subscribed) return error(43004, 'require subscribe')
      if (!this.templates.has(String(body.template_id ?? ''))) {
        return error(40037, 'invalid template_id')
      }
      if (!body.data || typeof body.data !== 'object') return error(47003, 'argument invalid!')
      const dedupe = body.client_msg_id ? `${follower.openid}:${body.client_msg_id}` : null
      if (dedupe && this.#clientMsgIds.has(dedupe)) {
        return answer({ errcode: 0, errmsg: 'ok', msgid: this.#clientMsgIds.get(dedupe) })
      }
      const msgid = this.#nextMsgId++
      if (dedupe) this.#clientMsgIds.set(dedupe, msgid)
      this.sent.push({
        msgid,
        touser: follower.openid,
        templateId: body.template_id,
        data: body.data,
        kind: 'template',
      })
      return answer({ errcode: 0, errmsg: 'ok', msgid })
    }

    if (url.pathname === '/cgi-bin/message/subscribe/bizsend' && req.method === 'POST') {
      const follower = this.followers.get(String(body.touser ?? ''))
      if (!follower) return error(40003, 'invalid openid')
      const keywords = this.subscribeTemplates.get(String(body.template_id ?? ''))
      if (!keywords) return error(40037, 'invalid template_id')
      if (!body.data || typeof body.data !== 'object') return error(47003, 'argument invalid! data')
      for (const keyword of keywords) {
        const problem = keywordProblem(keyword, body.data[keyword]?.value)
        if (problem) return error(47003, `argument invalid! data.${keyword}.value ${problem}`)
      }
      if (body.miniprogram !== undefined) {
        const pagePath = String(body.miniprogram?.pagepath ?? '').split('?')[0]
        if (!body.miniprogram?.appid || !this.miniprogramPages.has(pagePath)) {
          return error(41030, 'invalid page')
        }
      }
      const key = `${follower.openid}:${body.template_id}`
      const left = this.#subscriptions.get(key) ?? 0
      if (left <= 0) return error(43101, 'user refuse to accept the msg')
      this.#subscriptions.set(key, left - 1)
      const msgid = this.#nextMsgId++
      this.sent.push({
        msgid,
        touser: follower.openid,
        templateId: body.template_id,
        data: body.data,
        kind: 'subscribe',
        ...(body.page ? { page: String(body.page) } : {}),
        ...(body.miniprogram ? { miniprogram: body.miniprogram } : {}),
      })
      return answer({ errcode: 0, errmsg: 'ok', msgid })
    }
    res.writeHead(405)
    res.end()
  }

  /** 服务器配置 → 提交: GET with signature, timestamp, nonce and echostr. */
  async verifyUrl(callbackUrl: string, token = this.token) {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = String(Math.floor(Math.random() * 1e9))
    const echostr = randomBytes(9).toString('hex')
    const url = new URL(callbackUrl)
    url.searchParams.set('signature', sha1Signature(token, timestamp, nonce))
    url.searchParams.set('timestamp', timestamp)
    url.searchParams.set('nonce', nonce)
    url.searchParams.set('echostr', echostr)
    const response = await fetch(url)
    return { status: response.status, body: await response.text(), echostr }
  }

  /** Pushes an event as WeChat does, in plain mode or (encrypted) safe mode. */
  async pushEvent(
    callbackUrl: string,
    fields: Record<string, string | number>,
    options: { encrypted?: boolean; token?: string; rawBody?: string; innerXml?: string } = {}
  ) {
    const token = options.token ?? this.token
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = String(Math.floor(Math.random() * 1e9))
    const flat = toXml({ ToUserName: this.originalId, CreateTime: Number(timestamp), ...fields })
    // Nested parts (subscribe-message events' <List> blocks) go in as XML.
    const plain = options.innerXml ? flat.replace(/<\/xml>$/, `${options.innerXml}</xml>`) : flat
    const url = new URL(callbackUrl)
    url.searchParams.set('signature', sha1Signature(token, timestamp, nonce))
    url.searchParams.set('timestamp', timestamp)
    url.searchParams.set('nonce', nonce)
    url.searchParams.set('openid', String(fields.FromUserName ?? ''))
    let body = options.rawBody ?? plain
    if (options.encrypted) {
      const encrypted = encryptMessage(this.encodingAesKey, this.appId, plain)
      url.searchParams.set('encrypt_type', 'aes')
      url.searchParams.set('msg_signature', sha1Signature(token, timestamp, nonce, encrypted))
      body = toXml({ ToUserName: this.originalId, Encrypt: encrypted })
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body,
    })
    return { status: response.status, body: await response.text() }
  }

  /** A follower's text message to the account (MsgType text), as WeChat forwards it. */
  async pushText(
    callbackUrl: string,
    openid: string,
    content: string,
    options: { encrypted?: boolean; token?: string } = {}
  ) {
    this.#nextTextId += 1
    return this.pushEvent(
      callbackUrl,
      { FromUserName: openid, MsgType: 'text', Content: content, MsgId: this.#nextTextId },
      options
    )
  }
  #nextTextId = 23_000_000_000

  /** TEMPLATESENDJOBFINISH for a message the fake accepted. */
  async pushTemplateFinished(callbackUrl: string, msgid: number, status = 'success') {
    const sent = this.sent.find((row) => row.msgid === msgid)
    return this.pushEvent(callbackUrl, {
      FromUserName: sent?.touser ?? '',
      MsgType: 'event',
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: msgid,
      Status: status,
    })
  }

  /** subscribe_msg_popup_event: the user's answer to a subscribe popup, one <List> per template. */
  async pushSubscribePopup(
    callbackUrl: string,
    openid: string,
    choices: Array<{ templateId: string; accept: boolean }>,
    options: { encrypted?: boolean } = {}
  ) {
    for (const choice of choices) {
      if (choice.accept) this.acceptSubscription(openid, choice.templateId)
      else this.refuseSubscription(openid, choice.templateId)
    }
    const lists = choices
      .map((choice) =>
        listXml({
          TemplateId: choice.templateId,
          SubscribeStatusString: choice.accept ? 'accept' : 'reject',
          PopupScene: 2,
        })
      )
      .join('')
    return this.pushEvent(
      callbackUrl,
      { FromUserName: openid, MsgType: 'event', Event: 'subscribe_msg_popup_event' },
      { ...options, innerXml: `<SubscribeMsgPopupEvent>${lists}</SubscribeMsgPopupEvent>` }
    )
  }

  /** subscribe_msg_sent_event: the outcome of a subscribe message the fake accepted. */
  async pushSubscribeSent(callbackUrl: string, msgid: number, errorCode = 0) {
    const sent = this.sent.find((row) => row.msgid === msgid)
    const list = listXml({
      TemplateId: sent?.templateId ?? '',
      MsgID: String(msgid),
      ErrorCode: errorCode,
      ErrorStatus: errorCode === 0 ? 'success' : 'fail:user refuse',
    })
    return this.pushEvent(
      callbackUrl,
      { FromUserName: sent?.touser ?? '', MsgType: 'event', Event: 'subscribe_msg_sent_event' },
      { innerXml: `<SubscribeMsgSentEvent>${list}</SubscribeMsgSentEvent>` }
    )
  }
}

/** One `<List>` block: the flat fields of `toXml` inside it. */
function listXml(fields: Record<string, string | number>): string {
  return toXml(fields)
    .replace(/^<xml>/, '<List>')
    .replace(/<\/xml>$/, '</List>')
}

/**
 * WeChat's rules for a subscribe-message keyword value, by the keyword's type
 * (thing ≤ 20 characters, character_string ≤ 32 letters, digits and symbols,
 * time a date and time …); null when the value is acceptable.
 */
function keywordProblem(keyword: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'is empty'
  const type = keyword.replace(/\d+$/, '')
  const length = [...value].length
  switch (type) {
    case 'thing':
      return length > 20 ? 'is too long' : null
    case 'character_string':
      return length > 32 || !/^[\x21-\x7e]+$/.test(value) ? 'invalid' : null
    case 'number':
      return length > 32 || !/^\d+(\.\d+)?$/.test(value) ? 'invalid' : null
    case 'phrase':
      return length > 5 || !/^\p{Script=Han}+$/u.test(value) ? 'invalid' : null
    case 'time':
      return /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(value) ||
        /^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/.test(value)
        ? null
        : 'invalid'
    default:
      return length > 20 ? 'is too long' : null
  }
}
