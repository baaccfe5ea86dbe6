import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * RFM scoring per company: quintiles (the default) or fixed thresholds —
 * four ascending cut points per dimension giving scores 1–5.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('member_rfm_settings', (table) => {
      /** quintiles | thresholds */
      table.string('scoring', 20).notNullable().defaultTo('quintiles')
      /** JSON [d1,d2,d3,d4]: days since the last purchase; within d1 → R5 … beyond d4 → R1. */
      table.string('r_thresholds', 200).nullable()
      /** JSON [c1,c2,c3,c4]: purchases in the window; ≥ c4 → F5 … below c1 → F1. */
      table.string('f_thresholds', 200).nullable()
      /** JSON [f1,f2,f3,f4]: fen paid in the window; ≥ f4 → M5 … below f1 → M1. */
      table.string('m_thresholds', 200).nullable()
    })
  }

  async down() {
    this.schema.alterTable('member_rfm_settings', (table) => {
      table.dropColumns('scoring', 'r_thresholds', 'f_thresholds', 'm_thresholds')
    })
  }
}
