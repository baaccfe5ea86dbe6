import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A points budget per promotion (促销积分预算): the extra points a promotion
 * adds are paid from `budget_points`; `budget_spent` is raised in the same
 * transaction as the posting by a conditional update. The database refuses
 * overspending as well: a CHECK on PostgreSQL, a trigger on SQLite (which
 * cannot add a CHECK to an existing table). Null budget: unlimited.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_promotions', (table) => {
      table.bigInteger('budget_points').nullable()
      table.bigInteger('budget_spent').notNullable().defaultTo(0)
    })
    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery(`
          ALTER TABLE loyalty_promotions ADD CONSTRAINT loyalty_promotions_budget_check
          CHECK (budget_spent >= 0 AND (budget_points IS NULL OR budget_spent <= budget_points))
        `)
      })
    } else {
      this.defer(async (db) => {
        await db.rawQuery(`
          CREATE TRIGGER loyalty_promotions_budget_check BEFORE UPDATE OF budget_spent, budget_points
          ON loyalty_promotions
          WHEN NEW.budget_spent < 0 OR (NEW.budget_points IS NOT NULL AND NEW.budget_spent > NEW.budget_points)
          BEGIN SELECT RAISE(ABORT, 'loyalty_promotions_budget_check'); END;
        `)
      })
    }
  }

  async down() {
    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery(
          'ALTER TABLE loyalty_promotions DROP CONSTRAINT IF EXISTS loyalty_promotions_budget_check'
        )
      })
    } else {
      this.defer(async (db) => {
        await db.rawQuery('DROP TRIGGER IF EXISTS loyalty_promotions_budget_check')
      })
    }
    this.schema.alterTable('loyalty_promotions', (table) => {
      table.dropColumn('budget_spent')
      table.dropColumn('budget_points')
    })
  }
}
