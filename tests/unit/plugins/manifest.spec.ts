import { test } from '@japa/runner'
import { satisfies, isValidRange } from '#app/plugins/semver'

test.group('Plugins / host version ranges', () => {
  test('caret, tilde, comparators, wildcards and unions', ({ assert }) => {
    const cases: Array<[string, string, boolean]> = [
      ['0.1.0', '^0.1.0', true],
      ['0.1.9', '^0.1.0', true],
      ['0.2.0', '^0.1.0', false],
      ['1.4.2', '^1.2.0', true],
      ['2.0.0', '^1.2.0', false],
      ['1.2.9', '~1.2.3', true],
      ['1.3.0', '~1.2.3', false],
      ['0.1.0', '>=0.1.0 <1.0.0', true],
      ['1.0.0', '>=0.1.0 <1.0.0', false],
      ['3.1.0', '^1.0.0 || ^3.0.0', true],
      ['0.1.0', '*', true],
      ['1.2.7', '1.2.x', true],
      ['1.3.0', '1.2.x', false],
      ['1.0.0-beta.1', '^1.0.0', false],
      ['0.1.0', '^9.0.0', false],
    ]
    for (const [version, range, expected] of cases) {
      assert.equal(satisfies(version, range), expected, `${version} in ${range}`)
    }
  })

  test('malformed ranges are invalid and never satisfied', ({ assert }) => {
    for (const range of ['', 'latest', '^one', '>>1.0.0']) {
      assert.isFalse(isValidRange(range), range)
      assert.isFalse(satisfies('0.1.0', range))
    }
  })
})
