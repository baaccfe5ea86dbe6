import type { HttpContext } from '@adonisjs/core/http'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { paginate } from '#app/shared/kernel/pagination'
import { auditEventsQueryValidator } from '#app/api/validators'
import { serializeAuditEvent } from '#app/api/serializers'

/** GET /api/v1/audit-events: the audit log, newest first, filterable, keyset-paged. */
export default class AuditEventsController {
  async index({ request }: HttpContext) {
    const filters = await request.validateUsing(auditEventsQueryValidator)
    const query = AuditEvent.query()
      .if(filters.entity_type, (q) => q.where('entity_type', filters.entity_type!))
      .if(filters.entity_id, (q) => q.where('entity_id', filters.entity_id!))
      .if(filters.action, (q) => q.where('action', filters.action!))
      .if(filters.actor_id, (q) => q.where('actor_id', filters.actor_id!))
    const page = await paginate(query, { cursor: filters.cursor, limit: filters.limit })
    return { data: page.rows.map(serializeAuditEvent), meta: { next: page.next } }
  }
}
