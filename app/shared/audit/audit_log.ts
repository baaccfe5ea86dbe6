import { DateTime } from 'luxon'
import { HttpContext } from '@adonisjs/core/http'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { Phone } from '#app/shared/kernel/phone'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface AuditActor {
  id: number
  fullName: string
}

export interface AuditEntry {
  entityType: string
  entityId?: string | number | null
  action: string
  /** Before/after of what changed; fields named in PERSONAL_FIELDS are masked. */
  before?: Record<string, unknown>
  after?: Record<string, unknown>
  context?: Record<string, unknown>
  /** Defaults to the signed-in user of the current request, if any. */
  actor?: AuditActor | null
  client?: TransactionClientContract
}

/** Fields holding personal data: recorded masked, never in clear. */
const PERSONAL_FIELDS = new Set([
  'phone',
  'mobile',
  'password',
  'token',
  'secret',
  'email_password',
])

/**
 * The audit log every module writes to: who did what, when, from where,
 * and which fields changed. Rows are only ever inserted.
 */
export class AuditLog {
  static async record(entry: AuditEntry): Promise<AuditEvent> {
    const ctx = HttpContext.get()
    const actor = entry.actor === undefined ? (ctx?.auth?.user ?? null) : entry.actor

    const event = new AuditEvent()
    if (entry.client) event.useTransaction(entry.client)
    event.fill({
      actorId: actor?.id ?? null,
      actorName: actor?.fullName ?? null,
      ip: ctx?.request.ip() ?? null,
      requestId: ctx?.request.id() ?? null,
      entityType: entry.entityType,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      action: entry.action,
      changes: AuditLog.diff(entry.before ?? {}, entry.after ?? {}),
      context: entry.context ?? null,
    })
    await event.save()
    return event
  }

  /**
   * Many entries in one insert (bulk actions such as a project from a
   * template), in the order given, inside the caller's transaction.
   */
  static async recordMany(entries: AuditEntry[], client: TransactionClientContract) {
    const ctx = HttpContext.get()
    const now = DateTime.utc()
    const createdAt = toDbTime(now, client)
    const rows = entries.map((entry) => {
      const actor = entry.actor === undefined ? (ctx?.auth?.user ?? null) : entry.actor
      const changes = AuditLog.diff(entry.before ?? {}, entry.after ?? {})
      return {
        actor_id: actor?.id ?? null,
        actor_name: actor?.fullName ?? null,
        ip: ctx?.request.ip() ?? null,
        request_id: ctx?.request.id() ?? null,
        entity_type: entry.entityType,
        entity_id: entry.entityId == null ? null : String(entry.entityId),
        action: entry.action,
        changes: changes ? JSON.stringify(changes) : null,
        context: entry.context ? JSON.stringify(entry.context) : null,
        created_at: createdAt,
      }
    })
    for (let i = 0; i < rows.length; i += 200) {
      await client.table('audit_events').multiInsert(rows.slice(i, i + 200))
    }
  }

  /** Only the fields whose value changed; personal data masked. */
  static diff(before: Record<string, unknown>, after: Record<string, unknown>) {
    const changes: Record<string, { before: unknown; after: unknown }> = {}
    const keys = new Set([...Object.keys(before), ...Object.keys(after)])
    for (const key of keys) {
      const a = before[key] ?? null
      const b = after[key] ?? null
      if (JSON.stringify(a) === JSON.stringify(b)) continue
      changes[key] = { before: AuditLog.mask(key, a), after: AuditLog.mask(key, b) }
    }
    return Object.keys(changes).length ? changes : null
  }

  private static mask(field: string, value: unknown) {
    if (value === null || value === undefined) return null
    if (field === 'phone' || field === 'mobile') {
      return typeof value === 'string' ? Phone.mask(Phone.normalise(value)) : '***'
    }
    if (PERSONAL_FIELDS.has(field)) return '***'
    return value
  }
}
