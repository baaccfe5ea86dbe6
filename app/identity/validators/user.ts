import vine from '@vinejs/vine'
import { ROLES } from '#app/identity/roles'
import { Phone } from '#app/shared/kernel/phone'

/** A mainland mobile, written any way staff type it. */
export const mobile = vine
  .string()
  .trim()
  .maxLength(30)
  .use(
    vine.createRule((value, _options, field) => {
      if (typeof value !== 'string') return
      const phone = Phone.tryParse(value)
      if (!phone) {
        field.report('Enter a mainland mobile number', 'mobile', field)
        return
      }
      field.mutate(phone.digits, field)
    })()
  )

export const createUserValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(80),
  email: vine.string().trim().email().maxLength(254).toLowerCase(),
  phone: mobile.optional(),
  role: vine.enum(ROLES),
  password: vine.string().minLength(10).maxLength(200),
  locale: vine.enum(['zh-CN', 'en']).optional(),
})

export const updateUserValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(80),
  email: vine.string().trim().email().maxLength(254).toLowerCase(),
  phone: mobile.optional(),
  role: vine.enum(ROLES),
})

export const resetPasswordValidator = vine.create({
  password: vine.string().minLength(10).maxLength(200),
})

export const accessTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  expiresInDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
})
