import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { Money } from '#app/shared/kernel/money'
import CouponTemplate from '#app/coupons/models/coupon_template'
import type { couponTemplateValidator } from '#app/coupons/validators/coupon'

export type CouponTemplateInput = Infer<typeof couponTemplateValidator>

/** 券模板: create (rules checked per kind) and archive, both audit-logged. */
export class ManageCouponTemplates {
  async create(companyId: number, zone: string, input: CouponTemplateInput, actor: AuditActor) {
    const fen = (yuan: number | undefined) =>
      yuan === undefined ? null : Money.parseYuan(yuan.toFixed(2))!.fen
    const invalid = (field: string, reason: string) => {
      throw new DomainError('E_INVALID_COUPON_TEMPLATE', `coupons.errors.${reason}`, 422, { field })
    }

    const template = new CouponTemplate()
    template.fill({
      companyId,
      name: input.name,
      kind: input.kind,
      minSpendFen: 0,
      amountFen: null,
      payPercent: null,
      maxDiscountFen: null,
      shopId: input.shopId ?? null,
      validFrom: null,
      validUntil: null,
      validDays: null,
      totalLimit: input.totalLimit ?? null,
      archivedAt: null,
      createdById: actor.id,
    })

    switch (input.kind) {
      case 'threshold':
        template.minSpendFen = fen(input.minSpend) ?? invalid('minSpend', 'threshold_required')
        template.amountFen = fen(input.amount) || invalid('amount', 'amount_required')
        // 满 100 减 100 would give the goods away.
        if (template.amountFen >= template.minSpendFen)
          invalid('amount', 'amount_not_below_threshold')
        break
      case 'no_threshold':
        template.amountFen = fen(input.amount) || invalid('amount', 'amount_required')
        break
      case 'discount':
        template.payPercent = input.payPercent ?? invalid('payPercent', 'percent_required')
        template.minSpendFen = fen(input.minSpend) ?? 0
        template.maxDiscountFen = fen(input.maxDiscount)
        break
      case 'free_shipping':
        template.minSpendFen = fen(input.minSpend) ?? 0
        break
    }

    if (input.validity === 'days') {
      template.validDays = input.validDays ?? invalid('validDays', 'days_required')
    } else {
      if (!input.validUntil) invalid('validUntil', 'dates_required')
      const day = (date: Date) => DateTime.fromISO(DateTime.fromJSDate(date).toISODate()!, { zone })
      const from = input.validFrom
        ? day(input.validFrom)
        : DateTime.now().setZone(zone).startOf('day')
      // Valid through the whole last day, in the company's zone.
      const until = day(input.validUntil!).endOf('day')
      if (until <= from) invalid('validUntil', 'dates_reversed')
      template.validFrom = from.toUTC()
      template.validUntil = until.toUTC()
    }

    await template.save()
    await AuditLog.record({
      entityType: 'coupon_template',
      entityId: template.id,
      action: 'create',
      after: template.serialize(),
      actor,
    })
    return template
  }

  async archive(template: CouponTemplate, actor: AuditActor) {
    if (template.archivedAt) return template
    template.archivedAt = DateTime.utc()
    await template.save()
    await AuditLog.record({
      entityType: 'coupon_template',
      entityId: template.id,
      action: 'archive',
      actor,
    })
    return template
  }
}
