import vine from '@vinejs/vine'
import { MAX_PAGE_SIZE } from '#app/shared/kernel/pagination'

const page = {
  cursor: vine.string().trim().maxLength(500).optional(),
  limit: vine.number().withoutDecimals().min(1).max(MAX_PAGE_SIZE).optional(),
}

/** `?cursor=&limit=` on every list endpoint. */
export const apiPageValidator = vine.create(page)

export const auditEventsQueryValidator = vine.create({
  ...page,
  entity_type: vine.string().trim().maxLength(60).optional(),
  entity_id: vine.string().trim().maxLength(60).optional(),
  action: vine.string().trim().maxLength(60).optional(),
  actor_id: vine.number().withoutDecimals().positive().optional(),
})
