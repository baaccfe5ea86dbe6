import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import queue from '#app/shared/queue/queue'
import { erpRegistry } from '#app/plugins/registries'
import { erpPushStockJob } from '#app/plugins/jobs/erp_push_stock_job'
import { normaliseItems, parseStockLines } from '#app/plugins/erp/stock_push'

/**
 * 推送库存 from a connector's plugin page: checks the lines, writes the
 * request to the audit log and queues the push under the form's key (the
 * push itself happens once per key, see PushStock).
 */
export class RequestStockPush {
  async handle(pluginId: string, lines: string, formKey: string, actor: AuditActor) {
    const connector = erpRegistry.ownedBy(pluginId)[0]
    if (!connector) throw new DomainError('E_NOT_ERP', 'plugins.errors.not_erp', 422)
    if (!connector.pushStock || connector.capabilities.stockWriteMode === 'none') {
      throw new DomainError('E_NO_STOCK_PUSH', 'plugins.errors.no_stock_push', 422)
    }
    const items = normaliseItems(parseStockLines(lines))
    const key = `stock-form:${formKey}`
    await AuditLog.record({
      entityType: 'plugin',
      entityId: pluginId,
      action: 'push_stock',
      after: { items },
      context: { idempotencyKey: key },
      actor,
    })
    await queue.dispatch(
      erpPushStockJob,
      { connector: connector.id, items, key },
      {
        requestedBy: actor,
      }
    )
    return items
  }
}
