import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import { ListMembers } from '#app/members/actions/list_members'
import { memberFiltersValidator } from '#app/members/validators/member'
import { memberFilterParams } from '#app/members/member_filter_params'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { IssueCouponBatch } from '#app/coupons/actions/issue_coupon_batch'
import { couponBatchValidator } from '#app/coupons/validators/coupon'

/** 批量发券: from a filtered member list, choose a template and issue. */
export default class CouponBatchesController {
  async create({ view, request, auth }: HttpContext) {
    const company = await currentCompany()
    const filters = memberFilterParams(request.qs())
    const valid = await memberFiltersValidator.validate(filters)
    const countRow = await new ListMembers()
      .query(company.id, valid, userZone(auth.user))
      .count('* as n')
      .first()
    const templates = await CouponTemplate.query()
      .where('companyId', company.id)
      .whereNull('archivedAt')
      .orderBy('id', 'desc')
    return view.render('pages/coupons/issue', {
      filters,
      memberCount: Number(countRow?.$extras.n ?? 0),
      templates,
      chosen: Number(request.input('templateId')) || null,
      requestKey: randomUUID(),
    })
  }

  async store({ request, response, auth }: HttpContext) {
    const company = await currentCompany()
    const { templateId, requestKey } = await request.validateUsing(couponBatchValidator)
    const template = await CouponTemplate.query()
      .where('companyId', company.id)
      .where('id', templateId)
      .firstOrFail()
    await new IssueCouponBatch().start({
      companyId: company.id,
      template,
      filters: memberFilterParams(request.all()),
      requestKey,
      actor: auth.user!,
    })
    return response.redirect().toRoute('coupons.show', { id: template.id })
  }
}
