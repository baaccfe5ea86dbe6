import vine from '@vinejs/vine'

/** Login: an email address or a mobile number, and the password. */
export const loginValidator = vine.create({
  uid: vine.string().trim().minLength(3).maxLength(254),
  password: vine.string().minLength(1).maxLength(200),
})

export const changePasswordValidator = vine.create({
  currentPassword: vine.string().minLength(1),
  password: vine.string().minLength(10).maxLength(200).confirmed({ as: 'passwordConfirmation' }),
})

export const preferencesValidator = vine.create({
  locale: vine.enum(['zh-CN', 'en']).optional(),
  timezone: vine.string().trim().maxLength(64).optional(),
})
