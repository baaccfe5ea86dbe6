import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import CompanyHoliday from '#app/collaboration/models/company_holiday'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'
import { toDbTime } from '#app/shared/kernel/db_values'

/** A holiday entered as one day or a range (国庆 10-01 … 10-07) of at most 31 days. */
export interface HolidayInput {
  from: string
  to?: string | null
  name: string
}

/**
 * 节假日: the company's days off, which "new project from a template" can
 * keep due dates off. Managers (`tasks.manage`) edit the list.
 */
export class Holidays {
  static async daysBetween(companyId: number, from: DateTime, to: DateTime) {
    const rows = await db
      .from('company_holidays')
      .where('company_id', companyId)
      .whereBetween('day', [from.toISODate()!, to.toISODate()!])
      .select('day')
    return new Set(
      rows.map((row: { day: string | Date }) =>
        row.day instanceof Date
          ? DateTime.fromJSDate(row.day, { zone: 'utc' }).toISODate()!
          : String(row.day).slice(0, 10)
      )
    )
  }

  static list(companyId: number) {
    return CompanyHoliday.query().where('companyId', companyId).orderBy('day')
  }

  /** Adds each day of the range not already listed; returns how many were added. */
  async add(companyId: number, input: HolidayInput, actor: User) {
    if (!actor.can('tasks.manage')) throw new ForbiddenError()
    const from = DateTime.fromISO(input.from, { zone: 'utc' })
    const to = DateTime.fromISO(input.to || input.from, { zone: 'utc' })
    if (!from.isValid || !to.isValid) {
      throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
    }
    if (to < from)
      throw new DomainError('E_START_AFTER_END', 'collaboration.errors.start_after_end', 422)
    const days = Math.round(to.diff(from, 'days').days) + 1
    if (days > 31) throw new DomainError('E_HOLIDAY_RANGE', 'collaboration.holidays.too_long', 422)
    const wanted = Array.from({ length: days }, (_, i) => from.plus({ days: i }).toISODate()!)
    const have = await Holidays.daysBetween(companyId, from, to)
    const missing = wanted.filter((day) => !have.has(day))
    if (missing.length) {
      const now = toDbTime(DateTime.utc(), db.connection())
      await db.table('company_holidays').multiInsert(
        missing.map((day) => ({
          company_id: companyId,
          day,
          name: input.name,
          created_at: now,
        }))
      )
    }
    await AuditLog.record({
      entityType: 'company_holiday',
      entityId: null,
      action: 'collaboration.holidays_added',
      context: { name: input.name, from: wanted[0], to: wanted.at(-1), added: missing.length },
      actor,
    })
    return missing.length
  }

  async remove(companyId: number, id: number, actor: User) {
    if (!actor.can('tasks.manage')) throw new ForbiddenError()
    const holiday = await CompanyHoliday.query().where({ id, companyId }).firstOrFail()
    await holiday.delete()
    await AuditLog.record({
      entityType: 'company_holiday',
      entityId: id,
      action: 'collaboration.holiday_removed',
      before: { day: holiday.day.toISODate(), name: holiday.name },
      actor,
    })
  }
}
