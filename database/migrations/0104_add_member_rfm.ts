import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * RFM scores, segment and lifecycle stage on each member (recomputed by a
 * job), and each company's RFM / lifecycle settings.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('members', (table) => {
      table.smallint('rfm_r').nullable()
      table.smallint('rfm_f').nullable()
      table.smallint('rfm_m').nullable()
      /** important_value … general_retain (重要价值 … 一般挽留) */
      table.string('rfm_segment', 20).nullable()
      /** new, active, silent, lost, recalled (新客, 活跃, 沉默, 流失, 召回成功) */
      table.string('lifecycle_stage', 20).nullable()
      table.index(['company_id', 'rfm_segment'])
      table.index(['company_id', 'lifecycle_stage'])
    })

    this.schema.createTable('member_rfm_settings', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().unique().references('companies.id')
      /** Orders in the last N days count for R, F and M. */
      table.integer('window_days').notNullable().defaultTo(365)
      /** A score of at least this (1–5, quintiles) counts as "high". */
      table.smallint('high_score').notNullable().defaultTo(3)
      table.integer('new_days').notNullable().defaultTo(30)
      table.integer('active_days').notNullable().defaultTo(90)
      table.integer('lost_days').notNullable().defaultTo(180)
      table.timestamp('computed_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('member_rfm_settings')
    this.schema.alterTable('members', (table) => {
      table.dropIndex(['company_id', 'rfm_segment'])
      table.dropIndex(['company_id', 'lifecycle_stage'])
      table.dropColumns('rfm_r', 'rfm_f', 'rfm_m', 'rfm_segment', 'lifecycle_stage')
    })
  }
}
