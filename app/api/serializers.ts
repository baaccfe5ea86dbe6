import type User from '#app/identity/models/user'
import type AuditEvent from '#app/shared/audit/models/audit_event'
import type JobRun from '#app/shared/queue/models/job_run'

/**
 * What /api/v1 returns for each resource: explicit fields, never a whole
 * model (no password hashes, encrypted columns or internal flags), phones
 * masked unless the caller may see them.
 */
export function serializeUser(user: User, unmaskPhones: boolean) {
  const phone = user.phone
  return {
    id: user.id,
    fullName: user.fullName,
    email: user.email,
    phone: phone ? (unmaskPhones ? phone.digits : phone.masked) : null,
    role: user.role,
    locale: user.locale,
    timezone: user.timezone,
    disabled: user.isDisabled,
    lastLoginAt: user.lastLoginAt?.toISO() ?? null,
    createdAt: user.createdAt.toISO(),
  }
}

export function serializeAuditEvent(event: AuditEvent) {
  return {
    id: event.id,
    at: event.createdAt.toISO(),
    actorId: event.actorId,
    actorName: event.actorName,
    ip: event.ip,
    requestId: event.requestId,
    entityType: event.entityType,
    entityId: event.entityId,
    action: event.action,
    changes: event.changes,
    context: event.context,
  }
}

export function serializeJobRun(run: JobRun) {
  return {
    id: run.id,
    job: run.jobName,
    status: run.status,
    progress: run.progress,
    counts: run.counts,
    error: run.error,
    attempts: run.attempts,
    maxAttempts: run.maxAttempts,
    createdAt: run.createdAt.toISO(),
    startedAt: run.startedAt?.toISO() ?? null,
    finishedAt: run.finishedAt?.toISO() ?? null,
  }
}
