import vine from '@vinejs/vine'

export const testMessageValidator = vine.create({
  phone: vine.string().trim().maxLength(30).optional(),
  memberId: vine.number().withoutDecimals().positive().optional(),
  templateCode: vine.string().trim().maxLength(100).optional(),
  /** Free text, for channels that take it (http-sms). */
  text: vine.string().trim().maxLength(500).optional(),
  /** `name=value` per line. */
  templateParams: vine.string().trim().maxLength(2000).optional(),
})
