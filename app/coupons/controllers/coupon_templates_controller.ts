import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import CouponTemplate from '#app/coupons/models/coupon_template'
import CouponBatch from '#app/coupons/models/coupon_batch'
import Coupon from '#app/coupons/models/coupon'
import { CouponReport } from '#app/coupons/actions/coupon_report'
import { ManageCouponTemplates } from '#app/coupons/actions/manage_coupon_templates'
import { couponTemplateValidator } from '#app/coupons/validators/coupon'

/** 优惠券: templates with their figures, a template's batches and coupons. */
export default class CouponTemplatesController {
  async index({ view, request }: HttpContext) {
    const company = await currentCompany()
    const archived = request.input('archived') === '1'
    const templates = await CouponTemplate.query()
      .where('companyId', company.id)
      .if(archived, (q) => q.whereNotNull('archived_at'))
      .if(!archived, (q) => q.whereNull('archived_at'))
      .orderBy('id', 'desc')
    const figures = await new CouponReport().byTemplate(templates.map((t) => t.id))
    return view.render('pages/coupons/index', { templates, figures, archived })
  }

  async create({ view }: HttpContext) {
    const company = await currentCompany()
    return view.render('pages/coupons/form', { shops: await this.#shops(company.id) })
  }

  async store({ request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(couponTemplateValidator)
    const template = await new ManageCouponTemplates().create(
      company.id,
      userZone(auth.user),
      payload,
      auth.user!
    )
    session.flash('success', i18n.t('coupons.created', { name: template.name }))
    return response.redirect().toRoute('coupons.show', { id: template.id })
  }

  async show({ view, params }: HttpContext) {
    const company = await currentCompany()
    const template = await CouponTemplate.query()
      .where('companyId', company.id)
      .where('id', params.id)
      .firstOrFail()
    const [figures, batches, recent, shops] = await Promise.all([
      new CouponReport().byTemplate([template.id]),
      CouponBatch.query()
        .where('templateId', template.id)
        .preload('jobRun')
        .orderBy('id', 'desc')
        .limit(20),
      Coupon.query().where('templateId', template.id).orderBy('id', 'desc').limit(20),
      this.#shops(company.id),
    ])
    return view.render('pages/coupons/show', {
      template,
      figures: figures.get(template.id),
      batches,
      recent,
      shopNames: new Map(shops.map((shop) => [shop.id, shop.name])),
    })
  }

  async archive({ params, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const template = await CouponTemplate.query()
      .where('companyId', company.id)
      .where('id', params.id)
      .firstOrFail()
    await new ManageCouponTemplates().archive(template, auth.user!)
    session.flash('success', i18n.t('coupons.archived', { name: template.name }))
    return response.redirect().toRoute('coupons.index')
  }

  async #shops(companyId: number): Promise<{ id: number; name: string }[]> {
    return db.from('shops').where('company_id', companyId).orderBy('id').select('id', 'name')
  }
}
