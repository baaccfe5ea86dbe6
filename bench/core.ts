import db from '@adonisjs/lucid/services/db'
import { AuditLog } from '#app/shared/audit/audit_log'
import { Phone } from '#app/shared/kernel/phone'
import { type BenchContext, timeIt } from './_support.js'

/**
 * Foundation figures: how fast the shared kernel and the audit log are.
 * Runs on the configured database (migrate it first: `node ace setup`).
 */
export default async function ({ report }: BenchContext) {
  const phones = Array.from({ length: 20_000 }, (_, i) => `138${String(i).padStart(8, '0')}`)

  const [, hashMs] = await timeIt(async () => {
    for (const input of phones) Phone.parse(input).blindIndex
  })
  report('phone_blind_index', (phones.length / hashMs) * 1000, 'ops/s')

  const [, encryptMs] = await timeIt(async () => {
    for (const input of phones.slice(0, 5000)) Phone.parse(input).encrypt()
  })
  report('phone_encrypt', (5000 / encryptMs) * 1000, 'ops/s')

  const rows = 2000
  const [, auditMs] = await timeIt(async () => {
    await db.transaction(async (trx) => {
      for (let i = 0; i < rows; i++) {
        await AuditLog.record({
          client: trx,
          actor: null,
          entityType: 'bench',
          entityId: i,
          action: 'write',
        })
      }
      // The audit log is append-only (triggers refuse deletes), so the bench rolls back.
      await trx.rollback()
    })
  })
  report('audit_log_insert', (rows / auditMs) * 1000, 'rows/s')
}
