import app from '@adonisjs/core/services/app'

/**
 * Tests that must really commit (writers racing through the pool) leave
 * rows behind that no transaction can roll back, and the ledger's tables
 * refuse deletes by design. Such a group calls this in its teardown: the
 * schema is dropped and migrated again, so later tests start from the
 * empty database that global-transaction tests expect.
 */
export async function rebuildDatabase() {
  const ace = await app.container.make('ace')
  const command = await ace.exec('migration:fresh', [])
  if (command.exitCode) throw command.error ?? new Error('migration:fresh failed')
}
