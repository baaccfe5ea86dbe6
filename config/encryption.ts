import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/**
 * Encrypts cookies, sessions and personal data at rest (phone numbers,
 * plugin secrets). The first key encrypts; every key decrypts, so a new
 * key can be put first without losing old data.
 */
export const ENCRYPTER_ID = 'gcm'
export const encryptionKeys = [env.get('APP_KEY')]

const encryptionConfig = defineConfig({
  default: 'gcm',
  list: {
    gcm: drivers.aes256gcm({ id: ENCRYPTER_ID, keys: encryptionKeys }),
  },
})

export default encryptionConfig

declare module '@adonisjs/core/types' {
  export interface EncryptorsList extends InferEncryptors<typeof encryptionConfig> {}
}
