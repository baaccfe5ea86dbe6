import db from '@adonisjs/lucid/services/db'
import { escapeLike } from '#app/shared/kernel/like_pattern'

export interface ProductOption {
  code: string
  name: string
  category: string | null
}

/**
 * Products for a picker: those whose code begins with what staff typed or
 * whose name contains it, Latin letters in either case. What staff type is
 * text, not a pattern (% and _ match themselves).
 */
export class SearchProducts {
  static readonly LIMIT = 20

  async handle(companyId: number, text: string): Promise<ProductOption[]> {
    const typed = text.trim()
    if (!typed) return []
    const escaped = escapeLike(typed)
    // SQLite's LIKE folds ASCII case; PostgreSQL's needs ILIKE.
    const like = db.connection().dialect.name === 'postgres' ? 'ilike' : 'like'
    const rows = await db
      .from('products')
      .where('company_id', companyId)
      .where((query) =>
        query
          .whereRaw(`"code" ${like} ? escape '\\'`, [`${escaped}%`])
          .orWhereRaw(`"name" ${like} ? escape '\\'`, [`%${escaped}%`])
      )
      .orderBy('code')
      .limit(SearchProducts.LIMIT)
      .select('code', 'name', 'category')
    return rows.map((row: any) => ({ code: row.code, name: row.name, category: row.category }))
  }
}
