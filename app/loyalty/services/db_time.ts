import { type DateTime } from 'luxon'

/** A timestamp as the driver returns it, in UTC (one reading for every module). */
export { fromDbTime as fromDb } from '#app/shared/kernel/db_values'

/** A UTC timestamp as both databases accept it in a comparison or insert. */
export function toDb(value: DateTime): string {
  return value.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
}
