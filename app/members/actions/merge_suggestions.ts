import db from '@adonisjs/lucid/services/db'

export interface MergeSuggestion {
  name: string
  birthday: string
  city: string
  memberIds: number[]
}

/**
 * Likely duplicates: active members sharing name + birthday + city.
 * Each group lists its members oldest first (the usual merge target).
 */
export class MergeSuggestions {
  async list(companyId: number, limit = 50): Promise<MergeSuggestion[]> {
    const groups = await db
      .from('members')
      .where('company_id', companyId)
      .whereNull('merged_into_id')
      .whereNull('erased_at')
      .whereNotNull('name')
      .whereNotNull('birthday')
      .whereNotNull('city')
      .groupBy('name', 'birthday', 'city')
      .havingRaw('count(*) > 1')
      .select('name', 'birthday', 'city')
      .orderBy('name')
      .limit(limit)

    const suggestions: MergeSuggestion[] = []
    for (const group of groups) {
      const ids = await db
        .from('members')
        .where({
          company_id: companyId,
          name: group.name,
          birthday: group.birthday,
          city: group.city,
        })
        .whereNull('merged_into_id')
        .whereNull('erased_at')
        .orderBy('id')
        .select('id')
      const birthday =
        group.birthday instanceof Date ? localDate(group.birthday) : String(group.birthday)
      suggestions.push({
        name: group.name,
        birthday,
        city: group.city,
        memberIds: ids.map((r: any) => r.id),
      })
    }
    return suggestions
  }
}

/** pg hands DATE columns back as local-midnight Dates. */
function localDate(date: Date) {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
