import logger from '@adonisjs/core/services/logger'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import type User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import type Task from '#app/collaboration/models/task'
import TaskComment from '#app/collaboration/models/task_comment'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'

type Client = TransactionClientContract
/** The ids of the tasks to delete, as a subquery (one task, or all of a project). */
type TaskIds = DatabaseQueryBuilderContract

/** What a deletion takes with it, shown on the confirm step. */
export interface DeletionSummary {
  tasks: number
  comments: number
  attachments: number
  checklist: number
}

/**
 * 删除: projects, tasks and comments. "Owners and managers delete": a
 * project or a task is deleted by the project's owner or someone with
 * `tasks.manage`; a comment also by its author. Rows go for real (no soft
 * delete that every query would have to remember) in one transaction,
 * children first: dependencies in both directions, checklist items,
 * comments, labels, collaborators, watchers, notifications about the task,
 * attachment rows — the files leave the disk after the commit. The feed
 * keeps its history (task rows' activity lose their link) and gains a
 * "deleted" line; the audit log keeps a snapshot.
 */
export class DeleteWork {
  /** Counts for the confirm step. */
  async summary(scope: { projectId?: number; taskId?: number }): Promise<DeletionSummary> {
    const ids = scope.taskId
      ? db.from('tasks').where('id', scope.taskId).select('id')
      : db.from('tasks').where('project_id', scope.projectId!).select('id')
    const count = async (table: string) => {
      const row = await db.from(table).whereIn('task_id', ids).count('* as total').first()
      return Number(row?.total ?? 0)
    }
    const tasks = await db.from('tasks').whereIn('id', ids).count('* as total').first()
    return {
      tasks: Number(tasks?.total ?? 0),
      comments: await count('task_comments'),
      attachments: await count('task_attachments'),
      checklist: await count('task_checklist_items'),
    }
  }

  async deleteTask(task: Task, actor: User) {
    ProjectAccess.assertManage(task.project, actor)
    const summary = await this.summary({ taskId: task.id })
    const files = await db.transaction(async (trx) => {
      const keys = await this.removeTasks(
        trx,
        trx.from('tasks').where('id', task.id).select('id'),
        'unlink'
      )
      await ActivityFeed.record(
        {
          companyId: task.companyId,
          projectId: task.projectId,
          actorId: actor.id,
          verb: 'task.deleted',
          data: { title: task.title },
        },
        trx
      )
      await AuditLog.record({
        entityType: 'task',
        entityId: task.id,
        action: 'collaboration.task_deleted',
        before: {
          title: task.title,
          projectId: task.projectId,
          statusId: task.statusId,
          assigneeId: task.assigneeId,
          dueAt: task.dueAt?.toISO() ?? null,
        },
        context: { ...summary },
        actor,
        client: trx,
      })
      return keys
    })
    await this.removeFiles(files)
  }

  async deleteProject(project: Project, actor: User) {
    ProjectAccess.assertManage(project, actor)
    const summary = await this.summary({ projectId: project.id })
    const files = await db.transaction(async (trx) => {
      const taskIds = trx.from('tasks').where('project_id', project.id).select('id')
      const keys = await this.removeTasks(trx, taskIds, 'drop')
      await trx.from('collaboration_activities').where('project_id', project.id).delete()
      await trx.from('recurring_tasks').where('project_id', project.id).delete()
      await trx.from('project_members').where('project_id', project.id).delete()
      await trx.from('projects').where('id', project.id).delete()
      // The team feed says it went; a private project's name stays private.
      if (!project.isPrivate) {
        await ActivityFeed.record(
          {
            companyId: project.companyId,
            projectId: null,
            actorId: actor.id,
            verb: 'project.deleted',
            data: { name: project.name, tasks: summary.tasks },
          },
          trx
        )
      }
      await AuditLog.record({
        entityType: 'project',
        entityId: project.id,
        action: 'collaboration.project_deleted',
        before: {
          name: project.name,
          ownerId: project.ownerId,
          status: project.status,
          isPrivate: project.isPrivate,
        },
        context: { ...summary },
        actor,
        client: trx,
      })
      return keys
    })
    await this.removeFiles(files)
    return summary
  }

  async deleteComment(task: Task, commentId: number, actor: User) {
    const comment = await TaskComment.query()
      .where({ id: commentId, taskId: task.id })
      .firstOrFail()
    ProjectAccess.assertDeleteComment(task.project, comment, actor)
    await db.transaction(async (trx) => {
      comment.useTransaction(trx)
      await comment.delete()
      await ActivityFeed.record(
        {
          companyId: task.companyId,
          projectId: task.projectId,
          taskId: task.id,
          actorId: actor.id,
          verb: 'task.comment_deleted',
          data: { title: task.title },
        },
        trx
      )
      await AuditLog.record({
        entityType: 'task',
        entityId: task.id,
        action: 'collaboration.comment_deleted',
        before: { body: comment.body.slice(0, 500), authorId: comment.authorId },
        context: { commentId: comment.id },
        actor,
        client: trx,
      })
    })
    return comment
  }

  /**
   * Deletes tasks and every row hanging off them; returns the attachment
   * keys to remove from the disk once committed. `unlink` keeps the feed's
   * lines about the tasks (without their link); `drop` deletes them (the
   * whole project goes).
   */
  private async removeTasks(trx: Client, ids: TaskIds, activity: 'unlink' | 'drop') {
    const attachments = await trx
      .from('task_attachments')
      .whereIn('task_id', ids)
      .select('disk_key')
    const keys: string[] = attachments.map((row: { disk_key: string }) => row.disk_key)
    await trx
      .from('task_dependencies')
      .where((q) => q.whereIn('task_id', ids).orWhereIn('blocked_by_id', ids))
      .delete()
    for (const table of [
      'task_attachments',
      'task_checklist_items',
      'task_comments',
      'task_label_assignments',
      'task_collaborators',
      'task_watchers',
      'staff_notifications',
    ]) {
      await trx.from(table).whereIn('task_id', ids).delete()
    }
    if (activity === 'unlink') {
      await trx.from('collaboration_activities').whereIn('task_id', ids).update({ task_id: null })
    } else {
      await trx.from('collaboration_activities').whereIn('task_id', ids).delete()
    }
    await trx.from('tasks').whereIn('id', ids).delete()
    return keys
  }

  /** After the commit: a file that cannot be removed is logged, the rows are gone anyway. */
  private async removeFiles(keys: string[]) {
    for (const key of keys) {
      try {
        await drive.use().delete(key)
      } catch (error) {
        logger.warn({ err: error, key }, 'collaboration: attachment file not removed')
      }
    }
  }
}
