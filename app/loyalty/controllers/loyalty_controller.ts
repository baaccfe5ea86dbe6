import db from '@adonisjs/lucid/services/db'
import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import { Money } from '#app/shared/kernel/money'
import { DomainError } from '#app/shared/errors/domain_error'
import { AuditLog } from '#app/shared/audit/audit_log'
import { EARNING_STEPS, EarningRules, budgetLeft } from '#app/loyalty/services/earning_rules'
import { formatItemRules, parseItemRules } from '#app/loyalty/services/rule_text'
import { ManageEarningRules } from '#app/loyalty/actions/manage_earning_rules'
import {
  EXPIRY_POLICIES,
  SHORTFALL_POLICIES,
  TIER_BASES,
  TIER_DOWNGRADES,
  loyaltySettings,
  saveLoyaltySettings,
} from '#app/loyalty/services/loyalty_settings'
import { monthlyFlow, pointsLiability } from '#app/loyalty/services/loyalty_queries'
import { Tiers } from '#app/loyalty/services/tiers'
import { CSV_BOM, csvLine } from '#app/shared/kernel/csv'
import { REWARD_KINDS, Rewards } from '#app/loyalty/actions/rewards'
import {
  previewValidator,
  promotionValidator,
  ruleVersionValidator,
  settingsValidator,
  tierValidator,
  rewardValidator,
} from '#app/loyalty/validators/loyalty'

function localTime(value: string, zone: string): DateTime {
  const parsed = DateTime.fromISO(value, { zone })
  if (!parsed.isValid) throw new DomainError('E_INVALID_TIME', 'loyalty.errors.invalid_time', 422)
  return parsed.toUTC()
}

function companyShops(companyId: number): Promise<Array<{ id: number; name: string }>> {
  return db
    .from('shops')
    .where('company_id', companyId)
    .orderBy('id')
    .select('id', 'name')
    .then((rows) => rows.map((row) => ({ id: Number(row.id), name: row.name })))
}

/** 积分: rules (versions, promotions, evaluation order, preview), settings, liability and flow. */
export default class LoyaltyController {
  async index({ view, auth, request }: HttpContext) {
    const company = await currentCompany()
    const zone = userZone(auth.user)
    const rules = new EarningRules()
    const settings = await loyaltySettings(company.id)
    const tiers = new Tiers()
    const [
      versions,
      promotions,
      current,
      liability,
      flow,
      tierList,
      tierCounts,
      rewards,
      couponTemplates,
      shops,
      benefitList,
    ] = await Promise.all([
      rules.versions(company.id),
      rules.promotions(company.id),
      rules.ruleAt(company.id, DateTime.utc()),
      pointsLiability(company.id, settings.unitCostFen),
      monthlyFlow(company.id, zone, 12),
      tiers.list(company.id),
      tiers.counts(company.id),
      new Rewards().list(company.id),
      db
        .from('coupon_templates')
        .where('company_id', company.id)
        .whereNull('archived_at')
        .orderBy('id', 'desc')
        .select('id', 'name'),
      companyShops(company.id),
      db
        .from('benefits')
        .where('company_id', company.id)
        .whereNull('archived_at')
        .orderBy('id')
        .select('id', 'name'),
    ])
    const tierName = (id: string | number) => tierList.find((t) => t.id === Number(id))?.name ?? id
    return view.render('pages/loyalty/index', {
      settings,
      versions,
      promotions,
      current,
      liability,
      flow,
      tierList,
      tierCounts,
      rewards,
      rewardKinds: REWARD_KINDS,
      couponTemplates,
      benefitList,
      shops,
      tierName,
      itemRulesText: formatItemRules(current?.itemRules, shops),
      versionItems: (rule: { itemRules?: any[] }) => formatItemRules(rule.itemRules, shops),
      earningSteps: EARNING_STEPS,
      budgets: promotions
        .filter((p) => p.budgetPoints !== null && p.budgetPoints !== undefined)
        .map((p) => ({ ...p, left: budgetLeft(p) })),
      zone,
      now: DateTime.utc(),
      expiryPolicies: EXPIRY_POLICIES,
      shortfallPolicies: SHORTFALL_POLICIES,
      tierBases: TIER_BASES,
      tierDowngrades: TIER_DOWNGRADES,
      preview: request.qs().paid ? await this.evaluatePreview(request, zone, company.id) : null,
    })
  }

  /** The "what would this order earn" fragment (or the page, without htmx). */
  async preview({ view, auth, request, response }: HttpContext) {
    const company = await currentCompany()
    const zone = userZone(auth.user)
    response.header('Vary', 'HX-Request')
    const preview = await this.evaluatePreview(request, zone, company.id)
    return view.render('components/loyalty/earning_preview', { preview, zone })
  }

  private async evaluatePreview(request: HttpContext['request'], zone: string, companyId: number) {
    const input = await request.validateUsing(previewValidator, { data: request.qs() })
    const paid = Money.parseYuan(input.paid)
    const shipping = input.shipping ? Money.parseYuan(input.shipping) : Money.zero
    const paidAt = input.paidAt ? localTime(input.paidAt, zone) : DateTime.utc()
    const result = await new EarningRules().evaluate(
      companyId,
      { paidFen: paid!.fen, shippingFen: shipping!.fen, shopId: input.shopId ?? null, paidAt },
      undefined,
      input.tierId ? { tierId: input.tierId } : {}
    )
    return { ...result, paidFen: paid!.fen, shippingFen: shipping!.fen, paidAt }
  }

  /** 积分月度流水 for accounting: CSV (UTF-8 with BOM so spreadsheet apps read the Chinese headers). */
  async flowCsv({ auth, response, i18n }: HttpContext) {
    const company = await currentCompany()
    const zone = userZone(auth.user)
    const flow = await monthlyFlow(company.id, zone, 24)
    const columns = ['month', 'issued', 'redeemed', 'expired', 'reversed', 'adjusted'] as const
    const body =
      CSV_BOM +
      csvLine(columns.map((c) => i18n.t(`loyalty.flow.${c}`))) +
      flow.map((row) => csvLine(columns.map((c) => row[c]))).join('')
    await AuditLog.record({
      entityType: 'company',
      entityId: company.id,
      action: 'loyalty.flow.export',
      context: { months: flow.length },
      actor: auth.user!,
    })
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.header('Content-Disposition', 'attachment; filename="points-flow.csv"')
    return body
  }

  async publishRule({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(ruleVersionValidator)
    const zone = userZone(auth.user)
    const { version } = await new ManageEarningRules().publishVersion(
      company.id,
      {
        pointsPerYuan: input.pointsPerYuan,
        includeShipping: !!input.includeShipping,
        perOrderCap: input.perOrderCap ?? null,
        perMemberDailyCap: input.perMemberDailyCap ?? null,
        perMemberTotalCap: input.perMemberTotalCap ?? null,
        effectiveFrom: input.effectiveFrom ? localTime(input.effectiveFrom, zone) : null,
        note: input.note ?? null,
        itemRules: parseItemRules(input.itemRules, await companyShops(company.id)),
        // Fields are named `tierMultipliers[tier_<id>]` (a numeric key would be read as an array).
        tierMultipliers: Object.fromEntries(
          Object.entries(input.tierMultipliers ?? {})
            .filter(
              (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] !== 100
            )
            .map(([key, percent]) => [key.replace(/^tier_/, ''), percent])
        ),
        bonuses: {
          signup: input.signupBonus ?? 0,
          firstOrder: input.firstOrderBonus ?? 0,
          birthday: input.birthdayBonus ?? 0,
          profile: input.profileBonus ?? 0,
        },
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.rules.published', { version }))
    return response.redirect().toRoute('loyalty.index')
  }

  async createPromotion({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(promotionValidator)
    const zone = userZone(auth.user)
    await new ManageEarningRules().createPromotion(
      company.id,
      {
        name: input.name,
        multiplierPercent: input.multiplierPercent,
        startsAt: localTime(input.startsAt, zone),
        endsAt: localTime(input.endsAt, zone),
        budgetPoints: input.budgetPoints ?? null,
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.promotions.created'))
    return response.redirect().toRoute('loyalty.index')
  }

  async cancelPromotion({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new ManageEarningRules().cancelPromotion(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('loyalty.promotions.cancelled'))
    return response.redirect().toRoute('loyalty.index')
  }

  async createTier({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(tierValidator)
    const settings = await loyaltySettings(company.id)
    await new Tiers().create(
      company.id,
      {
        name: input.name,
        color: input.color,
        threshold: Tiers.thresholdFrom(settings.tierBasis, input.threshold),
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.tiers.created'))
    return response.redirect().toRoute('loyalty.index')
  }

  async createReward({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(rewardValidator)
    await new Rewards().create(
      company.id,
      {
        name: input.name,
        kind: input.kind,
        pointsCost: input.pointsCost,
        stock: input.stock ?? null,
        perMemberLimit: input.perMemberLimit ?? null,
        couponTemplateId: input.couponTemplateId ?? null,
        benefitId: input.benefitId ?? null,
        benefitDays: input.benefitDays ?? null,
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.rewards.created'))
    return response.redirect().toRoute('loyalty.index')
  }

  async updateTier({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(tierValidator)
    const settings = await loyaltySettings(company.id)
    await new Tiers().update(
      company.id,
      Number(params.id),
      {
        name: input.name,
        color: input.color,
        threshold: Tiers.thresholdFrom(settings.tierBasis, input.threshold),
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.tiers.updated'))
    return response.redirect().toRoute('loyalty.index')
  }

  async saveSettings({ request, response, session, i18n, auth }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(settingsValidator)
    if (input.expiryPolicy === 'months' && !input.expiryMonths) {
      throw new DomainError('E_EXPIRY_MONTHS', 'loyalty.errors.expiry_months_required', 422)
    }
    const current = await loyaltySettings(company.id)
    await saveLoyaltySettings(
      {
        companyId: company.id,
        returnWindowDays: input.returnWindowDays,
        expiryPolicy: input.expiryPolicy,
        expiryMonths: input.expiryMonths ?? null,
        shortfallPolicy: input.shortfallPolicy,
        unitCostFen: input.unitCostFen,
        tierGraceDays: input.tierGraceDays,
        tierBasis: input.tierBasis ?? current.tierBasis,
        tierDowngrade: input.tierDowngrade ?? current.tierDowngrade,
      },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.settings.saved'))
    return response.redirect().toRoute('loyalty.index')
  }
}
