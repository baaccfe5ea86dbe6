import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import { toDbTime } from '#app/shared/kernel/db_values'

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
  private skus = new Map<string, { id: number; category: string | null }>()

  constructor(
    private companyId: number,
    private client: QueryClientContract
  ) {}

  async skuId(ref: SkuRef): Promise<number> {
    const sku = await this.sku(ref)
    return sku.id
  }

  /** Looks up many SKUs in one query (the bulk import, before its lines). */
  async preload(codes: Iterable<string>) {
    const wanted = [...new Set(codes)].filter((code) => code && !this.skus.has(code))
    for (let i = 0; i < wanted.length; i += 1000) {
      const rows = await this.client
        .from('skus')
        .join('products', 'products.id', 'skus.product_id')
        .where('skus.company_id', this.companyId)
        .whereIn('skus.code', wanted.slice(i, i + 1000))
        .select('skus.id', 'skus.code', 'products.category')
      for (const row of rows)
        this.skus.set(row.code, { id: row.id, category: row.category ?? null })
    }
  }

  /** The SKU's id and its product's category (what member_categories records). */
  async sku(ref: SkuRef): Promise<{ id: number; category: string | null }> {
    const cached = this.skus.get(ref.skuCode)
    if (cached) return cached

    const existing = await this.client
      .from('skus')
      .join('products', 'products.id', 'skus.product_id')
      .where({ 'skus.company_id': this.companyId, 'skus.code': ref.skuCode })
      .select('skus.id', 'products.category')
      .first()
    if (existing) {
      const found = { id: existing.id, category: existing.category ?? null }
      this.skus.set(ref.skuCode, found)
      return found
    }

    const now = toDbTime(DateTime.utc(), this.client)
    const productCode = ref.productCode || ref.skuCode
    let product = await this.client
      .from('products')
      .where({ company_id: this.companyId, code: productCode })
      .select('id', 'category')
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
      product = { id: typeof row === 'object' ? row.id : row, category: ref.category ?? null }
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
    const created = {
      id: typeof skuRow === 'object' ? skuRow.id : skuRow,
      category: product.category ?? null,
    }
    this.skus.set(ref.skuCode, created)
    return created
  }
}
