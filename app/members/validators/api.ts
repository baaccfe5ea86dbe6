import vine from '@vinejs/vine'
import { IDENTITY_TYPES } from '#app/members/models/member_identity'
import { GENDERS } from '#app/members/models/member'
import { CONSENT_CHANNELS } from '#app/members/actions/manage_consent'
import { mobile } from '#app/identity/validators/user'
import { memberFilterFields } from '#app/members/validators/member'

const text = (max: number) => vine.string().trim().maxLength(max)
const day = () => vine.date({ formats: ['YYYY-MM-DD'] })
/** ISO 8601 date-time; without an offset it is read in the shop's (or company's) time zone. */
export const isoTime = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/)

/** GET /api/v1/members: one lookup, by phone or by one identity. */
export const memberLookupValidator = vine.create({
  phone: text(30).optional().requiredIfMissing('identity_type'),
  identity_type: vine.enum(IDENTITY_TYPES).optional().requiredIfExists('identity_value'),
  identity_value: text(200).optional().requiredIfExists('identity_type'),
})

const identity = vine.object({
  type: vine.enum(IDENTITY_TYPES),
  value: text(200).minLength(1),
})

/** POST /api/v1/members: find-or-create through OneID. */
export const apiMemberCreateValidator = vine.create({
  phone: mobile.optional(),
  identities: vine.array(identity).maxLength(20).optional(),
  name: text(80).optional(),
  gender: vine.enum(GENDERS).optional(),
  birthday: day().optional(),
  province: text(40).optional(),
  city: text(40).optional(),
  email: vine.string().trim().email().maxLength(120).optional(),
  registeredAt: isoTime().optional(),
  sourceShopId: vine.number().withoutDecimals().positive().optional(),
  sourceChannel: text(40).optional(),
  notes: text(2000).optional(),
})

/** PATCH /api/v1/members/:id (and the profile form): absent = unchanged, null = cleared. */
export const memberProfileEditValidator = vine.create({
  name: text(80).nullable().optional(),
  gender: vine.enum(GENDERS).nullable().optional(),
  birthday: day().nullable().optional(),
  province: text(40).nullable().optional(),
  city: text(40).nullable().optional(),
  email: vine.string().trim().email().maxLength(120).nullable().optional(),
  notes: text(2000).nullable().optional(),
  sourceChannel: text(40).nullable().optional(),
  phone: mobile.nullable().optional(),
  /** Custom attributes by name: a value as text, null or '' to clear. */
  attributes: vine.record(vine.string().maxLength(500).nullable()).optional(),
})

export const apiMemberTagValidator = vine.create({
  tagId: vine.number().withoutDecimals().positive().optional().requiredIfMissing('tagName'),
  tagName: text(60).minLength(1).optional(),
})

export const apiConsentValidator = vine.create({
  granted: vine.boolean({ strict: true }),
  note: text(200).optional(),
})

export const consentChannelValidator = vine.create({
  channel: vine.enum(CONSENT_CHANNELS),
})

/** The profile form on the member page: empty fields clear, an empty phone keeps the number. */
export const memberProfileFormValidator = vine.create({
  name: text(80).nullable().optional(),
  gender: vine.enum(GENDERS).nullable().optional(),
  birthday: day().nullable().optional(),
  province: text(40).nullable().optional(),
  city: text(40).nullable().optional(),
  email: vine.string().trim().email().maxLength(120).nullable().optional(),
  notes: text(2000).nullable().optional(),
  phone: mobile.nullable().optional(),
  removePhone: vine.boolean().optional(),
})

/** One OR group of an auto-tag rule: member-list filters, all of which must hold. */
const conditionGroups = () =>
  vine.array(vine.object(memberFilterFields())).minLength(1).maxLength(10)

/** POST /api/v1/auto-tag-rules */
export const apiAutoTagRuleCreateValidator = vine.create({
  name: text(60).minLength(1),
  tagGroupId: vine.number().withoutDecimals().positive().optional(),
  groups: conditionGroups(),
})

/** PATCH /api/v1/auto-tag-rules/:id — absent fields stay as they are. */
export const apiAutoTagRuleUpdateValidator = vine.create({
  name: text(60).minLength(1).optional(),
  enabled: vine.boolean({ strict: true }).optional(),
  groups: conditionGroups().optional(),
})
