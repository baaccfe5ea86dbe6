import vine from '@vinejs/vine'
import { PROJECT_STATUSES } from '#app/collaboration/models/project'
import { FREQUENCIES } from '#app/collaboration/models/recurring_task'
import { ATTACHMENT_EXTNAMES } from '#app/collaboration/actions/task_attachments'

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
