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
