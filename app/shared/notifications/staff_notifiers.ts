import type { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'

/**
 * Staff notifications leave Quanzi through notifiers. The in-app centre
 * (collaboration) is always there; plugins add others — a WeCom group bot,
 * mail. Collaboration hands every notification and digest to
 * `staffNotifiers.deliver()`; a plugin registers a `StaffNotifier`. Neither
 * module imports the other.
 */
export interface StaffNotification {
  /** e.g. `task.assigned`, `task.mentioned`, `task.due_soon`, `task.blocker_late`, `task.comment`, `digest.daily` */
  kind: string
  recipients: Array<{ userId: number; fullName: string; email: string }>
  /** One line, already translated for the recipients' language. */
  title: string
  /** Plain text (may be Markdown); never HTML. */
  body: string
  /** Absolute link into Quanzi, when there is a page to open. */
  url: string | null
  createdAt: DateTime
}

export interface StaffNotifier {
  /** Unique, e.g. the plugin id: `wecom-bot`. */
  id: string
  /** The kinds this notifier delivers (a group bot may take only digests). */
  accepts(kind: string): boolean
  deliver(notification: StaffNotification): Promise<void>
}

export interface NotifierOutcome {
  notifier: string
  ok: boolean
  error?: string
}

export class StaffNotifierRegistry {
  #notifiers = new Map<string, StaffNotifier>()

  register(notifier: StaffNotifier) {
    if (this.#notifiers.has(notifier.id)) {
      throw new Error(`A staff notifier "${notifier.id}" is already registered`)
    }
    this.#notifiers.set(notifier.id, notifier)
  }

  unregister(id: string) {
    this.#notifiers.delete(id)
  }

  list(): StaffNotifier[] {
    return [...this.#notifiers.values()]
  }

  /**
   * Hands the notification to every notifier that accepts its kind. One
   * failing notifier (a bot that is down) never stops the others nor the
   * caller: its failure is logged and returned.
   */
  async deliver(notification: StaffNotification): Promise<NotifierOutcome[]> {
    const targets = this.list().filter((notifier) => notifier.accepts(notification.kind))
    return Promise.all(
      targets.map(async (notifier): Promise<NotifierOutcome> => {
        try {
          await notifier.deliver(notification)
          return { notifier: notifier.id, ok: true }
        } catch (error) {
          const message = (error as Error).message
          logger.warn(
            { notifier: notifier.id, kind: notification.kind, err: message },
            'staff notifier failed'
          )
          return { notifier: notifier.id, ok: false, error: message }
        }
      })
    )
  }
}

export const staffNotifiers = new StaffNotifierRegistry()
