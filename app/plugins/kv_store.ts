import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { PluginKeyValueStore } from '#app/plugins/sdk/index'
import { toDbTime } from '#app/shared/kernel/db_values'

/** A plugin's private key–value store: rows of `plugin_kv`, values as JSON. */
export class PluginKv implements PluginKeyValueStore {
  constructor(private pluginId: string) {}

  async get<T = unknown>(key: string): Promise<T | null> {
    const row = await db.from('plugin_kv').where({ plugin_id: this.pluginId, key }).first()
    return row ? (JSON.parse(row.value) as T) : null
  }

  async set(key: string, value: unknown): Promise<void> {
    const updatedAt = toDbTime(DateTime.utc(), db.connection())
    await db
      .table('plugin_kv')
      .insert({
        plugin_id: this.pluginId,
        key,
        value: JSON.stringify(value),
        updated_at: updatedAt,
      })
      .onConflict(['plugin_id', 'key'])
      .merge(['value', 'updated_at'])
  }

  async delete(key: string): Promise<void> {
    await db.from('plugin_kv').where({ plugin_id: this.pluginId, key }).delete()
  }
}
