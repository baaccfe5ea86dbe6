import vine from '@vinejs/vine'
import { BENEFIT_KINDS, BENEFIT_PERIODS } from '#app/benefits/models/benefit'

export const benefitValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(60),
  kind: vine.enum(BENEFIT_KINDS),
  description: vine.string().trim().maxLength(300).optional(),
  quota: vine.number().withoutDecimals().min(1).max(1000).optional(),
  period: vine.enum(BENEFIT_PERIODS),
})

export const tierGrantValidator = vine.create({
  tierId: vine.number().withoutDecimals().positive(),
})

export const memberGrantValidator = vine.create({
  benefitId: vine.number().withoutDecimals().positive(),
  validUntil: vine.date({ formats: ['YYYY-MM-DD'] }),
  reason: vine.string().trim().minLength(2).maxLength(200),
})

export const claimValidator = vine.create({
  benefitId: vine.number().withoutDecimals().positive(),
  /** The form's one-time key (UI) or the caller's Idempotency-Key (API). */
  idempotencyKey: vine.string().trim().minLength(8).maxLength(100),
  note: vine.string().trim().maxLength(200).optional(),
})
