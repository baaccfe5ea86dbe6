import { test } from '@japa/runner'
import { DateTime, IANAZone } from 'luxon'
import { ZoneClock, utcIso, utcSqlString } from '#app/shared/kernel/local_time'
import { dbTimeMillis, fromDbTime } from '#app/shared/kernel/db_values'

const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Pacific/Chatham',
]

/** Small seeded PRNG: the same cases on every run. */
function rng(seed: number) {
  let a = seed >>> 0
  return (min: number, max: number) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min + 1))
  }
}

type Fields = [number, number, number, number, number, number]

/** Local days on which the zone's offset changes, in the given years. */
function transitionDays(zone: string, years: number[]) {
  const iana = IANAZone.create(zone)
  const days: [number, number, number][] = []
  for (const year of years) {
    let at = Date.UTC(year, 0, 1)
    let previous = iana.offset(at)
    for (; at < Date.UTC(year + 1, 0, 1); at += 3_600_000) {
      const offset = iana.offset(at)
      if (offset !== previous) {
        const local = DateTime.fromMillis(at, { zone })
        days.push([local.year, local.month, local.day])
        previous = offset
      }
    }
  }
  return days
}

function assertSameAsLuxon(assert: any, zone: string, [y, mo, d, h, mi, s]: Fields) {
  const luxon = DateTime.fromObject(
    { year: y, month: mo, day: d, hour: h, minute: mi, second: s },
    { zone }
  )
  const clock = ZoneClock.of(zone)!
  const ms = clock.toMillis(y, mo, d, h, mi, s)
  const label = `${zone} ${y}-${mo}-${d} ${h}:${mi}:${s}`
  if (ms === null) return // handed to Luxon by the caller
  assert.equal(ms, luxon.toMillis(), label)
  const fast = clock.dateTime(ms)
  assert.equal(fast.toISO(), luxon.toISO(), label)
  assert.equal(fast.offset, luxon.offset, label)
}

test.group('ZoneClock: wall time in a zone to an instant, as Luxon answers', () => {
  test('random times from 1900 to 2100 in zones with and without DST', ({ assert }) => {
    const random = rng(20261201)
    for (const zone of ZONES) {
      for (let i = 0; i < 1500; i++) {
        const year = random(1900, 2100)
        const month = random(1, 12)
        assertSameAsLuxon(assert, zone, [
          year,
          month,
          random(1, 28),
          random(0, 23),
          random(0, 59),
          random(0, 59),
        ])
      }
    }
  })

  test('every quarter hour of the days a zone changes offset (gaps and repeated hours)', ({
    assert,
  }) => {
    const years = [1987, 1990, 2011, 2024, 2025]
    for (const zone of ZONES) {
      for (const [y, mo, d] of transitionDays(zone, years)) {
        for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
          assertSameAsLuxon(assert, zone, [y, mo, d, Math.floor(minutes / 60), minutes % 60, 0])
        }
      }
    }
    // Shanghai kept summer time from 1986 to 1991 and none since: both are covered.
    assert.isAbove(transitionDays('Asia/Shanghai', [1987, 1990]).length, 0)
    assert.lengthOf(transitionDays('Asia/Shanghai', [2011, 2024, 2025]), 0)
  })

  test('Asia/Shanghai is UTC+8 today, whatever the hour', ({ assert }) => {
    const clock = ZoneClock.of('Asia/Shanghai')!
    assert.equal(clock.toMillis(2024, 3, 5, 10, 0, 0), Date.UTC(2024, 2, 5, 2, 0, 0))
    assert.equal(clock.toMillis(2024, 1, 1, 0, 0, 0), Date.UTC(2023, 11, 31, 16, 0, 0))
    assert.equal(clock.dateTime(Date.UTC(2024, 2, 5, 2)).toISO(), '2024-03-05T10:00:00.000+08:00')
  })

  test('leaves what is not a plain valid time to Luxon', ({ assert }) => {
    const clock = ZoneClock.of('Asia/Shanghai')!
    assert.isNull(clock.toMillis(2023, 2, 29))
    assert.isNull(clock.toMillis(2024, 4, 31))
    assert.isNull(clock.toMillis(2024, 13, 1))
    assert.isNull(clock.toMillis(2024, 1, 1, 24, 0, 0))
    assert.isNull(clock.toMillis(1899, 12, 31))
    assert.isNull(clock.toMillis(2101, 1, 1))
    assert.equal(clock.toMillis(2024, 2, 29), Date.UTC(2024, 1, 28, 16))
    assert.isNull(ZoneClock.of('Mars/Olympus'))
  })
})

test.group('UTC strings without the Luxon formatter', () => {
  test('database timestamps and ISO strings equal Luxon output', ({ assert }) => {
    const random = rng(7)
    const formats = ['yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", 'dd/MM/yyyy']
    for (let i = 0; i < 3000; i++) {
      const ms = Date.UTC(random(1000, 9998), random(0, 11), random(1, 28)) + random(0, 86_399_999)
      const zone = ZONES[i % ZONES.length]
      const value = DateTime.fromMillis(i % 3 ? ms - (ms % 1000) : ms, { zone })
      for (const format of formats) {
        assert.equal(utcSqlString(value, format), value.toUTC().toFormat(format))
      }
      assert.equal(utcIso(value), value.toUTC().toISO({ suppressMilliseconds: true }))
    }
    const far = DateTime.fromObject({ year: 12000, month: 1, day: 1 }, { zone: 'utc' })
    assert.equal(utcIso(far), far.toISO({ suppressMilliseconds: true }))
  })
})

test.group('Stored times read as milliseconds', () => {
  test('dbTimeMillis equals fromDbTime for what either database hands back', ({ assert }) => {
    const random = rng(11)
    const formats = ['yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss.SSSZZ"]
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(random(1000, 9998), random(0, 11), random(1, 28)) + random(0, 86_399_999)
      const value = DateTime.fromMillis(ms, { zone: ZONES[i % ZONES.length] })
      for (const format of formats) {
        const stored = utcSqlString(value, format)
        assert.equal(dbTimeMillis(stored), fromDbTime(stored)!.toMillis(), stored)
      }
      assert.equal(dbTimeMillis(new Date(ms)), ms)
    }
    // Not the formats toDbTime writes: read as fromDbTime reads them.
    for (const text of ['2024-03-05', '2024-03-05T10:00:00+08:00', '2024-03-05T10:00:00.5+0800']) {
      assert.equal(dbTimeMillis(text), fromDbTime(text)!.toMillis(), text)
    }
  })
})
