import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import {
  evaluateEarning,
  linePercent,
  type EarningRule,
  type Promotion,
} from '#app/loyalty/services/earning_rules'
import { defaultSettings, expiryFor } from '#app/loyalty/services/loyalty_settings'

const rule = (overrides: Partial<EarningRule> = {}): EarningRule => ({
  id: 1,
  version: 1,
  pointsPerYuan: 1,
  includeShipping: false,
  perOrderCap: null,
  perMemberDailyCap: null,
  effectiveFrom: DateTime.utc(2026, 1, 1),
  note: null,
  ...overrides,
})

const double: Promotion = {
  id: 9,
  name: '会员日',
  multiplierPercent: 200,
  startsAt: DateTime.utc(2026, 3, 1),
  endsAt: DateTime.utc(2026, 3, 2),
  cancelledAt: null,
}

test.group('Loyalty / earning evaluation', () => {
  test('shipping is excluded by default and fractions of a point are floored', ({ assert }) => {
    const earning = evaluateEarning(rule(), null, { paidFen: 12_999, shippingFen: 1_000 })
    assert.equal(earning.eligibleFen, 11_999)
    assert.equal(earning.points, 119)
    assert.equal(
      evaluateEarning(rule({ includeShipping: true }), null, {
        paidFen: 12_999,
        shippingFen: 1_000,
      }).points,
      129
    )
  })

  test('steps run in order: base, promotion multiplier (floored), then the cap', ({ assert }) => {
    const earning = evaluateEarning(rule({ pointsPerYuan: 3, perOrderCap: 500 }), double, {
      paidFen: 10_050,
      shippingFen: 0,
    })
    assert.deepEqual(
      earning.steps.map((s) => [s.step, s.value, s.applied]),
      [
        ['eligible', 10_050, true],
        ['base', 301, true],
        ['items', 301, false],
        ['tier', 301, false],
        ['promotion', 602, true],
        ['cap', 500, true],
        ['daily_cap', 500, false],
        ['member_cap', 500, false],
        ['budget', 500, false],
      ]
    )
    assert.equal(earning.points, 500)
    const odd = evaluateEarning(
      rule(),
      { ...double, multiplierPercent: 150 },
      { paidFen: 333, shippingFen: 0 }
    )
    assert.equal(odd.points, 4) // floor(3 × 1.5)
  })

  test("the per-member daily cap takes what is left of it after the day's other orders", ({
    assert,
  }) => {
    const capped = rule({ perMemberDailyCap: 250 })
    const order = { paidFen: 20_000, shippingFen: 0 }
    assert.equal(evaluateEarning(capped, null, order, 0).points, 200)
    assert.equal(evaluateEarning(capped, null, order, 200).points, 50)
    assert.equal(evaluateEarning(capped, null, order, 300).points, 0)
    // No member (the preview): the daily cap is not applied.
    const preview = evaluateEarning(capped, null, order)
    assert.equal(preview.points, 200)
    assert.isFalse(preview.steps.find((s) => s.step === 'daily_cap')!.applied)
  })

  test("the per-member total cap takes what is left of it after the member's other orders, before the promotion budget", ({
    assert,
  }) => {
    const capped = rule({ perMemberTotalCap: 1000 })
    const order = { paidFen: 20_000, shippingFen: 0 }
    const at = (earned: number) =>
      evaluateEarning(capped, null, order, 0, { earnedInTotal: earned })
    assert.equal(at(0).points, 200)
    assert.equal(at(900).points, 100)
    assert.isTrue(at(900).steps.find((s) => s.step === 'member_cap')!.applied)
    assert.equal(at(1200).points, 0)
    // The daily cap and the total cap both hold: the smaller room wins.
    const both = rule({ perMemberDailyCap: 150, perMemberTotalCap: 1000 })
    assert.equal(evaluateEarning(both, null, order, 0, { earnedInTotal: 900 }).points, 100)
    assert.equal(evaluateEarning(both, null, order, 0, { earnedInTotal: 0 }).points, 150)
    // Doubled by a promotion with a budget: 400 asked, 300 left under the cap, and the
    // budget pays only the 100 above what the order earns without the promotion.
    const promoted = evaluateEarning(
      capped,
      { ...double, budgetPoints: 1000, budgetSpent: 0 },
      order,
      0,
      { earnedInTotal: 700, budgetLeft: 1000 }
    )
    assert.equal(promoted.points, 300)
    assert.equal(promoted.promotionPoints, 100)
    // No member (the preview): not applied.
    const preview = evaluateEarning(capped, null, order)
    assert.equal(preview.points, 200)
    assert.isFalse(preview.steps.find((s) => s.step === 'member_cap')!.applied)
  })

  test('no rule in force earns nothing; shipping above paid never goes negative', ({ assert }) => {
    assert.equal(evaluateEarning(null, double, { paidFen: 10_000, shippingFen: 0 }).points, 0)
    assert.equal(evaluateEarning(rule(), null, { paidFen: 500, shippingFen: 800 }).points, 0)
  })

  test('expiry policies: never, N months, end of the year after next (company zone)', ({
    assert,
  }) => {
    const earned = DateTime.fromISO('2026-06-15T04:00:00Z', { zone: 'utc' })
    const settings = defaultSettings(1)
    assert.isNull(expiryFor({ ...settings, expiryPolicy: 'never' }, earned, 'Asia/Shanghai'))
    assert.equal(
      expiryFor(
        { ...settings, expiryPolicy: 'months', expiryMonths: 6 },
        earned,
        'Asia/Shanghai'
      )!.toISO(),
      '2026-12-15T04:00:00.000Z'
    )
    // 2027-12-31 23:59:59 in Shanghai is 2027-12-31 15:59:59 UTC.
    assert.equal(expiryFor(settings, earned, 'Asia/Shanghai')!.toISO(), '2027-12-31T15:59:59.000Z')
    // Earned on 31 Dec 20:00 UTC = 1 Jan 04:00 in Shanghai: already next year there.
    assert.equal(
      expiryFor(
        settings,
        DateTime.fromISO('2026-12-31T20:00:00Z', { zone: 'utc' }),
        'Asia/Shanghai'
      )!.toISO(),
      '2028-12-31T15:59:59.000Z'
    )
  })

  test('item rules: an exclusion at any level wins, else the most specific multiplier', ({
    assert,
  }) => {
    const rules = [
      { scope: 'sku' as const, match: 'A', percent: 300 },
      { scope: 'category' as const, match: '服装', percent: 150 },
      { scope: 'category' as const, match: '酒水', percent: 0 },
      { scope: 'shop' as const, match: '7', percent: 120 },
    ]
    assert.equal(linePercent(rules, { skuCode: 'A', category: '服装' }, 7), 300)
    assert.equal(linePercent(rules, { skuCode: 'B', category: '服装' }, 7), 150)
    assert.equal(linePercent(rules, { skuCode: 'B', category: null }, 7), 120)
    assert.equal(linePercent(rules, { skuCode: 'A', category: '酒水' }, 7), 0)
    assert.equal(linePercent(rules, { skuCode: 'C', category: null }, 8), 100)
  })

  test('tier, promotion, caps and budget: the promotion budget pays only what the caps let through', ({
    assert,
  }) => {
    const tiered = rule({
      pointsPerYuan: 1,
      perOrderCap: 250,
      perMemberDailyCap: 1000,
      tierMultipliers: { '3': 150 },
    })
    const order = { paidFen: 10_000, shippingFen: 0 }
    // 100 base × 1.5 (tier) = 150; × 2 (promotion) = 300; cap 250: the promotion added 100.
    const full = evaluateEarning(tiered, double, order, 0, { tierId: 3 })
    assert.equal(full.points, 250)
    assert.equal(full.promotionPoints, 100)
    assert.equal(full.tierId, 3)
    // Budget of 40: 150 + 40.
    const short = evaluateEarning(tiered, double, order, 0, { tierId: 3, budgetLeft: 40 })
    assert.equal(short.points, 190)
    assert.equal(short.promotionPoints, 40)
    assert.isTrue(short.steps.find((s) => s.step === 'budget')!.applied)
    // Spent budget: the base only. The daily cap leaves 160: the promotion adds 10.
    assert.equal(
      evaluateEarning(tiered, double, order, 0, { tierId: 3, budgetLeft: 0 }).points,
      150
    )
    const daily = evaluateEarning(tiered, double, order, 840, { tierId: 3 })
    assert.equal(daily.points, 160)
    assert.equal(daily.promotionPoints, 10)
    // Another tier: ×1.
    assert.equal(evaluateEarning(tiered, null, order, 0, { tierId: 4 }).points, 100)
  })

  test('item multipliers round once over the whole order; excluded lines leave the eligible amount', ({
    assert,
  }) => {
    const withItems = rule({
      pointsPerYuan: 1,
      itemRules: [
        { scope: 'sku', match: 'A', percent: 150 },
        { scope: 'category', match: '酒水', percent: 0 },
      ],
    })
    const earning = evaluateEarning(withItems, null, {
      paidFen: 3_399,
      shippingFen: 0,
      lines: [
        { skuCode: 'A', category: null, paidFen: 1_099 },
        { skuCode: 'B', category: null, paidFen: 1_100 },
        { skuCode: 'W', category: '酒水', paidFen: 1_200 },
      ],
    })
    assert.equal(earning.eligibleFen, 2_199)
    // floor((1099 × 150 + 1100 × 100) / 10000) = floor(27.485) = 27
    assert.equal(earning.points, 27)
  })
})
