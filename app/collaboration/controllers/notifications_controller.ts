import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import StaffNotification from '#app/collaboration/models/staff_notification'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { toDbTime } from '#app/shared/kernel/db_values'

/** 通知: my in-app notifications. */
export default class NotificationsController {
  async index({ view, auth }: HttpContext) {
    const notifications = await StaffNotification.query()
      .where('userId', auth.user!.id)
      .orderBy('id', 'desc')
      .limit(100)
    return view.render('pages/collaboration/notifications', { notifications })
  }

  /** The top-bar bell, polled by htmx. */
  async unread({ view, auth, response }: HttpContext) {
    response.header('Vary', 'HX-Request')
    response.header('Cache-Control', 'no-store')
    const count = await NotifyStaff.unreadCount(auth.user!.id)
    return view.render('components/collaboration/unread_badge', { count })
  }

  /** Opens the task and marks the notification read. */
  async open({ params, auth, response }: HttpContext) {
    const notification = await StaffNotification.query()
      .where({ id: Number(params.id), userId: auth.user!.id })
      .firstOrFail()
    if (!notification.readAt) {
      notification.readAt = DateTime.utc()
      await notification.save()
    }
    if (notification.taskId) {
      return response.redirect().toRoute('collaboration.tasks.show', { id: notification.taskId })
    }
    return response.redirect().toRoute('collaboration.notifications.index')
  }

  async readAll({ auth, response }: HttpContext) {
    await StaffNotification.query()
      .where('userId', auth.user!.id)
      .whereNull('readAt')
      .update({ read_at: toDbTime(DateTime.utc(), db.connection()) })
    return response.redirect().toRoute('collaboration.notifications.index')
  }
}
