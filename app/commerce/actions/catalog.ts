import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import { sqlTime } from '#app/commerce/actions/sql_time'

export interface SkuRef {
  skuCode: string
  title: string
  productCode?: string | null
  category?: string | null
  priceFen?: number | null
}

/**
 * Finds or creates the SKU (and its product) an order line names, caching
 * ids so an import of a million lines does not look each one up again.
 */
export class Catalog {
  private skuIds = new Map<string, number>()

  constructor(
    private companyId: number,
    private client: QueryClientContract
  ) {}

  async skuId(ref: SkuRef): Promise<number> {
    const cached = this.skuIds.get(ref.skuCode)
    if (cached) return cached

    const existing = await this.client
      .from('skus')
      .where({ company_id: this.companyId, code: ref.skuCode })
      .select('id')
      .first()
    if (existing) {
      this.skuIds.set(ref.skuCode, existing.id)
      return existing.id
    }

    const now = sqlTime(this.client, DateTime.utc())
    const productCode = ref.productCode || ref.skuCode
    let product = await this.client
      .from('products')
      .where({ company_id: this.companyId, code: productCode })
      .select('id')
      .first()
    if (!product) {
      const [row] = await this.client
        .insertQuery()
        .table('products')
        .insert({
          company_id: this.companyId,
          code: productCode,
          name: ref.title,
          category: ref.category ?? null,
          price_fen: ref.priceFen ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      product = { id: typeof row === 'object' ? row.id : row }
    }
    const [skuRow] = await this.client
      .insertQuery()
      .table('skus')
      .insert({
        company_id: this.companyId,
        product_id: product.id,
        code: ref.skuCode,
        name: ref.title,
        price_fen: ref.priceFen ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    const id = typeof skuRow === 'object' ? skuRow.id : skuRow
    this.skuIds.set(ref.skuCode, id)
    return id
  }
}
