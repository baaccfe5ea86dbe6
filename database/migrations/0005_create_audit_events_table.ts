import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The audit log: append-only. Nothing in the app updates or deletes these
 * rows; on PostgreSQL a trigger refuses it even for direct SQL.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('audit_events', (table) => {
      table.bigIncrements('id')
      table.integer('actor_id').unsigned().nullable().references('users.id').onDelete('SET NULL')
      /** Name at the time, so the log stays readable if the user is renamed. */
      table.string('actor_name', 80).nullable()
      table.string('ip', 64).nullable()
      table.string('request_id', 64).nullable()
      table.string('entity_type', 60).notNullable()
      table.string('entity_id', 64).nullable()
      table.string('action', 60).notNullable()
      /** JSON: { field: { before, after } }, personal data masked. */
      table.text('changes').nullable()
      /** JSON: anything else worth keeping (filter of an export, row count …). */
      table.text('context').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['entity_type', 'entity_id'])
      table.index(['actor_id', 'created_at'])
      table.index(['created_at'])
    })

    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery(`
          CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
          BEGIN
            RAISE EXCEPTION 'audit_events is append-only';
          END;
          $$ LANGUAGE plpgsql;
        `)
        await db.rawQuery(`
          CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
          FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
        `)
      })
    } else {
      this.defer(async (db) => {
        await db.rawQuery(`
          CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        `)
        await db.rawQuery(`
          CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
          BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        `)
      })
    }
  }

  async down() {
    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery('DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events')
      })
    }
    this.schema.dropTable('audit_events')
  }
}
