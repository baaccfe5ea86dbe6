import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'

/** The order page's points: what this order earns by the rules in force when it was paid. */
export default class OrderPointsController {
  async show({ params, view, auth }: HttpContext) {
    const company = await currentCompany()
    // Another company's order, or none: the 404 page.
    const owned = await db
      .from('orders')
      .where('id', Number(params.id))
      .where('company_id', company.id)
      .select('id')
      .first()
    if (!owned) throw new lucidErrors.E_ROW_NOT_FOUND()
    const result = await new AccrueFromCommerce().previewOrder(Number(params.id))
    const [shop, member, rule, tier] = await Promise.all([
      db.from('shops').where('id', result!.order.shop_id).select('name').first(),
      result!.order.member_id
        ? db.from('members').where('id', result!.order.member_id).select('id', 'name').first()
        : null,
      result!.accrual?.rule_id
        ? db
            .from('loyalty_earning_rules')
            .where('id', result!.accrual.rule_id)
            .select('version')
            .first()
        : null,
      result!.accrual?.tier_id
        ? db.from('loyalty_tiers').where('id', result!.accrual.tier_id).select('name').first()
        : null,
    ])
    return view.render('pages/loyalty/order', {
      ...result,
      preview: result!.preview,
      shopName: shop?.name ?? '',
      member,
      accrualVersion: rule?.version ?? null,
      accrualTier: tier?.name ?? null,
      zone: userZone(auth.user),
    })
  }
}
