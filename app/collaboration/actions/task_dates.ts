import { DateTime } from 'luxon'
import { DomainError } from '#app/shared/errors/domain_error'

/**
 * A task's start and due are a date (all day) or a date and a time, in the
 * company zone. Both are stored as one UTC instant: a date-only value as
 * the last second of that day, so "overdue" is one comparison with now.
 */
export class TaskDates {
  static parse(
    date: string | null | undefined,
    time: string | null | undefined,
    zone: string
  ): { at: DateTime | null; hasTime: boolean } {
    if (!date) return { at: null, hasTime: false }
    const day = DateTime.fromISO(date, { zone })
    if (!day.isValid) throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
    if (!time) return { at: day.endOf('day').set({ millisecond: 0 }).toUTC(), hasTime: false }
    const at = DateTime.fromISO(`${date}T${time}`, { zone })
    if (!at.isValid) throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
    return { at: at.toUTC(), hasTime: true }
  }

  /** Form values back from a stored instant. */
  static toForm(at: DateTime | null, hasTime: boolean, zone: string) {
    if (!at) return { date: '', time: '' }
    const local = at.setZone(zone)
    return { date: local.toISODate() ?? '', time: hasTime ? local.toFormat('HH:mm') : '' }
  }

  static format(at: DateTime | null, hasTime: boolean, zone: string) {
    if (!at) return ''
    const local = at.setZone(zone)
    return hasTime ? local.toFormat('yyyy-MM-dd HH:mm') : local.toFormat('yyyy-MM-dd')
  }

  /** Start after due is impossible. */
  static assertOrder(start: DateTime | null, due: DateTime | null) {
    if (start && due && start > due) {
      throw new DomainError('E_START_AFTER_DUE', 'collaboration.errors.start_after_due', 422)
    }
  }
}
