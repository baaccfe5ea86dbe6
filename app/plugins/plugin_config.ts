import vine, { errors } from '@vinejs/vine'
import encryption from '@adonisjs/core/services/encryption'
import type { ConfigField } from '#app/plugins/sdk/index'

/**
 * A plugin's configuration: the fields its plugin.json declares, validated
 * with VineJS at startup and when an admin saves the form. Secret fields
 * are stored encrypted with the app's key and never sent back to a page.
 */
export function configSchema(fields: ConfigField[]) {
  const properties: Record<string, any> = {}
  for (const field of fields) {
    let rule: any
    switch (field.type) {
      case 'number': {
        let number = vine.number()
        if (field.min !== undefined) number = number.min(field.min)
        if (field.max !== undefined) number = number.max(field.max)
        rule = number
        break
      }
      case 'boolean':
        rule = vine.boolean()
        break
      case 'url':
        rule = vine
          .string()
          .trim()
          .url({ require_tld: false, protocols: ['http', 'https'] })
        break
      case 'select':
        rule = vine.enum(field.options ?? [])
        break
      default:
        rule = vine.string().trim().maxLength(2000)
    }
    properties[field.name] = field.required ? rule : rule.optional()
  }
  return vine.compile(vine.object(properties))
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly fields: Array<{ field: string; message: string }>,
    options?: { cause: unknown }
  ) {
    super(message, options)
  }
}

/** Defaults filled in, then validated; throws ConfigError naming each bad field. */
export async function validateConfig(
  fields: ConfigField[],
  input: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {}
  for (const field of fields) {
    const value = input[field.name]
    data[field.name] = value === undefined || value === null || value === '' ? field.default : value
    if (field.type === 'number' && typeof data[field.name] === 'string') {
      data[field.name] = Number(data[field.name])
    }
  }
  try {
    return (await configSchema(fields).validate(data)) as Record<string, unknown>
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      const messages = error.messages as Array<{ field: string; message: string }>
      throw new ConfigError(
        `invalid config: ${messages.map((m) => `${m.field}: ${m.message}`).join('; ')}`,
        messages,
        { cause: error }
      )
    }
    throw error
  }
}

/** What goes in the database: secrets encrypted, the rest as is. */
export function sealConfig(fields: ConfigField[], config: Record<string, unknown>) {
  const sealed: Record<string, unknown> = {}
  for (const field of fields) {
    const value = config[field.name]
    if (value === undefined || value === null) continue
    sealed[field.name] =
      field.type === 'secret' ? { encrypted: encryption.encrypt(String(value)) } : value
  }
  return sealed
}

/** The stored config with secrets decrypted (for the plugin only). */
export function openConfig(fields: ConfigField[], stored: Record<string, unknown>) {
  const config: Record<string, unknown> = {}
  for (const field of fields) {
    const value = stored[field.name]
    if (value === undefined || value === null) continue
    if (field.type === 'secret') {
      const cipher = (value as { encrypted?: string }).encrypted
      const plain = cipher ? encryption.decrypt<string>(cipher) : null
      if (plain !== null && plain !== undefined) config[field.name] = plain
    } else {
      config[field.name] = value
    }
  }
  return config
}

/** The stored config as a page may show it: secrets only as "set" or not. */
export function publicConfig(fields: ConfigField[], stored: Record<string, unknown>) {
  const shown: Record<string, unknown> = {}
  for (const field of fields) {
    const value = stored[field.name]
    shown[field.name] = field.type === 'secret' ? value !== undefined && value !== null : value
  }
  return shown
}
