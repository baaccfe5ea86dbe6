import db from '@adonisjs/lucid/services/db'
import type { AuditActor } from '#app/shared/audit/audit_log'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'

/**
 * Demo benefits: free shipping twice a month for 金卡 and 钻石卡, priority
 * service for 钻石卡, and a birthday gift once for 金卡 and up. Called by the
 * demo seeder after the loyalty tiers exist.
 */
export async function seedDemoBenefits(companyId: number, owner: AuditActor) {
  const tiers = await db.from('loyalty_tiers').where('company_id', companyId).select('id', 'name')
  const tier = (name: string) => tiers.find((t) => t.name === name)?.id as number | undefined
  const manage = new ManageBenefits()
  const plan = [
    {
      name: '每月 2 次包邮',
      kind: 'free_shipping' as const,
      quota: 2,
      period: 'month' as const,
      tiers: ['金卡', '钻石卡'],
    },
    {
      name: '专属客服优先接入',
      kind: 'priority_service' as const,
      period: 'month' as const,
      tiers: ['钻石卡'],
    },
    {
      name: '生日礼（羊毛围巾）',
      kind: 'birthday_gift' as const,
      quota: 1,
      period: 'year' as const,
      tiers: ['金卡', '钻石卡'],
    },
  ]
  for (const item of plan) {
    const benefit = await manage.create(companyId, item, owner)
    for (const name of item.tiers) {
      const id = tier(name)
      if (id) await manage.grantToTier(benefit, id, owner)
    }
  }
}
