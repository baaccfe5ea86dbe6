import vine from '@vinejs/vine'
import { CONSENT_CHANNELS } from '#app/members/actions/manage_consent'
import { mobile } from '#app/identity/validators/user'

export const consentValidator = vine.create({
  channel: vine.enum(CONSENT_CHANNELS),
  granted: vine.boolean(),
})

export const eraseValidator = vine.create({
  /** The staff member types the member's id to confirm an irreversible erasure. */
  confirmId: vine.number().withoutDecimals(),
})

export const doNotContactValidator = vine.create({
  phone: mobile,
  channel: vine.enum(['all', ...CONSENT_CHANNELS] as const),
  reason: vine.string().trim().maxLength(200).optional(),
})
