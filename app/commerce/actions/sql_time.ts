import { type DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { utcSqlString } from '#app/shared/kernel/local_time'

/** A Luxon time as the connected dialect stores timestamps (UTC). */
export function sqlTime(
  client: QueryClientContract,
  value: DateTime | null | undefined
): string | null {
  if (!value) return null
  return utcSqlString(value, client.dialect.dateTimeFormat)
}
