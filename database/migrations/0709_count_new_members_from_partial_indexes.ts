import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The business overview counts new members of a period: by registration
 * date, or, for members the platform gave no date, by when Quanzi first saw
 * them; merged members not at all. The two indexes it reads now hold exactly
 * the members each count reads, so both counts come from the index alone.
 * Right after a large member import the second count had to read every
 * member of the import from the table to find those without a registration
 * date: 230 ms per count at 1M members on SQLite, each time the overview was
 * opened. The full (company_id, created_at) index was also what SQLite's
 * planner walked for the unfiltered member list (ListMembers.access). Same
 * names; no other query reads these indexes.
 */
const INDEXES = [
  {
    name: 'members_company_registered_index',
    columns: '"company_id", "registered_at"',
    where: '"registered_at" is not null and "merged_into_id" is null',
    before: '"registered_at" is not null',
  },
  {
    name: 'members_company_created_index',
    columns: '"company_id", "created_at"',
    where: '"registered_at" is null and "merged_into_id" is null',
    before: null,
  },
]

export default class extends BaseSchema {
  async up() {
    for (const index of INDEXES) {
      this.schema.raw(`drop index if exists "${index.name}"`)
      this.schema.raw(
        `create index "${index.name}" on "members" (${index.columns}) where ${index.where}`
      )
    }
  }

  async down() {
    for (const index of INDEXES) {
      this.schema.raw(`drop index if exists "${index.name}"`)
      this.schema.raw(
        `create index "${index.name}" on "members" (${index.columns})` +
          (index.before ? ` where ${index.before}` : '')
      )
    }
  }
}
