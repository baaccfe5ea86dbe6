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
})
