import vine from '@vinejs/vine'
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '#app/members/actions/recompute_rfm'
import { MEMBER_FILTER_KEYS } from '#app/members/member_filter_params'
import { EXPORT_SUBJECTS } from '#app/members/actions/export_members'
import { TABLE_FORMATS } from '#app/shared/storage/table_file'

const optionalText = (max: number) => vine.string().trim().maxLength(max).optional()

/**
 * The member list's filter fields (all optional). A fresh set each call: the
 * list, an auto-tag condition group and the API each build their own schema.
 */
export function memberFilterFields() {
  return {
    name: optionalText(80),
    phone: optionalText(20),
    province: optionalText(40),
    city: optionalText(40),
    tag: vine.number().withoutDecimals().positive().optional(),
    savedSegment: vine.number().withoutDecimals().positive().optional(),
    attribute: vine.number().withoutDecimals().positive().optional(),
    attributeValue: optionalText(200),
    attributeMin: optionalText(40),
    attributeMax: optionalText(40),
    shop: vine.number().withoutDecimals().positive().optional(),
    category: optionalText(80),
    product: optionalText(64),
    tier: vine.number().withoutDecimals().positive().optional(),
    minPoints: vine.number().withoutDecimals().min(-100_000_000).max(1_000_000_000).optional(),
    maxPoints: vine.number().withoutDecimals().min(-100_000_000).max(1_000_000_000).optional(),
    lastOrderWithinDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
    lastOrderOverDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
    segment: vine.enum(RFM_SEGMENTS).optional(),
    lifecycle: vine.enum(LIFECYCLE_STAGES).optional(),
    minSpent: vine.number().min(0).max(100_000_000).optional(),
    maxSpent: vine.number().min(0).max(100_000_000).optional(),
    minOrders: vine.number().withoutDecimals().min(0).optional(),
    maxOrders: vine.number().withoutDecimals().min(0).optional(),
    lastOrderFrom: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
    lastOrderTo: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  }
}

/** Filters of the member list (all optional, all server-side). */
export const memberFiltersValidator = vine.create({
  ...memberFilterFields(),
  sort: vine.enum(['newest', 'spent', 'orders']).optional(),
  after: optionalText(200),
})

export const tagValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(60),
  groupId: vine.number().withoutDecimals().positive().optional(),
})

/** A new auto tag from the member list; its conditions are the list's filters. */
export const autoTagValidator = vine.create({
  ruleName: vine.string().trim().minLength(1).maxLength(60),
  groupId: vine.number().withoutDecimals().positive().optional(),
})

export const tagGroupValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(60),
})

export const memberTagValidator = vine.create({
  tagId: vine.number().withoutDecimals().positive(),
})

export const mergeValidator = vine.create({
  sourceId: vine.number().withoutDecimals().positive(),
  targetId: vine.number().withoutDecimals().positive(),
})

export const importUploadValidator = vine.create({
  kind: vine.enum(['members', 'orders', 'refunds']),
  shopId: vine.number().withoutDecimals().positive().optional(),
  file: vine.file({ size: '200mb', extnames: ['csv', 'txt', 'xlsx'] }),
})

export const segmentValidator = vine.create({
  segmentName: vine.string().trim().minLength(1).maxLength(80),
})

const days = (max: number) => vine.number().withoutDecimals().min(1).max(max)
const cut = () => vine.number().min(0).max(100_000_000)

/** RFM settings form; M thresholds in yuan as typed (stored in fen). */
export const rfmSettingsValidator = vine.create({
  windowDays: days(3650),
  highScore: vine.number().withoutDecimals().min(2).max(5),
  newDays: days(3650),
  activeDays: days(3650),
  lostDays: days(3650),
  scoring: vine.enum(['quintiles', 'thresholds'] as const),
  r: vine.array(days(3650)).fixedLength(4),
  f: vine.array(vine.number().withoutDecimals().min(1).max(1_000_000)).fixedLength(4),
  m: vine.array(cut()).fixedLength(4),
})

export const attributeDefinitionValidator = vine.create({
  label: vine.string().trim().minLength(1).maxLength(60),
  type: vine.enum(['text', 'number', 'date', 'enum', 'boolean'] as const),
  /** Enum values, separated by commas (，or ,) or new lines. */
  options: vine.string().trim().maxLength(2000).optional(),
})

/**
 * The auto-tag condition editor (标签管理 → 编辑条件): rows of (field, value)
 * per OR group, and which button was pressed — save, add a group, add a
 * condition to group N, or remove condition I of group N. At most 10 groups of
 * 20 conditions (the form's array indexes stay within what the body parser
 * reads as arrays).
 */
export const autoTagConditionsFormValidator = vine.create({
  intent: vine
    .string()
    .trim()
    .regex(/^(save|add_group|add_condition:\d{1,2}|remove:\d{1,2}:\d{1,2})$/),
  groups: vine
    .array(
      vine
        .array(
          vine.object({
            field: vine.enum(MEMBER_FILTER_KEYS),
            value: optionalText(200),
          })
        )
        .maxLength(20)
    )
    .maxLength(10)
    .optional(),
  newField: vine.array(vine.enum(MEMBER_FILTER_KEYS)).maxLength(10).optional(),
  newGroupField: vine.enum(MEMBER_FILTER_KEYS).optional(),
})

/** What the member list's export writes (absent: the members, as CSV). */
export const exportOptionsValidator = vine.create({
  subject: vine.enum(EXPORT_SUBJECTS).optional(),
  format: vine.enum(TABLE_FORMATS).optional(),
})
