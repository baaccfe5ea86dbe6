import { DateTime, FixedOffsetZone, IANAZone, Settings, type Zone } from 'luxon'

/**
 * Wall-clock time in a zone to an instant, and instants to the strings the
 * databases and fingerprints use, without Luxon's per-value cost (an Intl
 * call per offset lookup, a tokenised formatter per string). Imports read
 * millions of dates; this keeps them to a few hundred nanoseconds each.
 *
 * The answers are Luxon's: offsets come from Luxon's own zone, cached per
 * UTC hour (an hour whose two ends have different offsets holds a
 * transition and is never cached), and a wall time is resolved with the
 * same guess-and-correct steps as `DateTime.fromObject`, so gaps and
 * repeated hours around DST changes land where Luxon puts them. Anything
 * unusual (an invalid field, 24:00, years outside 1900–2100, an offset
 * that is not whole minutes) is handed to Luxon itself.
 */
export class ZoneClock {
  private static clocks = new Map<string, ZoneClock | null>()

  /** The clock of an IANA zone (or `utc`), null when Luxon does not know the zone. */
  static of(name: string): ZoneClock | null {
    let clock = ZoneClock.clocks.get(name)
    if (clock === undefined) {
      const zone: Zone | null =
        name.toLowerCase() === 'utc' ? FixedOffsetZone.utcInstance : IANAZone.create(name)
      clock = zone && zone.isValid ? new ZoneClock(name, zone) : null
      ZoneClock.clocks.set(name, clock)
    }
    return clock
  }

  /** Offset (minutes) per UTC hour; NaN for an hour that holds a transition. */
  private hours = new Map<number, number>()
  private fixed: number | null
  private guess = { at: -Infinity, offset: 0 }

  private constructor(
    readonly name: string,
    private zone: Zone
  ) {
    this.fixed = zone.isUniversal ? zone.offset(0) : null
  }

  /** Offset from UTC in minutes at an instant, as `zone.offset(ms)` gives it. */
  offsetAt(ms: number): number {
    if (this.fixed !== null) return this.fixed
    const hour = Math.floor(ms / 3_600_000)
    let offset = this.hours.get(hour)
    if (offset === undefined) {
      const start = this.zone.offset(hour * 3_600_000)
      const end = this.zone.offset(hour * 3_600_000 + 3_599_999)
      offset = start === end ? start : Number.NaN
      if (this.hours.size > 200_000) this.hours.clear()
      this.hours.set(hour, offset)
    }
    return Number.isNaN(offset) ? this.zone.offset(ms) : offset
  }

  /**
   * The instant of a wall-clock time in this zone (what
   * `DateTime.fromObject(fields, { zone }).toMillis()` answers), or null
   * when the fields are not a plain valid time (let Luxon decide those).
   */
  toMillis(
    year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    second = 0
  ): number | null {
    if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null
    if (day > daysInMonth(year, month)) return null
    if (hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0) return null
    const local = Date.UTC(year, month - 1, day, hour, minute, second)
    // Luxon's first guess is the zone's offset now; it decides the repeated hour of a DST end.
    const now = Settings.now()
    if (now - this.guess.at > 60_000) this.guess = { at: now, offset: this.zone.offset(now) }
    const o = this.guess.offset
    let utc = local - o * 60_000
    const o2 = this.offsetAt(utc)
    if (o2 !== o) {
      utc -= (o2 - o) * 60_000
      const o3 = this.offsetAt(utc)
      if (o3 !== o2) utc = local - Math.min(o2, o3) * 60_000
    }
    return Number.isInteger(this.offsetAt(utc)) ? utc : null
  }

  /**
   * A DateTime at the instant, carrying this zone's offset at that instant
   * (a fixed-offset zone: same instant, same wall time and same ISO string
   * as a DateTime in the named zone, without an Intl lookup to build it).
   */
  dateTime(ms: number): DateTime {
    const offset = this.offsetAt(ms)
    // A named zone at +00:00 prints its offset, the UTC zone prints Z: keep the name there.
    if (offset === 0 && this.fixed === null) return DateTime.fromMillis(ms, { zone: this.zone })
    return DateTime.fromMillis(ms, { zone: FixedOffsetZone.instance(offset) })
  }
}

function daysInMonth(year: number, month: number) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * An instant as the database stores timestamps (UTC), for Lucid's dialect
 * formats: `yyyy-MM-dd HH:mm:ss` (SQLite, MySQL) and
 * `yyyy-MM-dd'T'HH:mm:ss.SSSZZ` (PostgreSQL); other formats go to Luxon.
 */
export function utcSqlString(value: DateTime, format: string): string {
  const ms = value.toMillis()
  if (Number.isFinite(ms) && ms >= MIN_MS && ms < MAX_MS) {
    const iso = new Date(ms).toISOString()
    if (format === SQLITE_FORMAT) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
    if (format === PG_FORMAT) return `${iso.slice(0, 23)}+00:00`
  }
  return value.toUTC().toFormat(format)
}

/** `value.toUTC().toISO({ suppressMilliseconds: true })`, without Luxon's formatter. */
export function utcIso(value: DateTime): string {
  const ms = value.toMillis()
  if (!Number.isFinite(ms) || ms < MIN_MS || ms >= MAX_MS) {
    return value.toUTC().toISO({ suppressMilliseconds: true })!
  }
  const iso = new Date(ms).toISOString()
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso
}

const SQLITE_FORMAT = 'yyyy-MM-dd HH:mm:ss'
const PG_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZZ"
/** Years 1000–9999: four-digit years, as Luxon writes them. */
const MIN_MS = Date.UTC(1000, 0, 1)
const MAX_MS = Date.UTC(10000, 0, 1)
