import vine from '@vinejs/vine'
import { PROJECT_STATUSES } from '#app/collaboration/models/project'
import { FREQUENCIES } from '#app/collaboration/models/recurring_task'
import { ATTACHMENT_EXTNAMES } from '#app/collaboration/actions/task_attachments'
import { SHOP_SIZES } from '#app/collaboration/actions/template_versions'

const optionalText = (max: number) => vine.string().trim().maxLength(max).optional()
const date = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
const time = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}$/)
    .optional()
const id = () => vine.number().withoutDecimals().positive()
/** A multi-select sends one value as a string and several as an array. */
const ids = () =>
  vine
    .array(id())
    .maxLength(50)
    .parse((value) =>
      value === undefined || value === null || value === '' || Array.isArray(value)
        ? value
        : [value]
    )
    .optional()
const checkbox = () => vine.boolean().optional()

export const projectValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  description: optionalText(5000),
  shopId: id().optional(),
  startsOn: date(),
  endsOn: date(),
  status: vine.enum(PROJECT_STATUSES).optional(),
  isPrivate: checkbox(),
  memberIds: ids(),
})

const taskFields = {
  title: vine.string().trim().minLength(1).maxLength(200),
  description: optionalText(20000),
  priority: vine.number().withoutDecimals().min(0).max(3).optional(),
  statusId: id().optional(),
  assigneeId: id().optional(),
  collaboratorIds: ids(),
  startDate: date(),
  startTime: time(),
  dueDate: date(),
  dueTime: time(),
  labels: optionalText(300),
}

export const createTaskValidator = vine.create({
  ...taskFields,
  checklist: optionalText(5000),
})

export const updateTaskValidator = vine.create({
  ...taskFields,
  version: vine.number().withoutDecimals().positive(),
})

export const moveTaskValidator = vine.create({ statusId: id() })

export const checklistItemValidator = vine.create({
  title: vine.string().trim().minLength(1).maxLength(200),
})

export const checklistToggleValidator = vine.create({ done: vine.boolean() })

export const commentValidator = vine.create({
  body: vine.string().trim().minLength(1).maxLength(5000),
})

export const taskFiltersValidator = vine.create({
  assignee: id().optional(),
  label: id().optional(),
  status: id().optional(),
  project: id().optional(),
  dueFrom: date(),
  dueTo: date(),
})

export const savedFilterValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(60),
})

export const instantiateTemplateValidator = vine.create({
  anchorDate: vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/),
  name: optionalText(120),
  shopId: id().optional(),
  isPrivate: checkbox(),
  skipWeekends: checkbox(),
  skipHolidays: checkbox(),
  /** role placeholder → user id */
  roles: vine.record(vine.number().withoutDecimals().positive().optional()).optional(),
})

export const saveTemplateValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  category: optionalText(40),
  anchorDate: vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/),
})

export const blockerValidator = vine.create({ blockedById: id() })

export const attachmentValidator = vine.create({
  file: vine.file({ size: '20mb', extnames: ATTACHMENT_EXTNAMES }),
})

export const importTemplateValidator = vine.create({
  file: vine.file({ size: '1mb', extnames: ['json'] }),
})

export const newStatusValidator = vine.create({
  key: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,29}$/),
  name: vine.string().trim().minLength(1).maxLength(40),
  isDone: checkbox(),
})

export const statusValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(40),
  isDone: checkbox(),
})

export const recurringValidator = vine.create({
  title: vine.string().trim().minLength(1).maxLength(200),
  assigneeId: id().optional(),
  frequency: vine.enum(FREQUENCIES),
  weekday: vine.number().withoutDecimals().min(1).max(7).optional(),
  monthDay: vine.number().withoutDecimals().min(1).max(28).optional(),
  dueTime: time(),
})

/** The library's filters (GET /templates?category=服装&shopSize=small). */
export const templateFiltersValidator = vine.create({
  category: optionalText(40),
  shopSize: vine.enum(SHOP_SIZES).optional(),
})

/** Form rows arrive as an array, or (past 20 rows, as qs parses them) an object keyed by index. */
function indexedRows(value: unknown) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  return Object.keys(record)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => record[key])
}
/**
 * The template edit form: the template's fields and one row per task. A
 * row has its number (#) for "waits for", an order to sort by, and may be
 * removed; rows without a title are ignored (the blank rows for new tasks).
 */
export const editTemplateValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  category: optionalText(40),
  shopSize: vine.enum(SHOP_SIZES).optional(),
  description: optionalText(5000),
  /** The version the form was read at. */
  version: vine.number().withoutDecimals().positive(),
  tasks: vine
    .array(
      vine.object({
        row: vine.number().withoutDecimals().positive(),
        order: vine.number().optional(),
        remove: checkbox(),
        title: optionalText(200),
        offsetDays: vine.number().withoutDecimals().min(-366).max(366).optional(),
        offsetHours: vine.number().withoutDecimals().min(-23).max(23).optional(),
        dueTime: vine
          .string()
          .trim()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
          .optional(),
        role: optionalText(40),
        priority: vine.number().withoutDecimals().min(0).max(3).optional(),
        labels: optionalText(300),
        checklist: optionalText(5000),
        /** Row numbers (#) this task waits for: "1, 3". */
        dependsOn: vine
          .string()
          .trim()
          .regex(/^[\d,，\s]*$/)
          .maxLength(300)
          .optional(),
      })
    )
    .maxLength(200)
    .parse(indexedRows),
})

export const holidayValidator = vine.create({
  from: vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/),
  to: date(),
  name: vine.string().trim().minLength(1).maxLength(60),
})
