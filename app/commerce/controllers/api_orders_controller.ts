import { GrantBonuses, MEMBER_BONUSES } from '#app/loyalty/actions/grant_bonuses'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import Shop from '#app/organization/models/shop'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'
import { ResolveMember, type IdentityInput } from '#app/members/actions/resolve_member'
import { parseApiTime } from '#app/members/api/times'
import {
  apiOrderValidator,
  apiRefundValidator,
  shopOrderParamsValidator,
} from '#app/commerce/validators/api'

/**
 * Orders and refunds pushed by shop systems and ERP connectors. PUT is an
 * idempotent upsert keyed by shop + platform number (UpsertOrder /
 * UpsertRefund): sending the same body again changes nothing — no write,
 * no status history, no audit row. 201 when created, 200 otherwise, with
 * `meta.outcome` = inserted | updated | unchanged.
 */
export default class ApiOrdersController {
  async upsertOrder({ params, request, response, auth }: HttpContext) {
    const { shop, number } = await this.#shop(request, params)
    const body = await request.validateUsing(apiOrderValidator)
    const time = (value: string | null | undefined, field: string) =>
      value ? parseApiTime(value, shop.timezone, field) : null

    let resolvedMember: number | null = null
    const result = await db.transaction(async (trx) => {
      let memberId = body.memberId ?? null
      if (memberId) {
        const member = await trx
          .from('members')
          .where({ id: memberId, company_id: shop.companyId })
          .whereNull('merged_into_id')
          .whereNull('erased_at')
          .first()
        if (!member) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
      } else if (body.buyer) {
        const identities: IdentityInput[] = [...(body.buyer.identities ?? [])]
        if (body.buyer.phone) identities.unshift({ type: 'phone', value: body.buyer.phone })
        if (identities.length) {
          const resolved = await new ResolveMember().handle(
            {
              companyId: shop.companyId,
              identities,
              source: 'api',
              profile: {
                name: body.buyer.name,
                province: body.buyer.province,
                city: body.buyer.city,
                sourceShopId: shop.id,
              },
            },
            trx
          )
          memberId = resolved.memberId
          if (resolved.outcome !== 'unchanged') resolvedMember = memberId
        }
      }

      const items = body.items.map((item) => ({ ...item, paidFen: item.paidFen ?? null }))
      const upserted = await new UpsertOrder().handle(
        {
          companyId: shop.companyId,
          shopId: shop.id,
          platformOrderNo: number,
          memberId,
          status: body.status,
          orderedAt: time(body.orderedAt, 'orderedAt')!,
          paidAt: time(body.paidAt, 'paidAt'),
          shippedAt: time(body.shippedAt, 'shippedAt'),
          completedAt: time(body.completedAt, 'completedAt'),
          closedAt: time(body.closedAt, 'closedAt'),
          goodsFen: body.goodsFen ?? items.reduce((sum, i) => sum + i.priceFen * i.quantity, 0),
          discountFen: body.discountFen,
          shippingFen: body.shippingFen,
          paidFen: body.paidFen,
          couponCodes: body.couponCodes,
          items,
        },
        { client: trx, source: 'api' }
      )
      if (upserted.outcome !== 'unchanged') {
        await AuditLog.record({
          entityType: 'order',
          entityId: upserted.orderId,
          action: upserted.outcome === 'inserted' ? 'orders.created' : 'orders.updated',
          context: { source: 'api', shopId: shop.id, orderNo: number, status: body.status },
          actor: auth.user!,
          client: trx,
        })
      }
      return { ...upserted, memberId }
    })
    if (resolvedMember) {
      await new GrantBonuses().forMembers(shop.companyId, [resolvedMember], MEMBER_BONUSES)
    }

    response.status(result.outcome === 'inserted' ? 201 : 200)
    return {
      data: {
        id: result.orderId,
        shopId: shop.id,
        orderNo: number,
        memberId: result.memberId,
        status: body.status,
        paidFen: body.paidFen,
      },
      meta: { outcome: result.outcome },
    }
  }

  async upsertRefund({ params, request, response, auth }: HttpContext) {
    const { shop, number } = await this.#shop(request, params)
    const body = await request.validateUsing(apiRefundValidator)
    const result = await db.transaction(async (trx) => {
      const upserted = await new UpsertRefund().handle(
        {
          companyId: shop.companyId,
          shopId: shop.id,
          platformRefundNo: number,
          platformOrderNo: body.orderNo,
          status: body.status,
          amountFen: body.amountFen,
          requestedAt: parseApiTime(body.requestedAt, shop.timezone, 'requestedAt'),
          completedAt: body.completedAt
            ? parseApiTime(body.completedAt, shop.timezone, 'completedAt')
            : null,
          reason: body.reason ?? null,
          items: body.items,
        },
        { client: trx, source: 'api' }
      )
      if (upserted.outcome !== 'unchanged') {
        await AuditLog.record({
          entityType: 'refund',
          entityId: upserted.refundId,
          action: upserted.outcome === 'inserted' ? 'refunds.created' : 'refunds.updated',
          context: { source: 'api', shopId: shop.id, refundNo: number, status: body.status },
          actor: auth.user!,
          client: trx,
        })
      }
      return upserted
    })
    response.status(result.outcome === 'inserted' ? 201 : 200)
    return {
      data: {
        id: result.refundId,
        shopId: shop.id,
        refundNo: number,
        orderNo: body.orderNo,
        status: body.status,
        amountFen: body.amountFen,
      },
      meta: { outcome: result.outcome },
    }
  }

  async #shop(request: HttpContext['request'], params: Record<string, unknown>) {
    const { shopId, number } = await request.validateUsing(shopOrderParamsValidator, {
      data: { shopId: params.shopId, number: params.number },
    })
    const company = await currentCompany()
    const shop = await Shop.query().where({ id: shopId, companyId: company.id }).first()
    if (!shop) throw new DomainError('E_NOT_FOUND', 'commerce.errors.shop_not_found', 404)
    return { shop, number }
  }
}
