import vine from '@vinejs/vine'

export const testMessageValidator = vine.create({
  phone: vine.string().trim().maxLength(30).optional(),
  memberId: vine.number().withoutDecimals().positive().optional(),
  templateCode: vine.string().trim().minLength(1).maxLength(100),
  /** `name=value` per line. */
  templateParams: vine.string().trim().maxLength(2000).optional(),
})
