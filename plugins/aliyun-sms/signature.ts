import { createHash, createHmac } from 'node:crypto'

/**
 * Alibaba Cloud V3 request signature (ACS3-HMAC-SHA256), as documented in
 * "V3 request structure and signature":
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
 *                      CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
 *   StringToSign     = "ACS3-HMAC-SHA256" \n HexSHA256(CanonicalRequest)
 *   Signature        = HexHMAC-SHA256(AccessKeySecret, StringToSign)
 *
 * Headers signed: host, content-type and every x-acs-* header, lower-cased,
 * sorted, values trimmed. Query keys sorted, RFC 3986 percent-encoded.
 */
export const ALGORITHM = 'ACS3-HMAC-SHA256'

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex')
}

/** RFC 3986: everything but A–Z a–z 0–9 - _ . ~ is %XX (space is %20, never +). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(query[key] ?? '')}`)
    .join('&')
}

export interface SignInput {
  method: string
  /** `/` for RPC-style APIs. */
  path: string
  query: Record<string, string>
  /** Header names in any case; only host, content-type and x-acs-* are signed. */
  headers: Record<string, string>
  body: string
}

export function canonicalRequest(input: SignInput) {
  const signed = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), String(value).trim()] as const)
    .filter(([name]) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const signedHeaders = signed.map(([name]) => name).join(';')
  const request = [
    input.method.toUpperCase(),
    input.path || '/',
    canonicalQuery(input.query),
    signed.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n')
  return { request, signedHeaders }
}

export function sign(input: SignInput, accessKeySecret: string) {
  const { request, signedHeaders } = canonicalRequest(input)
  const stringToSign = `${ALGORITHM}\n${sha256Hex(request)}`
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex')
  return { signature, signedHeaders, canonicalRequest: request, stringToSign }
}

export function authorization(accessKeyId: string, signedHeaders: string, signature: string) {
  return `${ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`
}
