import { BaseSeeder } from '@adonisjs/lucid/seeders'
import Company from '#app/organization/models/company'
import Shop from '#app/organization/models/shop'
import User from '#app/identity/models/user'
import { ManageUsers } from '#app/identity/actions/manage_users'
import type { Role } from '#app/identity/roles'

/** Password of every demo account; printed by `npm run dev`. */
export const DEMO_PASSWORD = 'quanzi-demo-2026'

export const DEMO_STAFF: { fullName: string; email: string; phone: string; role: Role }[] = [
  { fullName: '林晓雯', email: 'owner@demo.quanzi.cn', phone: '13800000001', role: 'owner' },
  { fullName: '陈志强', email: 'admin@demo.quanzi.cn', phone: '13800000002', role: 'admin' },
  { fullName: '王丽娟', email: 'manager@demo.quanzi.cn', phone: '13800000003', role: 'manager' },
  { fullName: '张伟', email: 'operator@demo.quanzi.cn', phone: '13800000004', role: 'operator' },
  { fullName: '刘芳', email: 'crm@demo.quanzi.cn', phone: '13800000005', role: 'crm' },
  { fullName: '赵敏', email: 'service@demo.quanzi.cn', phone: '13800000006', role: 'service' },
  { fullName: '孙悦', email: 'guide@demo.quanzi.cn', phone: '13800000007', role: 'guide' },
  { fullName: '周杰', email: 'viewer@demo.quanzi.cn', phone: '13800000008', role: 'viewer' },
]

/**
 * Realistic zh-CN demo data for a fresh install: one apparel company with a
 * Tmall flagship store, a JD store and an offline store, and one staff
 * member in every role. Runs once: an install that already has a company
 * is left alone. Later modules add members, orders, points and tasks here.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development', 'test']

  async run() {
    if (await Company.first()) return

    const company = await Company.create({
      name: '杭州圈子服饰有限公司',
      timezone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
    })
    const [, , store] = await Shop.createMany([
      {
        companyId: company.id,
        name: '圈子服饰天猫旗舰店',
        platform: 'tmall',
        timezone: 'Asia/Shanghai',
      },
      {
        companyId: company.id,
        name: '圈子服饰京东自营店',
        platform: 'jd',
        timezone: 'Asia/Shanghai',
      },
      {
        companyId: company.id,
        name: '杭州湖滨银泰店',
        platform: 'offline',
        timezone: 'Asia/Shanghai',
      },
    ])

    const users = new ManageUsers()
    for (const staff of DEMO_STAFF) {
      if (await User.findBy('email', staff.email)) continue
      await users.create({ ...staff, password: DEMO_PASSWORD }, null)
    }
    const { default: MembersSeeder } = await import('#database/seeders/members_seeder')
    await MembersSeeder.seed()
    const { default: LoyaltySeeder } = await import('#database/seeders/loyalty_seeder')
    await LoyaltySeeder.seed()

    const owner = await User.findByOrFail('email', DEMO_STAFF[0].email)
    const { seedDemoBenefits } = await import('#database/seeders/benefits_seeder')
    await seedDemoBenefits(company.id, owner)
    const { seedDemoCoupons } = await import('#database/seeders/coupons_seeder')
    await seedDemoCoupons(company.id, store.id, owner.id)

    const { default: CollaborationSeeder } = await import('#database/seeders/collaboration_seeder')
    await CollaborationSeeder.seed()
  }
}
