import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'
import env from '#start/env'
import encryption from '@adonisjs/core/services/encryption'
import { encryptField } from '#app/shared/kernel/field_cipher'
import { DomainError } from '#app/shared/errors/domain_error'

/**
 * A mainland China mobile number, the one way Quanzi handles phones:
 * normalise whatever staff or imports type (full-width digits, +86/0086,
 * spaces, dashes), validate, encrypt at rest, hash for lookup, mask for
 * display.
 */
export class Phone {
  private constructor(readonly digits: string) {}

  /** Mainland mobiles: 11 digits starting 13–19. */
  static readonly MAINLAND_MOBILE = /^1[3-9]\d{9}$/

  static normalise(input: string): string {
    const halfWidth = input.replace(/[\uFF10-\uFF19]/g, (d) =>
      String.fromCharCode(d.charCodeAt(0) - 0xfee0)
    )
    let digits = halfWidth.replace(/[＋]/g, '+').replace(/[\s\-–—().\u3000]/g, '')
    if (digits.startsWith('+86')) digits = digits.slice(3)
    else if (digits.startsWith('0086')) digits = digits.slice(4)
    else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2)
    return digits
  }

  /** Parses or returns null; for places where a bad number is not an error. */
  static tryParse(input: string | null | undefined): Phone | null {
    if (!input) return null
    const digits = Phone.normalise(input)
    return Phone.MAINLAND_MOBILE.test(digits) ? new Phone(digits) : null
  }

  static parse(input: string): Phone {
    const phone = Phone.tryParse(input)
    if (!phone)
      throw new DomainError('E_INVALID_PHONE', 'errors.invalid_phone', 422, { value: input })
    return phone
  }

  /** 138****5678 */
  get masked(): string {
    return Phone.mask(this.digits)
  }

  static mask(digits: string): string {
    if (digits.length < 7) return '*'.repeat(digits.length)
    return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  }

  /** Deterministic keyed hash: equal numbers give equal hashes, nothing else leaks. */
  get blindIndex(): string {
    return createHmac('sha256', blindIndexKey()).update(this.digits).digest('hex')
  }

  encrypt(): string {
    return encryptField(this.digits)
  }

  static decrypt(cipherText: string | null | undefined): Phone | null {
    if (!cipherText) return null
    const digits = encryption.decrypt<string>(cipherText)
    return digits ? new Phone(digits) : null
  }

  toString() {
    return this.masked
  }
}

// A KeyObject, not a Buffer: Node 24 checks a Buffer key against its key classes on
// every createHmac (12 µs against 2 µs inside the app; an import hashes every phone).
let cachedKey: KeyObject | undefined
function blindIndexKey(): KeyObject {
  if (!cachedKey) {
    const appKey = env.get('APP_KEY').release()
    cachedKey = createSecretKey(
      Buffer.from(hkdfSync('sha256', appKey, 'quanzi', 'phone-blind-index', 32))
    )
  }
  return cachedKey
}
