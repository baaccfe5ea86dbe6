import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import Member from '#app/members/models/member'
import Coupon from '#app/coupons/models/coupon'

/** The member page's coupons section: what the member holds, used and expired, newest first. */
export default class MemberCouponsController {
  async index({ params, request, response, view }: HttpContext) {
    const company = await currentCompany()
    const member = await Member.query()
      .where('company_id', company.id)
      .where('id', params.id)
      .firstOrFail()
    const coupons = await Coupon.query()
      .where('memberId', member.id)
      .preload('template')
      .orderBy('id', 'desc')
      .limit(50)
    response.header('Vary', 'HX-Request')
    const data = { member, coupons }
    if (request.header('HX-Request')) return view.render('components/coupons/member_coupons', data)
    return view.render('pages/coupons/member', data)
  }
}
