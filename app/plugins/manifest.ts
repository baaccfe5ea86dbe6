import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import vine, { errors } from '@vinejs/vine'
import {
  CONFIG_FIELD_TYPES,
  PLUGIN_KINDS,
  SUPPORTED_API_VERSIONS,
  type PluginManifest,
} from '#app/plugins/sdk/index'
import { isValidRange, isVersion, satisfies } from '#app/plugins/semver'

const label = vine.object({ 'zh-CN': vine.string().minLength(1), 'en': vine.string().minLength(1) })

/** plugin.json, validated before any plugin code is imported. */
export const manifestValidator = vine.compile(
  vine.object({
    id: vine
      .string()
      .regex(/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/)
      .notIn(['core', 'quanzi']),
    name: vine.string().minLength(1).maxLength(100),
    version: vine.string().use(
      vine.createRule((value, _, field) => {
        if (typeof value !== 'string' || !isVersion(value))
          field.report('must be a semver version like 1.2.3', 'semver', field)
      })()
    ),
    host: vine.string().use(
      vine.createRule((value, _, field) => {
        if (typeof value !== 'string' || !isValidRange(value))
          field.report('must be a semver range like ^0.1.0', 'semverRange', field)
      })()
    ),
    apiVersion: vine.number().withoutDecimals().positive(),
    provides: vine.array(vine.enum(PLUGIN_KINDS)).minLength(1).distinct(),
    entry: vine
      .string()
      .regex(/^[A-Za-z0-9_./-]+\.(js|mjs|ts)$/)
      .use(
        vine.createRule((value, _, field) => {
          if (
            typeof value === 'string' &&
            (value.startsWith('/') || value.split('/').includes('..'))
          )
            field.report('must stay inside the plugin folder', 'entryPath', field)
        })()
      ),
    onBootFailure: vine.enum(['continue', 'abort'] as const).optional(),
    description: vine.string().maxLength(500).optional(),
    config: vine
      .array(
        vine.object({
          name: vine.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/),
          type: vine.enum(CONFIG_FIELD_TYPES),
          label,
          help: label.clone().optional(),
          required: vine.boolean().optional(),
          default: vine.any().optional(),
          options: vine.array(vine.string()).optional(),
          min: vine.number().optional(),
          max: vine.number().optional(),
          multiline: vine.boolean().optional(),
        })
      )
      .optional(),
  })
)

export class ManifestError extends Error {}

/**
 * Reads and validates `<dir>/plugin.json`; throws ManifestError with a
 * one-line reason a person can act on.
 */
export async function readManifest(dir: string): Promise<PluginManifest> {
  let text: string
  try {
    text = await readFile(join(dir, 'plugin.json'), 'utf8')
  } catch {
    throw new ManifestError('plugin.json: missing or unreadable')
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ManifestError(`plugin.json: not valid JSON (${(error as Error).message})`)
  }
  try {
    const manifest = await manifestValidator.validate(data)
    return {
      ...manifest,
      onBootFailure: manifest.onBootFailure ?? 'continue',
      config: (manifest.config ?? []) as PluginManifest['config'],
    }
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      const messages = (error.messages as Array<{ field: string; message: string }>)
        .map((m) => `${m.field}: ${m.message}`)
        .join('; ')
      throw new ManifestError(`plugin.json: ${messages}`)
    }
    throw error
  }
}

/** Why this host cannot run the plugin, or null when it can. */
export function incompatibility(manifest: PluginManifest, hostVersion: string): string | null {
  if (!satisfies(hostVersion, manifest.host)) {
    return `incompatible: needs Quanzi ${manifest.host}, this is ${hostVersion}`
  }
  if (!SUPPORTED_API_VERSIONS.includes(manifest.apiVersion)) {
    return `incompatible: plugin API ${manifest.apiVersion} is not supported (supported: ${SUPPORTED_API_VERSIONS.join(', ')})`
  }
  return null
}
