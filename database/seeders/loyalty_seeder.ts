import { BaseSeeder } from '@adonisjs/lucid/seeders'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { saveLoyaltySettings, defaultSettings } from '#app/loyalty/services/loyalty_settings'
import { Tiers } from '#app/loyalty/services/tiers'
import { Rewards } from '#app/loyalty/actions/rewards'
import { GrantBonuses } from '#app/loyalty/actions/grant_bonuses'
import { ManageEarningRules } from '#app/loyalty/actions/manage_earning_rules'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { toDbTime } from '#app/shared/kernel/db_values'

/**
 * Demo loyalty programme for the demo company: an earning rule in force
 * since before the demo orders (1 point per ¥, shipping excluded, at most
 * 5,000 per order; tier multipliers ×1.1/×1.2/×1.5; bonuses: signup 100,
 * first order 200, birthday month 50, completed profile 50), silver/gold/
 * diamond tiers, a few rewards, next month's member day with a 200,000-point
 * budget, then the accrual job credits the demo orders and the bonus job
 * grants the bonuses. Runs once.
 */
export default class LoyaltySeeder extends BaseSeeder {
  static environment = ['development', 'test']

  async run() {
    await LoyaltySeeder.seed()
  }

  static async seed() {
    const company = await db.from('companies').orderBy('id').first()
    if (!company) return { postings: 0 }
    if (await db.from('loyalty_earning_rules').where('company_id', company.id).first()) {
      return { postings: 0 }
    }
    const companyId = Number(company.id)
    const now = DateTime.utc()
    await saveLoyaltySettings({ ...defaultSettings(companyId), returnWindowDays: 7 }, null)
    const tiers = new Tiers()
    const silver = await tiers.create(
      companyId,
      { name: '银卡', color: '#94a3b8', threshold: 100_000 },
      null
    )
    const gold = await tiers.create(
      companyId,
      { name: '金卡', color: '#d4a017', threshold: 300_000 },
      null
    )
    const diamond = await tiers.create(
      companyId,
      { name: '钻石卡', color: '#3b82f6', threshold: 800_000 },
      null
    )
    // Seed data only: a rule dated back so the demo history earns (staff can only publish from now on).
    await db.table('loyalty_earning_rules').insert({
      company_id: companyId,
      version: 1,
      points_per_yuan: 1,
      include_shipping: false,
      per_order_cap: 5000,
      effective_from: toDbTime(now.minus({ years: 5 })),
      note: '开业规则',
      tier_multipliers: JSON.stringify({ [silver]: 110, [gold]: 120, [diamond]: 150 }),
      signup_bonus: 100,
      first_order_bonus: 200,
      birthday_bonus: 50,
      profile_bonus: 50,
      created_at: toDbTime(now),
    })

    const rewards = new Rewards()
    const catalogue = [
      {
        name: '满 200 减 20 优惠券',
        kind: 'coupon',
        pointsCost: 500,
        stock: null,
        perMemberLimit: 3,
      },
      { name: '品牌帆布袋', kind: 'gift', pointsCost: 1200, stock: 50, perMemberLimit: 1 },
      { name: '全年包邮卡', kind: 'benefit', pointsCost: 3000, stock: null, perMemberLimit: 1 },
    ] as const
    for (const reward of catalogue) await rewards.create(companyId, { ...reward }, null)
    const memberDay = now
      .setZone(company.timezone || 'Asia/Shanghai')
      .plus({ months: 1 })
      .set({
        day: 8,
        hour: 0,
        minute: 0,
        second: 0,
        millisecond: 0,
      })
    await new ManageEarningRules().createPromotion(
      companyId,
      {
        name: '会员日双倍积分',
        multiplierPercent: 200,
        startsAt: memberDay.toUTC(),
        endsAt: memberDay.plus({ days: 1 }).toUTC(),
        budgetPoints: 200_000,
      },
      null
    )
    const counts = await new AccrueFromCommerce().run()
    await new PointsLedger().releaseDue()
    const bonuses = await new GrantBonuses().run(companyId)
    return {
      postings:
        counts.earned +
        counts.reversed +
        bonuses.signup +
        bonuses.first_order +
        bonuses.birthday +
        bonuses.profile,
    }
  }
}
