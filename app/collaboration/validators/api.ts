import vine from '@vinejs/vine'
import { PROJECT_STATUSES } from '#app/collaboration/models/project'

const date = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
const id = () => vine.number().withoutDecimals().positive()

export const apiTaskFiltersValidator = vine.create({
  project: id().optional(),
  assignee: id().optional(),
  /** A status key: todo, doing, review, done … */
  status: vine.string().trim().maxLength(30).optional(),
  dueFrom: date().optional(),
  dueTo: date().optional(),
})

export const apiCreateTaskValidator = vine.create({
  title: vine.string().trim().minLength(1).maxLength(200),
  description: vine.string().maxLength(20000).optional(),
  priority: vine.number().withoutDecimals().min(0).max(3).optional(),
  assigneeId: id().optional(),
  status: vine.string().trim().maxLength(30).optional(),
  dueDate: date().optional(),
  dueTime: vine
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}$/)
    .optional(),
  labels: vine.array(vine.string().trim().minLength(1).maxLength(40)).maxLength(20).optional(),
  checklist: vine.array(vine.string().trim().minLength(1).maxLength(200)).maxLength(100).optional(),
})

export const apiFromTemplateValidator = vine.create({
  templateId: id(),
  anchorDate: date(),
  name: vine.string().trim().maxLength(120).optional(),
  shopId: id().optional(),
  isPrivate: vine.boolean().optional(),
  skipWeekends: vine.boolean().optional(),
  skipHolidays: vine.boolean().optional(),
  roles: vine.record(id()).optional(),
})

/** PATCH /api/v1/tasks/:id: only the fields sent change; `version` is the one the caller read. */
export const apiUpdateTaskValidator = vine.create({
  version: vine.number().withoutDecimals().positive(),
  title: vine.string().trim().minLength(1).maxLength(200).optional(),
  description: vine.string().maxLength(20000).nullable().optional(),
  priority: vine.number().withoutDecimals().min(0).max(3).optional(),
  assigneeId: id().nullable().optional(),
  status: vine.string().trim().maxLength(30).optional(),
  startDate: date().nullable().optional(),
  startTime: vine
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}$/)
    .nullable()
    .optional(),
  dueDate: date().nullable().optional(),
  dueTime: vine
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}$/)
    .nullable()
    .optional(),
  labels: vine.array(vine.string().trim().minLength(1).maxLength(40)).maxLength(20).optional(),
})

const projectStatus = () => vine.enum(PROJECT_STATUSES)

/** POST /api/v1/projects: the creator becomes the owner and a member. */
export const apiCreateProjectValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120),
  description: vine.string().maxLength(5000).nullable().optional(),
  shopId: id().nullable().optional(),
  startsOn: date().nullable().optional(),
  endsOn: date().nullable().optional(),
  status: projectStatus().optional(),
  isPrivate: vine.boolean().optional(),
  memberIds: vine.array(id()).maxLength(50).optional(),
})

/** PATCH /api/v1/projects/:id: only the fields sent change. */
export const apiUpdateProjectValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(120).optional(),
  description: vine.string().maxLength(5000).nullable().optional(),
  shopId: id().nullable().optional(),
  startsOn: date().nullable().optional(),
  endsOn: date().nullable().optional(),
  status: projectStatus().optional(),
  isPrivate: vine.boolean().optional(),
  /** The full member list (the owner always stays a member). */
  memberIds: vine.array(id()).maxLength(50).optional(),
})
