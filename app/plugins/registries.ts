import type { ErpConnector, MessageChannel, WebhookHandler } from '#app/plugins/sdk/index'

/** Registered providers by id; a plugin that is disabled or fails takes its own out again. */
class Registry<T extends { id: string }> {
  #items = new Map<string, { item: T; pluginId: string }>()

  constructor(readonly kind: string) {}

  add(pluginId: string, item: T) {
    if (!item || typeof item.id !== 'string' || item.id.length === 0) {
      throw new Error(`${this.kind} registered without an id`)
    }
    const existing = this.#items.get(item.id)
    if (existing && existing.pluginId !== pluginId) {
      throw new Error(`${this.kind} "${item.id}" is already registered by ${existing.pluginId}`)
    }
    this.#items.set(item.id, { item, pluginId })
  }

  get(id: string): T | null {
    return this.#items.get(id)?.item ?? null
  }

  list(): T[] {
    return [...this.#items.values()].map((entry) => entry.item)
  }

  /** Each item with the plugin that registered it. */
  entries(): Array<{ item: T; pluginId: string }> {
    return [...this.#items.values()]
  }

  ownedBy(pluginId: string): T[] {
    return [...this.#items.values()].filter((e) => e.pluginId === pluginId).map((e) => e.item)
  }

  removePlugin(pluginId: string) {
    for (const [id, entry] of this.#items) if (entry.pluginId === pluginId) this.#items.delete(id)
  }
}

export const channelRegistry = new Registry<MessageChannel>('channel')
export const erpRegistry = new Registry<ErpConnector>('ERP connector')

/** Webhook handlers by plugin, method and path; served under /hooks/<plugin-id>/<path>. */
class WebhookTable {
  #handlers = new Map<string, WebhookHandler>()

  add(pluginId: string, method: 'GET' | 'POST', path: string, handler: WebhookHandler) {
    const clean = path.replace(/^\/+|\/+$/g, '')
    if (!/^[A-Za-z0-9_\-/.]*$/.test(clean)) throw new Error(`invalid webhook path "${path}"`)
    this.#handlers.set(`${pluginId} ${method} ${clean}`, handler)
  }

  find(pluginId: string, method: string, path: string): WebhookHandler | null {
    const clean = path.replace(/^\/+|\/+$/g, '')
    return this.#handlers.get(`${pluginId} ${method.toUpperCase()} ${clean}`) ?? null
  }

  paths(pluginId: string): Array<{ method: string; path: string }> {
    return [...this.#handlers.keys()]
      .filter((key) => key.startsWith(`${pluginId} `))
      .map((key) => {
        const [, method, path] = key.split(' ')
        return { method, path }
      })
  }

  removePlugin(pluginId: string) {
    for (const key of this.#handlers.keys())
      if (key.startsWith(`${pluginId} `)) this.#handlers.delete(key)
  }
}

export const webhookTable = new WebhookTable()
