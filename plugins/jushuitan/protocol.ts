import { createHash } from 'node:crypto'

/**
 * 聚水潭 open platform, the parts Quanzi uses. Written from the protocol as
 * published sources agree on it (docs/plugins.md, "Protocol sources and
 * assumptions"); shared by the connector and the test fake.
 */

/** Every request: POST, form-encoded, these fields plus `sign`. */
export const BUSINESS_FIELDS = [
  'app_key',
  'access_token',
  'timestamp',
  'charset',
  'version',
  'biz',
] as const

/**
 * sign = lower-case hex MD5 of app_secret followed by every parameter except
 * `sign`, sorted by name, each written as name then value. Empty values are
 * left out (the platform's published samples skip them).
 */
export function jushuitanSign(params: Record<string, string>, appSecret: string): string {
  let text = appSecret
  for (const name of Object.keys(params).sort()) {
    if (name === 'sign') continue
    const value = params[name]
    if (value === undefined || value === null || value === '') continue
    text += name + value
  }
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** Error codes and what Quanzi does with them. */
export const JST_CODES = {
  ok: 0,
  /** Token expired or invalid: refresh it and try again once. */
  tokenExpired: 100,
  ipNotAllowed: 110,
  badSign: 120,
  emptyData: 130,
  badParameter: 140,
  internal: 150,
  saveFailed: 160,
  unknownShop: 170,
  /** Timestamp more than ten minutes off the platform's clock. */
  badTimestamp: 180,
  noPermission: 190,
  tooFrequent: 199,
  overLimit: 200,
} as const

/** The platform keeps China time: `yyyy-MM-dd HH:mm:ss` in UTC+8 (no daylight saving). */
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
