import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

/**
 * The WeChat Official Account callback protocol: URL verification
 * signatures and the encrypted ("安全模式") message envelope.
 *
 * - `signature` = sha1 of token, timestamp and nonce sorted and joined.
 * - `msg_signature` = sha1 of token, timestamp, nonce and the Encrypt text sorted and joined.
 * - Encrypt = base64(AES-256-CBC(random 16 bytes ‖ uint32 BE length ‖ message ‖ appId)),
 *   key = base64 decode of EncodingAESKey + "=", IV = first 16 bytes of the key,
 *   PKCS#7 padding to 32-byte blocks.
 */
export function sha1Signature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex')
}

export function signatureMatches(given: unknown, expected: string): boolean {
  const a = Buffer.from(String(given ?? ''))
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (encodingAesKey.length !== 43 || key.length !== 32) {
    throw new Error('EncodingAESKey must be 43 characters (32 bytes in base64)')
  }
  return key
}

const BLOCK = 32

export function encryptMessage(
  encodingAesKey: string,
  appId: string,
  message: string,
  random: Buffer = randomBytes(16)
): string {
  const key = aesKey(encodingAesKey)
  const body = Buffer.from(message, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length, 0)
  const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')])
  const pad = BLOCK - (plain.length % BLOCK)
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)])
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64')
}

/** The message and the appId it was encrypted for; throws on a malformed envelope. */
export function decryptMessage(
  encodingAesKey: string,
  encrypted: string
): { message: string; appId: string } {
  const key = aesKey(encodingAesKey)
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  decipher.setAutoPadding(false)
  const padded = Buffer.concat([
    decipher.update(Buffer.from(encrypted, 'base64')),
    decipher.final(),
  ])
  const pad = padded[padded.length - 1]
  if (!pad || pad > BLOCK) throw new Error('bad padding')
  const plain = padded.subarray(0, padded.length - pad)
  if (plain.length < 20) throw new Error('envelope too short')
  const length = plain.readUInt32BE(16)
  if (20 + length > plain.length) throw new Error('bad length')
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appId: plain.subarray(20 + length).toString('utf8'),
  }
}

/** Reads the flat `<xml>` the callback sends: `<Tag><![CDATA[v]]></Tag>` or `<Tag>v</Tag>`. */
export function parseXml(xml: string): Record<string, string> | null {
  const root = /^\s*<xml>([\s\S]*)<\/xml>\s*$/.exec(xml)
  if (!root) return null
  const fields: Record<string, string> = {}
  const pattern = /<([A-Za-z_][\w]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g
  for (const match of root[1].matchAll(pattern)) {
    fields[match[1]] = match[2] ?? match[3] ?? ''
  }
  return fields
}

/**
 * The repeated `<List>` blocks of an event (subscribe-message events list one
 * block per template), each read as flat fields.
 */
export function parseXmlLists(xml: string, tag = 'List'): Array<Record<string, string>> {
  const blocks = xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))
  return [...blocks].map((block) => parseXml(`<xml>${block[1]}</xml>`) ?? {})
}

/** Builds a flat `<xml>`: strings as CDATA, numbers as text. */
export function toXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([name, value]) =>
      typeof value === 'number'
        ? `<${name}>${value}</${name}>`
        : `<${name}><![CDATA[${value}]]></${name}>`
    )
    .join('')
  return `<xml>${inner}</xml>`
}
