import { DateTime } from 'luxon'
import { Phone } from '#app/shared/kernel/phone'
import { ZoneClock } from '#app/shared/kernel/local_time'
import type { Gender } from '#app/members/models/member'

/**
 * Turns what people and platform exports write into clean values:
 * full-width characters, ¥ and thousands separators, Chinese dates.
 * Each parser returns a value, null for an empty cell, or throws a
 * CellError with a reason key (imports.reasons.*).
 */
export class CellError extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

const WIDE = /[\uFF01-\uFF5E\u3000]/

/** Full-width ASCII (１２３，＋) and the ideographic space to their plain forms. */
export function halfWidth(value: string): string {
  if (!WIDE.test(value)) return value.trim()
  return value
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim()
}

export function text(value: string | undefined, max = 200): string | null {
  const clean = (value ?? '').trim()
  if (!clean) return null
  if (clean.length > max) throw new CellError('too_long')
  return clean
}

const PLAIN_AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/

/** Yuan as written (`¥1,234.50`, `１２３元`) to integer fen, without floats. */
export function amountFen(
  value: string | undefined,
  { allowNegative = false } = {}
): number | null {
  // The usual spelling (`199`, `199.5`, `199.00`) straight away; anything else below.
  const plain = value === undefined ? null : PLAIN_AMOUNT.exec(value)
  if (plain) {
    const fen = Number(plain[1]) * 100 + Number((plain[2] ?? '').padEnd(2, '0'))
    if (Number.isSafeInteger(fen)) return fen
  }
  let clean = halfWidth(value ?? '')
    .replace(/[¥￥元,\s]/g, '')
    .replace(/^RMB/i, '')
  if (!clean) return null
  const negative = clean.startsWith('-')
  if (negative) clean = clean.slice(1)
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(clean)
  if (!match) throw new CellError('invalid_amount')
  if (negative && !allowNegative) throw new CellError('negative_amount')
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (!Number.isSafeInteger(fen)) throw new CellError('invalid_amount')
  return negative ? -fen : fen
}

export function integer(value: string | undefined): number | null {
  const clean = halfWidth(value ?? '').replace(/,/g, '')
  if (!clean) return null
  if (!/^-?\d+$/.test(clean)) throw new CellError('invalid_number')
  const n = Number(clean)
  if (!Number.isSafeInteger(n)) throw new CellError('invalid_number')
  return n
}

const DATE_PATTERN =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?分?)?$/
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/

/**
 * `2024-03-05`, `2024/3/5`, `2024年3月5日`, `2024.3.5`, `20240305`, each with
 * an optional time, read in `zone`; impossible dates (2月30日) are refused.
 * The result carries the zone's offset at that instant (see ZoneClock).
 */
export function dateTime(value: string | undefined, zone: string): DateTime | null {
  const clean = halfWidth(value ?? '')
  if (!clean) return null
  const match = DATE_PATTERN.exec(clean) ?? COMPACT_DATE.exec(clean)
  if (!match) {
    const iso = DateTime.fromISO(clean, { zone })
    if (iso.isValid) return iso
    throw new CellError('invalid_date')
  }
  const [, y, m, d, hh, mm, ss] = match
  // Plain valid times (nearly all of them) without Luxon; the rest as before.
  const clock = ZoneClock.of(zone)
  const ms = clock?.toMillis(+y, +m, +d, +(hh ?? 0), +(mm ?? 0), +(ss ?? 0))
  if (clock && ms !== null && ms !== undefined) return clock.dateTime(ms)
  const result = DateTime.fromObject(
    {
      year: Number(y),
      month: Number(m),
      day: Number(d),
      hour: Number(hh ?? 0),
      minute: Number(mm ?? 0),
      second: Number(ss ?? 0),
    },
    { zone }
  )
  if (!result.isValid) throw new CellError('impossible_date')
  if (result.year < 1900 || result.year > 2100) throw new CellError('impossible_date')
  return result
}

export function date(value: string | undefined): DateTime | null {
  const result = dateTime(value, 'utc')
  return result ? result.startOf('day') : null
}

export function phone(value: string | undefined): Phone | null {
  const clean = (value ?? '').trim()
  if (!clean) return null
  const parsed = Phone.tryParse(clean)
  if (!parsed) throw new CellError('invalid_phone')
  return parsed
}

export function gender(value: string | undefined): Gender | null {
  const clean = halfWidth(value ?? '').toLowerCase()
  if (!clean) return null
  if (['男', 'm', 'male', '1', '先生'].includes(clean)) return 'male'
  if (['女', 'f', 'female', '2', '女士'].includes(clean)) return 'female'
  if (['未知', 'unknown', '0', '保密'].includes(clean)) return 'unknown'
  throw new CellError('invalid_gender')
}

export function email(value: string | undefined): string | null {
  const clean = halfWidth(value ?? '')
  if (!clean) return null
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(clean) || clean.length > 254)
    throw new CellError('invalid_email')
  return clean.toLowerCase()
}
