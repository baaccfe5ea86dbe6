import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import router from '@adonisjs/core/services/router'
import { urlFor } from '@adonisjs/core/services/url_builder'
import env from '#start/env'
import User from '#app/identity/models/user'
import StaffNotification from '#app/collaboration/models/staff_notification'
import { staffNotifiers } from '#app/shared/notifications/staff_notifiers'

/**
 * A link into Quanzi for a notification. Jobs run in `node ace queue:work`
 * and commands, where no HTTP server has committed the routes yet; the
 * commit is idempotent, so it is done here when needed.
 */
function absoluteUrl(path: () => string) {
  if (!router.commited) router.commit()
  return new URL(path(), env.get('APP_URL')).toString()
}

export interface TaskNotice {
  companyId: number
  /** task.assigned, task.mentioned, task.comment */
  kind: string
  userIds: number[]
  /** Not notified about their own action. */
  actorId: number | null
  task: { id: number; title: string }
  /** Translation key under `collaboration.notifications.*`, with `{ task, actor }`. */
  titleKey: string
  actorName: string
  body?: string | null
  /** For `assigned_many`: how many tasks. */
  count?: number
  /** A notification with the same key is never sent to a person twice. */
  dedupeKey?: string
}

/**
 * Writes each recipient's in-app notification, then hands the notification
 * to the other notifiers (plugins) through `staffNotifiers`, once per
 * language so each recipient reads it in theirs.
 */
export class NotifyStaff {
  async task(notice: TaskNotice) {
    let ids = [...new Set(notice.userIds)].filter((id) => id !== notice.actorId)
    if (notice.dedupeKey && ids.length) {
      const sent = await StaffNotification.query()
        .whereIn('userId', ids)
        .where('dedupeKey', notice.dedupeKey)
        .select('userId')
      const already = new Set(sent.map((n) => n.userId))
      ids = ids.filter((id) => !already.has(id))
    }
    if (ids.length === 0) return []
    const users = await User.query().whereIn('id', ids).whereNull('disabledAt')
    const url = absoluteUrl(() => urlFor('collaboration.tasks.show', { id: notice.task.id }))
    const byLocale = new Map<string, User[]>()
    const rows: StaffNotification[] = []
    for (const user of users) {
      const locale = i18nManager.getSupportedLocaleFor([user.locale]) ?? i18nManager.defaultLocale
      byLocale.set(locale, [...(byLocale.get(locale) ?? []), user])
    }
    for (const [locale, recipients] of byLocale) {
      const title = i18nManager.locale(locale).t(`collaboration.notifications.${notice.titleKey}`, {
        task: notice.task.title,
        actor: notice.actorName,
        count: notice.count ?? 1,
      })
      for (const user of recipients) {
        rows.push(
          await StaffNotification.create({
            companyId: notice.companyId,
            userId: user.id,
            kind: notice.kind,
            title,
            body: notice.body ?? null,
            taskId: notice.task.id,
            dedupeKey: notice.dedupeKey ?? null,
          })
        )
      }
      await staffNotifiers.deliver({
        kind: notice.kind,
        recipients: recipients.map((u) => ({ userId: u.id, fullName: u.fullName, email: u.email })),
        title,
        body: notice.body ?? '',
        url,
        createdAt: DateTime.utc(),
      })
    }
    return rows
  }

  /** The daily digest: one line per person, in-app and to the notifiers. */
  async digest(
    companyId: number,
    user: User,
    figures: { dueToday: number; overdue: number; date: string }
  ) {
    const dedupeKey = `digest:${figures.date}`
    if (await StaffNotification.query().where({ userId: user.id, dedupeKey }).first()) return null
    const locale = i18nManager.getSupportedLocaleFor([user.locale]) ?? i18nManager.defaultLocale
    const title = i18nManager.locale(locale).t('collaboration.notifications.digest', figures)
    const row = await StaffNotification.create({
      companyId,
      userId: user.id,
      kind: 'digest.daily',
      title,
      body: null,
      taskId: null,
      dedupeKey,
    })
    await staffNotifiers.deliver({
      kind: 'digest.daily',
      recipients: [{ userId: user.id, fullName: user.fullName, email: user.email }],
      title,
      body: '',
      url: absoluteUrl(() => urlFor('collaboration.my_day')),
      createdAt: DateTime.utc(),
    })
    return row
  }

  static unreadCount(userId: number) {
    return StaffNotification.query()
      .where('userId', userId)
      .whereNull('readAt')
      .count('* as total')
      .first()
      .then((row) => Number(row?.$extras.total ?? 0))
  }
}
