import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { pluginHost, type PluginState } from '#app/plugins/plugin_host'
import {
  ConfigError,
  openConfig,
  publicConfig,
  sealConfig,
  validateConfig,
} from '#app/plugins/plugin_config'

/**
 * What an admin does on the Plugins page: switch a plugin on or off and
 * save its configuration. Secrets left blank keep their stored value.
 * Every change is audit-logged (secret values never are) and the plugin is
 * reloaded in this process at once.
 */
export class ManagePlugins {
  #state(id: string): PluginState {
    const state = pluginHost.get(id)
    if (!state) throw new DomainError('E_PLUGIN_NOT_FOUND', 'plugins.errors.not_found', 404)
    return state
  }

  async setEnabled(id: string, enabled: boolean, actor: AuditActor) {
    const state = this.#state(id)
    if (!state.manifest) throw new DomainError('E_PLUGIN_INVALID', 'plugins.errors.invalid', 422)
    const setting =
      (await PluginSetting.findBy('pluginId', id)) ??
      new PluginSetting().merge({ pluginId: id, config: null })
    const before = setting.$isPersisted ? setting.enabled : true
    setting.merge({ enabled, updatedById: actor.id })
    await setting.save()
    await AuditLog.record({
      entityType: 'plugin',
      entityId: id,
      action: enabled ? 'enable' : 'disable',
      before: { enabled: before },
      after: { enabled },
      actor,
    })
    return pluginHost.reload(id)
  }

  async configure(id: string, input: Record<string, unknown>, actor: AuditActor) {
    const state = this.#state(id)
    const manifest = state.manifest
    if (!manifest) throw new DomainError('E_PLUGIN_INVALID', 'plugins.errors.invalid', 422)
    const setting =
      (await PluginSetting.findBy('pluginId', id)) ??
      new PluginSetting().merge({ pluginId: id, enabled: true, config: null })
    const stored = setting.config ?? {}
    const current = openConfig(manifest.config, stored)

    const merged: Record<string, unknown> = {}
    for (const field of manifest.config) {
      const value = input[field.name]
      const blank = value === undefined || value === null || value === ''
      if (field.type === 'secret' && blank) merged[field.name] = current[field.name]
      else if (field.type === 'boolean')
        merged[field.name] = value === true || value === 'true' || value === 'on' || value === '1'
      else merged[field.name] = blank ? undefined : value
    }
    // Throws E_VALIDATION_ERROR: the page shows each field's message.
    let valid: Record<string, unknown>
    try {
      valid = await validateConfig(manifest.config, merged)
    } catch (error) {
      throw error instanceof ConfigError ? error.cause : error
    }

    const sealed = sealConfig(manifest.config, valid)
    const secretsChanged = manifest.config
      .filter((f) => f.type === 'secret')
      .filter((f) => valid[f.name] !== undefined && valid[f.name] !== current[f.name])
      .map((f) => f.name)
    const beforeShown = publicConfig(manifest.config, stored)
    const afterShown = publicConfig(manifest.config, sealed)
    setting.merge({ config: sealed, updatedById: actor.id })
    await setting.save()
    await AuditLog.record({
      entityType: 'plugin',
      entityId: id,
      action: 'configure',
      before: withoutSecrets(manifest.config, beforeShown),
      after: withoutSecrets(manifest.config, afterShown),
      context: { secretsChanged },
      actor,
    })
    return pluginHost.reload(id)
  }
}

function withoutSecrets(fields: { name: string; type: string }[], shown: Record<string, unknown>) {
  const out: Record<string, unknown> = {}
  for (const field of fields) if (field.type !== 'secret') out[field.name] = shown[field.name]
  return out
}
