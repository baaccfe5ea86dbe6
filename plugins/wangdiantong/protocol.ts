import { createHash } from 'node:crypto'

/**
 * 旺店通 企业版 open API (openapi2), the parts Quanzi uses, as published
 * sources agree on them (docs/plugins.md, "Protocol sources and
 * assumptions"); shared by the connector and nothing else — the test fake
 * has its own copy of the signing.
 */

/**
 * sign = lower-case hex MD5 of the packed parameters followed by appsecret.
 * Packing: every parameter except `sign`, sorted by name, each written as
 * `NN-name:MMMM-value` (NN the name's length in two digits, MMMM the value's
 * length in four), joined with `;`. Lengths count characters.
 */
export function wdtSign(params: Record<string, string>, appSecret: string): string {
  const packed = Object.keys(params)
    .filter((name) => name !== 'sign')
    .sort()
    .map((name) => {
      const value = String(params[name])
      return `${pad(length(name), 2)}-${name}:${pad(length(value), 4)}-${value}`
    })
    .join(';')
  return createHash('md5')
    .update(packed + appSecret, 'utf8')
    .digest('hex')
}

function length(text: string) {
  return [...text].length
}

function pad(n: number, width: number) {
  return String(n).padStart(width, '0')
}

/** China time, as the API reads and writes times: `yyyy-MM-dd HH:mm:ss` (UTC+8). */
export function chinaTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return (
    `${shifted.getUTCFullYear()}-${p(shifted.getUTCMonth() + 1)}-${p(shifted.getUTCDate())} ` +
    `${p(shifted.getUTCHours())}:${p(shifted.getUTCMinutes())}:${p(shifted.getUTCSeconds())}`
  )
}

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

/** Yuan (text or number) → fen; null when unreadable or more precise than a fen. */
export function yuanToFen(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  const match = /^(-)?(\d+)(?:\.(\d{1,2})0*)?$/.exec(String(value).trim())
  if (!match) return null
  const [, minus, whole, decimals = ''] = match
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'))
  return minus ? -fen : fen
}
