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
