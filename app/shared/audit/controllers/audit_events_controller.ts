import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { userZone } from '#app/shared/kernel/time'

/** Settings → Audit log: filter by who, what, which entity and when; newest first. */
export default class AuditEventsController {
  static readonly PAGE_SIZE = 50

  async index({ request, view, auth }: HttpContext) {
    const filters = request.only([
      'actor',
      'entityType',
      'entityId',
      'action',
      'from',
      'to',
      'before',
    ])
    const zone = userZone(auth.user)
    const from = filters.from ? DateTime.fromISO(filters.from, { zone }).startOf('day') : null
    const to = filters.to ? DateTime.fromISO(filters.to, { zone }).endOf('day') : null

    const events = await AuditEvent.query()
      .if(filters.actor, (q) => q.where('actor_id', filters.actor))
      .if(filters.entityType, (q) => q.where('entity_type', filters.entityType))
      .if(filters.entityId, (q) => q.where('entity_id', filters.entityId))
      .if(filters.action, (q) => q.where('action', filters.action))
      .if(from?.isValid, (q) =>
        q.where('created_at', '>=', from!.toUTC().toSQL({ includeOffset: false })!)
      )
      .if(to?.isValid, (q) =>
        q.where('created_at', '<=', to!.toUTC().toSQL({ includeOffset: false })!)
      )
      // Keyset paging: "older than the last row of this page".
      .if(filters.before, (q) => q.where('id', '<', Number(filters.before)))
      .orderBy('id', 'desc')
      .limit(AuditEventsController.PAGE_SIZE + 1)

    const hasMore = events.length > AuditEventsController.PAGE_SIZE
    const page = events.slice(0, AuditEventsController.PAGE_SIZE)
    const entityTypes = await AuditEvent.query().distinct('entity_type').orderBy('entity_type')

    return view.render('pages/audit/index', {
      events: page,
      filters,
      nextBefore: hasMore ? page[page.length - 1].id : null,
      entityTypes: entityTypes.map((row) => row.entityType),
    })
  }
}
