import { PLUGIN_API_VERSION, type PluginKind } from '#app/plugins/sdk/index'

/**
 * The files `node ace make:plugin <id> --kind …` writes: a plugin.json, an
 * entry that works against a simple JSON-over-HTTP provider, and a test
 * that runs it against a local fake of that provider. IT staff replace
 * the HTTP calls with their provider's and keep the shape.
 */
export interface ScaffoldFile {
  path: string
  contents: string
}

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

export function scaffoldPlugin(id: string, kind: PluginKind, hostVersion: string): ScaffoldFile[] {
  const [major, minor] = hostVersion.split('.')
  const host = major === '0' ? `^0.${minor}.0` : `^${major}.0.0`
  const manifest = {
    id,
    name: id,
    version: '0.1.0',
    host,
    apiVersion: PLUGIN_API_VERSION,
    provides: [kind],
    entry: 'index.js',
    onBootFailure: 'continue',
    description: `TODO: what ${id} connects to.`,
    config: [
      {
        name: 'url',
        type: 'url',
        required: true,
        label: { 'zh-CN': '接口地址', 'en': 'API URL' },
      },
      {
        name: 'apiKey',
        type: 'secret',
        required: true,
        label: { 'zh-CN': '密钥', 'en': 'API key' },
      },
      ...(kind === 'channel'
        ? [
            {
              name: 'ratePerSecond',
              type: 'number',
              default: 10,
              min: 1,
              max: 1000,
              label: { 'zh-CN': '每秒发送上限', 'en': 'Sends per second' },
            },
          ]
        : []),
    ],
  }
  return [
    { path: `plugins/${id}/plugin.json`, contents: JSON.stringify(manifest, null, 2) + '\n' },
    { path: `plugins/${id}/index.ts`, contents: ENTRY[kind](id) },
    {
      path: `tests/functional/plugins/${id.replaceAll('-', '_')}.spec.ts`,
      contents: TEST[kind](id),
    },
  ]
}

const HTTP_ERRORS = `/** Your provider's answers → the SDK's normalised errors (retried or not). */
function errorFor(status: number, body: any): PluginError {
  const message = \`HTTP \${status}: \${body?.message ?? ''}\`
  if (status === 401 || status === 403) return new PluginError('auth', message, String(status))
  if (status === 429) return new PluginError('rate_limited', message, String(status))
  if (status >= 500) return new PluginError('transient', message, String(status))
  return new PluginError('content_rejected', message, String(status))
}
`

const ENTRY: Record<PluginKind, (id: string) => string> = {
  channel: (
    id
  ) => `import { definePlugin, PluginError, type MessageChannel, type PluginContext } from '#plugin-sdk'

export interface Config {
  url: string
  apiKey: string
  ratePerSecond: number
}

${HTTP_ERRORS}
export function ${camel(id)}Channel(ctx: PluginContext<Config>): MessageChannel {
  return {
    id: ctx.id,
    capabilities: {
      channel: 'sms',
      batchSize: 1,
      receipts: 'push',
      inbound: 'none',
      categories: ['otp', 'notification', 'marketing'],
      ratePerSecond: ctx.config.ratePerSecond,
    },
    async send(message) {
      // retries: 0 — a send must not repeat by itself; the dispatcher retries what is retryable.
      const response = await ctx.http.request(\`\${ctx.config.url}/send\`, {
        method: 'POST',
        retries: 0,
        headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
        body: { to: message.to, template: message.template, text: message.text, ref: message.id },
      })
      if (response.status !== 200) return { ok: false, error: errorFor(response.status, response.json) }
      return { ok: true, providerMessageId: response.json?.id ?? null }
    },
  }
}

export default definePlugin<Config>({
  register(ctx) {
    ctx.registries.channels.register(${camel(id)}Channel(ctx))

    // Delivery receipts pushed to /hooks/${id}/receipt?key=<apiKey>
    ctx.webhooks.post('receipt', async (request) => {
      if (request.query.key !== ctx.config.apiKey) return { status: 401, body: { ok: false } }
      if (!request.body?.ref) return { status: 400, body: { ok: false } }
      await ctx.inbox.receipts([
        {
          outId: String(request.body.ref),
          providerMessageId: request.body.id ?? null,
          to: null,
          delivered: request.body.delivered === true,
          providerCode: request.body.code ?? null,
          description: null,
          reportedAt: new Date(),
        },
      ])
      return { status: 200, body: { ok: true } }
    })
  },

  async testConnection(ctx) {
    const response = await ctx.http.request(\`\${ctx.config.url}/ping\`, {
      headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
    })
    return { ok: response.status === 200, detail: \`ping answered HTTP \${response.status}\` }
  },
})
`,
  erp: (
    id
  ) => `import { definePlugin, PluginError, type ErpConnector, type PluginContext } from '#plugin-sdk'

export interface Config {
  url: string
  apiKey: string
}

${HTTP_ERRORS}
export function ${camel(id)}Connector(ctx: PluginContext<Config>): ErpConnector {
  const get = async (path: string, query: Record<string, string>) => {
    const url = new URL(\`\${ctx.config.url}\${path}\`)
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    const response = await ctx.http.request(url.toString(), {
      headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
    })
    if (response.status !== 200) throw errorFor(response.status, response.json)
    return response.json
  }
  return {
    id: ctx.id,
    capabilities: {
      maxWindowMinutes: 7 * 24 * 60,
      pageSize: 100,
      rowVersionCursor: false,
      stockWriteMode: 'none',
      ratePerSecond: 5,
    },
    async pullOrders({ from, to, cursor }) {
      const data = await get('/orders', { from: from.toISOString(), to: to.toISOString(), page: cursor ?? '1' })
      return {
        rows: (data.rows ?? []).map((row: any) => ({
          platformOrderNo: String(row.no),
          shopCode: String(row.shop),
          status: row.status, // TODO: map the ERP's statuses to Quanzi's
          orderedAt: new Date(row.ordered_at),
          paidFen: Number(row.paid_fen),
          goodsFen: Number(row.goods_fen ?? row.paid_fen),
          buyer: { phone: row.phone ?? null, erpCustomerId: row.customer_id ?? null, name: row.name ?? null },
          items: (row.items ?? []).map((item: any) => ({
            skuCode: String(item.sku),
            title: String(item.title ?? ''),
            quantity: Number(item.qty),
            priceFen: Number(item.price_fen),
          })),
        })),
        nextCursor: data.has_next ? String(Number(cursor ?? '1') + 1) : null,
      }
    },
    async pullRefunds({ from, to, cursor }) {
      const data = await get('/refunds', { from: from.toISOString(), to: to.toISOString(), page: cursor ?? '1' })
      return {
        rows: (data.rows ?? []).map((row: any) => ({
          platformRefundNo: String(row.no),
          platformOrderNo: String(row.order_no),
          shopCode: String(row.shop),
          amountFen: Number(row.amount_fen),
          status: row.status, // TODO: map the ERP's statuses to Quanzi's
          requestedAt: new Date(row.requested_at),
        })),
        nextCursor: data.has_next ? String(Number(cursor ?? '1') + 1) : null,
      }
    },
  }
}

export default definePlugin<Config>({
  register(ctx) {
    ctx.registries.erp.register(${camel(id)}Connector(ctx))
  },
  async testConnection(ctx) {
    const response = await ctx.http.request(\`\${ctx.config.url}/ping\`, {
      headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
    })
    return { ok: response.status === 200, detail: \`ping answered HTTP \${response.status}\` }
  },
})
`,
  notifier: (
    id
  ) => `import { definePlugin, PluginError, type Notifier, type PluginContext } from '#plugin-sdk'

export interface Config {
  url: string
  apiKey: string
}

${HTTP_ERRORS}
export function ${camel(id)}Notifier(ctx: PluginContext<Config>): Notifier {
  return {
    id: ctx.id,
    accepts: (kind) => kind.startsWith('digest.'),
    async deliver(notification) {
      const response = await ctx.http.request(\`\${ctx.config.url}/notify\`, {
        method: 'POST',
        headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
        body: { title: notification.title, body: notification.body, url: notification.url },
      })
      if (response.status !== 200) throw errorFor(response.status, response.json)
    },
  }
}

export default definePlugin<Config>({
  register(ctx) {
    ctx.registries.notifiers.register(${camel(id)}Notifier(ctx))
  },
  async testConnection(ctx) {
    const response = await ctx.http.request(\`\${ctx.config.url}/ping\`, {
      headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
    })
    return { ok: response.status === 200, detail: \`ping answered HTTP \${response.status}\` }
  },
})
`,
}

const FAKE = `/** A local fake of the provider: replace with one that speaks your provider's protocol. */
function startFake(handler: (path: string, body: any) => { status: number; body: unknown }) {
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', () => {
      if (req.headers.authorization !== 'Bearer test-key') {
        res.writeHead(401, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ message: 'bad key' }))
      }
      const answer = handler(req.url ?? '/', raw ? JSON.parse(raw) : null)
      res.writeHead(answer.status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer.body))
    })
  })
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ url: \`http://127.0.0.1:\${port}\`, close: () => server.close() })
    })
  )
}

function contextFor(url: string, apiKey = 'test-key') {
  return {
    id: 'ID',
    config: { url, apiKey, ratePerSecond: 10 },
    http: new PluginHttp({ timeoutMs: 2000, retries: 0, backoffMs: 10 }),
    logger,
  } as any
}
`

const TEST_HEAD = (id: string, names: string) => `import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { PluginHttp } from '#app/plugins/http_client'
import { ${names} } from '#plugins/${id}/index'

${FAKE.replace("'ID'", `'${id}'`)}`

const TEST: Record<PluginKind, (id: string) => string> = {
  channel: (id) => `${TEST_HEAD(id, `${camel(id)}Channel`)}
test.group('Plugins / ${id}', () => {
  test('sends through the provider and maps its errors', async ({ assert }) => {
    const fake = await startFake((path, body) =>
      path === '/send' && body.to === '13800138000'
        ? { status: 200, body: { id: 'p-1' } }
        : { status: 429, body: { message: 'slow down' } }
    )
    try {
      const channel = ${camel(id)}Channel(contextFor(fake.url))
      const message = { id: '1', idempotencyKey: 'k', to: '13800138000', category: 'otp' as const, template: { code: 'T1', params: { code: '1234' } }, text: null }
      assert.deepEqual(await channel.send(message), { ok: true, providerMessageId: 'p-1' })

      const throttled: any = await channel.send({ ...message, to: '13900139000' })
      assert.equal(throttled.error.code, 'rate_limited')
      assert.isTrue(throttled.error.retryable)

      const denied: any = await ${camel(id)}Channel(contextFor(fake.url, 'wrong')).send(message)
      assert.equal(denied.error.code, 'auth')
    } finally {
      fake.close()
    }
  })
})
`,
  erp: (id) => `${TEST_HEAD(id, `${camel(id)}Connector`)}
test.group('Plugins / ${id}', () => {
  test('pulls orders page by page', async ({ assert }) => {
    const fake = await startFake((path) => ({
      status: 200,
      body: path.includes('page=1')
        ? { has_next: true, rows: [{ no: 'A1', shop: 'tmall', status: 'paid', ordered_at: '2024-05-01T02:00:00Z', paid_fen: 9900, items: [{ sku: 'S1', qty: 1, price_fen: 9900 }] }] }
        : { has_next: false, rows: [] },
    }))
    try {
      const connector = ${camel(id)}Connector(contextFor(fake.url))
      const window = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') }
      const first = await connector.pullOrders({ ...window, cursor: null })
      assert.equal(first.rows[0].platformOrderNo, 'A1')
      assert.equal(first.rows[0].paidFen, 9900)
      assert.equal(first.nextCursor, '2')
      const second = await connector.pullOrders({ ...window, cursor: first.nextCursor })
      assert.isNull(second.nextCursor)
    } finally {
      fake.close()
    }
  })
})
`,
  notifier: (id) => `${TEST_HEAD(id, `${camel(id)}Notifier`)}
test.group('Plugins / ${id}', () => {
  test('posts digests and reports failures', async ({ assert }) => {
    const posted: any[] = []
    const fake = await startFake((path, body) => {
      posted.push({ path, ...body })
      return { status: 200, body: { ok: true } }
    })
    try {
      const notifier = ${camel(id)}Notifier(contextFor(fake.url))
      assert.isTrue(notifier.accepts('digest.daily'))
      await notifier.deliver({ kind: 'digest.daily', recipients: [], title: 'Daily', body: 'All good', url: null, createdAt: { toISO: () => null } })
      assert.deepInclude(posted[0], { path: '/notify', title: 'Daily' })
      await assert.rejects(() => ${camel(id)}Notifier(contextFor(fake.url, 'wrong')).deliver({ kind: 'digest.daily', recipients: [], title: 'x', body: 'y', url: null, createdAt: { toISO: () => null } }))
    } finally {
      fake.close()
    }
  })
})
`,
}
