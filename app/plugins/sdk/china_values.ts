/**
 * Values as Chinese ERPs write them: local times in China time (UTC+8, no daylight saving) and
 * amounts in yuan with up to two decimals. Shared by the bundled 聚水潭 and 旺店通 connectors.
 */

/** A Date → `yyyy-MM-dd HH:mm:ss` in China time (UTC+8, no daylight saving). */
export function chinaTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
    `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
  )
}

/** `2026-03-01 20:00:00` (China time) → Date; null when it is not such a time. */
export function parseChinaTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(
    String(value).trim()
  )
  if (!match) return null
  const [, y, mo, d, h, mi, s = '0'] = match
  const ms = Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s)
  return Number.isNaN(ms) ? null : new Date(ms)
}

/** `12.50` (yuan, as the platform writes amounts) → 1250 fen; null when unreadable. */
export function yuanToFen(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  const match = /^(-)?(\d+)(?:\.(\d{1,2})0*)?$/.exec(String(value).trim())
  if (!match) return null
  const [, minus, whole, decimals = ''] = match
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'))
  return minus ? -fen : fen
}
