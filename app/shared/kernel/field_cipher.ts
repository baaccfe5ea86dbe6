import { createCipheriv, createHash, createSecretKey, hkdfSync, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { ENCRYPTER_ID, encryptionKeys } from '#config/encryption'

/**
 * Encrypts a string exactly as the framework's `encryption.encrypt` does
 * with the aes256gcm driver of config/encryption.ts: the same key
 * derivation from the first key and the same envelope
 * (`gcm.v1:<cipher text>.<iv>.<tag>`), so `encryption.decrypt` reads it
 * with every configured key and key rotation works as documented.
 *
 * It exists for speed: an order import encrypts one phone per new buyer.
 * The driver passes node:crypto a Buffer key, which Node 24 checks against
 * its key classes on every call (about 30 µs per phone inside the app);
 * a KeyObject skips that, and IVs are cut from a pooled random buffer
 * instead of one `randomBytes` call each (about 9 µs; docs/members.md,
 * "Phones encrypted and hashed with key objects").
 * tests/unit/shared/phone.spec.ts decrypts its output with the framework.
 */
export function encryptField(text: string): string {
  const iv = nextIv()
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv, { authTagLength: TAG_BYTES })
  // The framework's message envelope (MessageBuilder): no purpose, no expiry.
  const sealed = Buffer.concat([cipher.update(JSON.stringify({ message: text })), cipher.final()])
  const tag = cipher.getAuthTag()
  return `${ENCRYPTER_ID}.v1:${sealed.toString('base64url')}.${iv.toString('base64url')}.${tag.toString('base64url')}`
}

const IV_BYTES = 12
const TAG_BYTES = 16
const IVS_PER_FILL = 1024

let key: KeyObject | undefined
function encryptionKey(): KeyObject {
  if (!key) {
    const first = encryptionKeys[0]
    const secret = typeof first === 'string' ? first : first.release()
    // The driver's derivation: sha256 of the secret, then HKDF with its id.
    const cryptoKey = createHash('sha256').update(secret).digest()
    const info = Buffer.from(`aes-256-gcm:v1:${ENCRYPTER_ID}`)
    key = createSecretKey(Buffer.from(hkdfSync('sha256', cryptoKey, Buffer.alloc(0), info, 32)))
  }
  return key
}

let ivPool = Buffer.alloc(0)
let ivOffset = 0
/** A fresh random IV: each 12 bytes of the pool are used once. */
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IVS_PER_FILL)
    ivOffset = 0
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES))
  ivOffset += IV_BYTES
  return iv
}
