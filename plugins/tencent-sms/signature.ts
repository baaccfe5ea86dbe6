import { createHash, createHmac } from 'node:crypto'

/**
 * Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256), as documented in
 * "Signature v3":
 *
 *   CanonicalRequest = Method \n / \n Query \n CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
 *   StringToSign     = TC3-HMAC-SHA256 \n Timestamp \n Date/service/tc3_request \n HexSHA256(CanonicalRequest)
 *   SigningKey       = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), service), "tc3_request")
 *   Signature        = HexHMAC-SHA256(SigningKey, StringToSign)
 *
 * Date is the UTC date of the timestamp. Header names lower-cased and
 * sorted; values trimmed and lower-cased as the documentation's examples do.
 */
export const TC3 = 'TC3-HMAC-SHA256'

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex')
const hmac = (key: string | Buffer, value: string) =>
  createHmac('sha256', key).update(value).digest()

export interface Tc3Input {
  secretKey: string
  service: string
  /** Unix seconds. */
  timestamp: number
  method: string
  query?: string
  /** Only the headers to sign: content-type and host at least. */
  headers: Record<string, string>
  body: string
}

export function tc3Sign(input: Tc3Input) {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10)
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), String(value).trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const signedHeaders = headers.map(([name]) => name).join(';')
  const canonicalRequest = [
    input.method.toUpperCase(),
    '/',
    input.query ?? '',
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n')
  const scope = `${date}/${input.service}/tc3_request`
  const stringToSign = `${TC3}\n${input.timestamp}\n${scope}\n${sha256Hex(canonicalRequest)}`
  const key = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request')
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex')
  return { signature, signedHeaders, scope, canonicalRequest, stringToSign }
}

export function tc3Authorization(
  secretId: string,
  scope: string,
  signedHeaders: string,
  signature: string
) {
  return `${TC3} Credential=${secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
}
