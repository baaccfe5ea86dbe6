import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { dueDay } from '#app/collaboration/actions/manage_templates'

test.group('Collaboration / due days from T', () => {
  test('offsets count calendar days; skipping weekends moves away from T, never T itself', ({
    assert,
  }) => {
    // 2028-11-11 is a Saturday.
    const t = DateTime.fromISO('2028-11-11', { zone: 'Asia/Shanghai' })
    assert.equal(dueDay(t, 0), '2028-11-11')
    assert.equal(dueDay(t, 0, true), '2028-11-11')
    assert.equal(dueDay(t, -1), '2028-11-10')
    assert.equal(dueDay(t, -7, true), '2028-11-03') // a Saturday → Friday 11-03
    assert.equal(dueDay(t, -6, true), '2028-11-03') // Sunday 11-05 → Friday 11-03
    assert.equal(dueDay(t, 1, true), '2028-11-13') // Sunday 11-12 → Monday 11-13
    assert.equal(dueDay(t, 3, true), '2028-11-14') // Tuesday stays
    assert.equal(dueDay(t, -45), '2028-09-27')
  })

  test('holidays are skipped like weekends, also a holiday that spans T; T itself stays', ({
    assert,
  }) => {
    // 国庆 2026-10-01 … 10-07 around T = 2026-10-04 (a Sunday).
    const holidays = new Set(Array.from({ length: 7 }, (_, i) => `2026-10-0${i + 1}`))
    const t = DateTime.fromISO('2026-10-04', { zone: 'Asia/Shanghai' })
    assert.equal(dueDay(t, 0, { holidays, skipWeekends: true }), '2026-10-04')
    assert.equal(dueDay(t, -1, { holidays }), '2026-09-30')
    assert.equal(dueDay(t, -3, { holidays }), '2026-09-30')
    assert.equal(dueDay(t, 1, { holidays }), '2026-10-08')
    // 09-27 is a Sunday: only weekends move it, holidays alone do not.
    assert.equal(dueDay(t, -7, { holidays }), '2026-09-27')
    assert.equal(dueDay(t, -7, { holidays, skipWeekends: true }), '2026-09-25')
    // 10-10 Saturday, 10-11 Sunday → Monday 10-12.
    assert.equal(dueDay(t, 6, { holidays, skipWeekends: true }), '2026-10-12')
  })
})
