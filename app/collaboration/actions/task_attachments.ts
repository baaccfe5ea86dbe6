import { randomUUID } from 'node:crypto'
import drive from '@adonisjs/drive/services/main'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type User from '#app/identity/models/user'
import type Task from '#app/collaboration/models/task'
import TaskAttachment from '#app/collaboration/models/task_attachment'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'

/** Allowed attachment types: images, office documents, PDF, text, archives. */
export const ATTACHMENT_EXTNAMES = [
  'jpg',
  'jpeg',
  'png',
  'gif',
  'webp',
  'pdf',
  'txt',
  'csv',
  'md',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'zip',
]

/**
 * 附件 on a task, on the drive disk (local `data/storage` by default, an
 * S3-compatible disk when configured). The stored key never contains the
 * user's file name, which is kept only as metadata.
 */
export class TaskAttachments {
  async add(task: Task, file: MultipartFile, actor: User) {
    ProjectAccess.assertEditTasks(task.project, actor)
    const key = `collaboration/tasks/${task.id}/${randomUUID()}${file.extname ? `.${file.extname}` : ''}`
    await file.moveToDisk(key)
    const attachment = await TaskAttachment.create({
      taskId: task.id,
      uploaderId: actor.id,
      fileName: file.clientName.slice(0, 200),
      diskKey: key,
      mime: file.headers['content-type'] ?? null,
      sizeBytes: file.size,
    })
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.attachment_added',
      data: { title: task.title, item: attachment.fileName },
    })
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.attachment_added',
      context: { attachmentId: attachment.id, fileName: attachment.fileName, size: file.size },
      actor,
    })
    return attachment
  }

  async remove(task: Task, attachmentId: number, actor: User) {
    ProjectAccess.assertEditTasks(task.project, actor)
    const attachment = await TaskAttachment.query()
      .where({ id: attachmentId, taskId: task.id })
      .firstOrFail()
    await drive.use().delete(attachment.diskKey)
    await attachment.delete()
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.attachment_removed',
      context: { attachmentId, fileName: attachment.fileName },
      actor,
    })
  }

  static find(task: Task, attachmentId: number) {
    return TaskAttachment.query().where({ id: attachmentId, taskId: task.id }).firstOrFail()
  }
}
