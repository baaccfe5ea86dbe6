import type { I18n } from '@adonisjs/i18n'

/**
 * Why a plugin is not active, in the reader's language. The host keeps the
 * reason in English (it goes to the log, /health and `plugins:list`, which
 * admins grep); pages translate the ones Quanzi itself writes and show what
 * a plugin or a parser said as it was said.
 */
const PATTERNS: [RegExp, string][] = [
  [/^disabled by an admin$/, 'disabled'],
  [/^needs configuration: (?<detail>.*)$/, 'needs_configuration'],
  [/^duplicate id: already loaded from (?<detail>.*)$/, 'duplicate'],
  [/^config: (?<detail>.*)$/, 'config'],
  [/^import failed: (?<detail>.*)$/, 'import_failed'],
  [/^register failed: (?<detail>.*)$/, 'register_failed'],
  [/^boot failed: (?<detail>.*)$/, 'boot_failed'],
]

export function pluginReasonText(reason: string | null, i18n: I18n): string {
  if (!reason) return ''
  for (const [pattern, key] of PATTERNS) {
    const match = pattern.exec(reason)
    if (match) return i18n.t(`plugins.reasons.${key}`, { detail: match.groups?.detail ?? '' })
  }
  return reason
}
