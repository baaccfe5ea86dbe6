import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Member columns that are empty on most new members — birthday, the guide,
 * a merge, the RFM segment and lifecycle stage (filled by the recompute
 * later) and the platform's registration date — are indexed only where they
 * hold a value. A member created by an order import then writes 8 index
 * entries instead of 14 (on PostgreSQL, also on every update that writes a
 * new row version). Every query on them compares the column with a value or
 * asks for it to be set (`= ?`, `in (…)`, `between`, `is not null`), which both
 * databases answer from a partial index `where <column> is not null`; the
 * index names stay the same.
 */
const SPARSE = [
  { name: 'members_company_id_birthday_index', columns: ['company_id', 'birthday'] },
  { name: 'members_merged_into_id_index', columns: ['merged_into_id'] },
  { name: 'members_guide_id_index', columns: ['guide_id'] },
  { name: 'members_company_id_rfm_segment_index', columns: ['company_id', 'rfm_segment'] },
  { name: 'members_company_id_lifecycle_stage_index', columns: ['company_id', 'lifecycle_stage'] },
  { name: 'members_company_registered_index', columns: ['company_id', 'registered_at'] },
]

export default class extends BaseSchema {
  async up() {
    for (const { name, columns } of SPARSE) {
      const sparse = columns[columns.length - 1]
      this.schema.raw(`drop index if exists "${name}"`)
      this.schema.raw(
        `create index "${name}" on "members" (${columns.map((c) => `"${c}"`).join(', ')}) where "${sparse}" is not null`
      )
    }
  }

  async down() {
    for (const { name, columns } of SPARSE) {
      this.schema.raw(`drop index if exists "${name}"`)
      this.schema.raw(
        `create index "${name}" on "members" (${columns.map((c) => `"${c}"`).join(', ')})`
      )
    }
  }
}
