import { existsSync, readFileSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import type {
  PluginContext,
  PluginDefinition,
  PluginKind,
  PluginManifest,
  TestConnectionResult,
} from '#app/plugins/sdk/index'
import { incompatibility, ManifestError, readManifest } from '#app/plugins/manifest'
import { ConfigError, openConfig, validateConfig } from '#app/plugins/plugin_config'
import { channelRegistry, erpRegistry, webhookTable } from '#app/plugins/registries'
import { PluginHttp } from '#app/plugins/http_client'
import { PluginKv } from '#app/plugins/kv_store'
import { staffNotifiers } from '#app/shared/notifications/staff_notifiers'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { createInbox } from '#app/plugins/messaging/inbox'

/**
 * active: registered and ready. disabled: switched off by an admin.
 * unconfigured: needs its settings filled in. failed: could not be loaded,
 * validated or booted — the reason says why; the rest of Quanzi runs on.
 */
export type PluginStatus = 'active' | 'disabled' | 'unconfigured' | 'failed'

export interface PluginState {
  /** The manifest id, or the folder name when plugin.json is unusable. */
  id: string
  name: string
  version: string
  dir: string
  source: 'bundled' | 'external'
  status: PluginStatus
  reason: string | null
  manifest: PluginManifest | null
  definition: PluginDefinition<any> | null
  context: PluginContext<any> | null
}

const READY_TIMEOUT_MS = 15_000

/** Thrown from `load` when a plugin with `onBootFailure: "abort"` fails: the app must not start. */
export class PluginAbortError extends Error {}

/**
 * Finds plugins in `plugins/` and in `QUANZI_PLUGINS_DIR`, reads and checks
 * each plugin.json before importing any code, validates the configuration
 * an admin saved, registers the plugin's providers and runs its `ready`.
 * Whatever goes wrong with one plugin disables that plugin only.
 */
export class PluginHost {
  #states = new Map<string, PluginState>()
  #loading: Promise<void> | null = null
  #dirs: string[] | null = null

  /** Where plugins are looked for: the bundled folder, then the extra one from the environment. */
  defaultDirs(): string[] {
    const dirs = [app.makePath('plugins')]
    const extra = env.get('QUANZI_PLUGINS_DIR')
    if (extra) dirs.push(isAbsolute(extra) ? extra : resolve(app.makePath(), extra))
    return dirs
  }

  get hostVersion(): string {
    const pkg = JSON.parse(readFileSync(app.makePath('package.json'), 'utf8'))
    return pkg.version
  }

  list(): PluginState[] {
    // Stable: for a duplicate id, the one loaded first comes first.
    return [...this.#states.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  get(id: string): PluginState | null {
    return this.#states.get(id) ?? null
  }

  get loaded(): boolean {
    return this.#loading !== null
  }

  /** Loads once per process (the web app at boot; a worker on first use). */
  async ensureLoaded() {
    if (!this.#loading) this.#loading = this.load()
    await this.#loading
  }

  /** Shuts down what is loaded, then discovers and loads every plugin in `dirs`. */
  async load(dirs: string[] = this.defaultDirs()) {
    await this.shutdown()
    this.#dirs = dirs
    const found = await this.#discover(dirs)
    const settings = await this.#settings()
    for (const { dir, source } of found) {
      const state = await this.#loadOne(dir, source, settings)
      if (state.status === 'failed') {
        logger.error({ plugin: state.id, dir, reason: state.reason }, 'plugin disabled')
        if (state.manifest?.onBootFailure === 'abort') {
          throw new PluginAbortError(`plugin ${state.id} failed and asks to abort: ${state.reason}`)
        }
      } else {
        logger.info({ plugin: state.id, status: state.status }, 'plugin loaded')
      }
    }
    this.#loading = Promise.resolve()
  }

  /** After an admin enables, disables or configures one plugin. */
  async reload(id: string) {
    const current = this.#states.get(id)
    if (!current) return null
    await this.#stop(current)
    this.#states.delete(id)
    const state = await this.#loadOne(current.dir, current.source, await this.#settings())
    if (state.status === 'failed') {
      logger.error({ plugin: id, reason: state.reason }, 'plugin disabled')
    }
    return state
  }

  async testConnection(id: string): Promise<TestConnectionResult> {
    const state = this.#states.get(id)
    if (!state || state.status !== 'active' || !state.definition || !state.context) {
      return { ok: false, detail: state?.reason ?? 'not active' }
    }
    if (!state.definition.testConnection) {
      return { ok: false, detail: 'this plugin has no connection test' }
    }
    try {
      return await state.definition.testConnection(state.context)
    } catch (error) {
      return { ok: false, detail: (error as Error).message }
    }
  }

  async shutdown() {
    for (const state of this.#states.values()) await this.#stop(state)
    this.#states.clear()
    this.#loading = null
  }

  get dirs() {
    return this.#dirs ?? this.defaultDirs()
  }

  async #discover(dirs: string[]) {
    const found: Array<{ dir: string; source: 'bundled' | 'external' }> = []
    for (const [index, root] of dirs.entries()) {
      if (!existsSync(root)) {
        if (index > 0) logger.warn({ dir: root }, 'QUANZI_PLUGINS_DIR does not exist')
        continue
      }
      const entries = await readdir(root)
      for (const name of entries.sort()) {
        const dir = join(root, name)
        const info = await stat(dir)
        if (!info.isDirectory()) continue
        if (!existsSync(join(dir, 'plugin.json'))) continue
        found.push({ dir, source: index === 0 ? 'bundled' : 'external' })
      }
    }
    return found
  }

  async #settings(): Promise<Map<string, PluginSetting>> {
    try {
      const rows = await PluginSetting.all()
      return new Map(rows.map((row) => [row.pluginId, row]))
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'plugin settings unavailable; using defaults')
      return new Map()
    }
  }

  async #loadOne(
    dir: string,
    source: 'bundled' | 'external',
    settings: Map<string, PluginSetting>
  ): Promise<PluginState> {
    const folder = dir.split(/[\\/]/).pop()!
    const state: PluginState = {
      id: folder,
      name: folder,
      version: '-',
      dir,
      source,
      status: 'failed',
      reason: null,
      manifest: null,
      definition: null,
      context: null,
    }
    const fail = (reason: string) => {
      state.status = 'failed'
      state.reason = reason
      return this.#put(state)
    }

    let manifest: PluginManifest
    try {
      manifest = await readManifest(dir)
    } catch (error) {
      if (error instanceof ManifestError) return fail(error.message)
      throw error
    }
    state.id = manifest.id
    state.name = manifest.name
    state.version = manifest.version
    state.manifest = manifest
    const existing = this.#states.get(manifest.id)
    if (existing && existing.dir !== dir) {
      // Keep the first one found (bundled wins over the extra folder); list the other as failed.
      state.status = 'failed'
      state.reason = `duplicate id: already loaded from ${existing.dir}`
      this.#states.set(`${manifest.id}@${dir}`, state)
      return state
    }

    const incompatible = incompatibility(manifest, this.hostVersion)
    if (incompatible) return fail(incompatible)

    const setting = settings.get(manifest.id)
    if (setting && !setting.enabled) {
      state.status = 'disabled'
      state.reason = 'disabled by an admin'
      return this.#put(state)
    }

    let config: Record<string, unknown>
    try {
      const stored = openConfig(manifest.config, setting?.config ?? {})
      config = await validateConfig(manifest.config, stored)
    } catch (error) {
      if (!(error instanceof ConfigError)) return fail(`config: ${(error as Error).message}`)
      if (!setting?.config) {
        state.status = 'unconfigured'
        state.reason = `needs configuration: ${error.fields.map((f) => f.field).join(', ')}`
        return this.#put(state)
      }
      return fail(error.message)
    }

    let definition: PluginDefinition<any>
    try {
      const entry = this.#entryFile(dir, manifest.entry)
      const module = await import(pathToFileURL(entry).href)
      definition = module.default
      if (!definition || typeof definition.register !== 'function') {
        return fail(`entry ${manifest.entry} does not export definePlugin({ register })`)
      }
    } catch (error) {
      return fail(`import failed: ${(error as Error).message}`)
    }
    state.definition = definition

    const context = this.#context(manifest, config)
    state.context = context
    try {
      const result: unknown = definition.register(context)
      if (result && typeof (result as Promise<void>).then === 'function') {
        throw new Error('register must be synchronous (do I/O in ready)')
      }
      const missing = this.#undeclared(manifest)
      if (missing) throw new Error(missing)
    } catch (error) {
      this.#unregister(manifest.id)
      return fail(`register failed: ${(error as Error).message}`)
    }

    if (definition.ready) {
      try {
        await withTimeout(definition.ready(context), READY_TIMEOUT_MS, 'ready timed out')
      } catch (error) {
        this.#unregister(manifest.id)
        return fail(`boot failed: ${(error as Error).message}`)
      }
    }

    state.status = 'active'
    state.reason = null
    return this.#put(state)
  }

  #put(state: PluginState) {
    this.#states.set(state.id, state)
    return state
  }

  #entryFile(dir: string, entry: string) {
    const file = join(dir, entry)
    if (existsSync(file)) return file
    const source = file.replace(/\.js$/, '.ts')
    if (source !== file && existsSync(source)) return source
    throw new Error(`entry ${entry} not found`)
  }

  /** Registering something plugin.json does not declare in `provides` is refused. */
  #undeclared(manifest: PluginManifest): string | null {
    const registered: Array<[PluginKind, number]> = [
      ['channel', channelRegistry.ownedBy(manifest.id).length],
      ['erp', erpRegistry.ownedBy(manifest.id).length],
      ['notifier', staffNotifiers.list().filter((n) => n.id === manifest.id).length],
    ]
    for (const [kind, count] of registered) {
      if (count > 0 && !manifest.provides.includes(kind)) {
        return `registered a ${kind} but plugin.json "provides" does not list "${kind}"`
      }
    }
    return null
  }

  #context(manifest: PluginManifest, config: Record<string, unknown>): PluginContext<any> {
    const id = manifest.id
    const appUrl = env.get('APP_URL').replace(/\/+$/, '')
    return {
      id,
      logger: logger.child({ plugin: id }),
      http: new PluginHttp(),
      config: Object.freeze({ ...config }),
      kv: new PluginKv(id),
      registries: {
        channels: { register: (channel) => channelRegistry.add(id, channel) },
        erp: { register: (connector) => erpRegistry.add(id, connector) },
        notifiers: {
          register: (notifier) => {
            if (notifier.id !== id) {
              throw new Error(`a notifier's id must be the plugin id "${id}"`)
            }
            staffNotifiers.register(notifier as any)
          },
        },
      },
      webhooks: {
        post: (path, handler) => webhookTable.add(id, 'POST', path, handler),
        get: (path, handler) => webhookTable.add(id, 'GET', path, handler),
      },
      inbox: createInbox(id),
      webhookUrl: (path) => `${appUrl}/hooks/${id}/${path.replace(/^\/+/, '')}`,
    }
  }

  #unregister(id: string) {
    channelRegistry.removePlugin(id)
    erpRegistry.removePlugin(id)
    webhookTable.removePlugin(id)
    staffNotifiers.unregister(id)
  }

  async #stop(state: PluginState) {
    if (state.status === 'active' && state.definition?.shutdown && state.context) {
      try {
        await withTimeout(state.definition.shutdown(state.context), 5_000, 'shutdown timed out')
      } catch (error) {
        logger.warn({ plugin: state.id, err: (error as Error).message }, 'plugin shutdown failed')
      }
    }
    this.#unregister(state.id)
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

export const pluginHost = new PluginHost()

/** `<id> <version> <status> <reason>`, one line per plugin; `-` when there is no reason. */
export function formatPluginLines(states: PluginState[]): string[] {
  return states.map(
    (s) => `${s.id} ${s.version} ${s.status} ${(s.reason ?? '-').replace(/\s*\n\s*/g, ' ')}`
  )
}
