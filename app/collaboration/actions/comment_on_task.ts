import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import type Task from '#app/collaboration/models/task'
import TaskComment from '#app/collaboration/models/task_comment'
import Project from '#app/collaboration/models/project'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { AuditLog } from '#app/shared/audit/audit_log'

/**
 * 评论 on a task. `@姓名` mentions a colleague by full name (Chinese names
 * have no spaces to end a handle on, so the known names are matched, longest
 * first). The mentioned are notified; other watchers get a comment notice;
 * the commenter starts watching.
 */
export class CommentOnTask {
  async handle(task: Task, body: string, actor: User, zone: string) {
    const project = await Project.query()
      .where('id', task.projectId)
      .preload('members')
      .firstOrFail()
    ProjectAccess.assertEditTasks(project, actor)
    const comment = await TaskComment.create({ taskId: task.id, authorId: actor.id, body })
    const mentioned = await this.mentions(body, project)
    await new ManageTasks(zone).watch(task, actor.id)
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.commented',
      data: {
        title: task.title,
        commentId: comment.id,
        mentioned: mentioned.map((u) => u.fullName),
      },
    })
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.task_commented',
      context: { commentId: comment.id, mentioned: mentioned.map((u) => u.id) },
      actor,
    })
    const notify = new NotifyStaff()
    const excerpt = body.slice(0, 280)
    await notify.task({
      companyId: task.companyId,
      kind: 'task.mentioned',
      userIds: mentioned.map((u) => u.id),
      actorId: actor.id,
      task,
      titleKey: 'mentioned',
      actorName: actor.fullName,
      body: excerpt,
    })
    const watchers = await db.from('task_watchers').where('task_id', task.id).select('user_id')
    const mentionedIds = new Set(mentioned.map((u) => u.id))
    await notify.task({
      companyId: task.companyId,
      kind: 'task.comment',
      userIds: watchers.map((w: any) => w.user_id).filter((id: number) => !mentionedIds.has(id)),
      actorId: actor.id,
      task,
      titleKey: 'commented',
      actorName: actor.fullName,
      body: excerpt,
    })
    return { comment, mentioned }
  }

  /** Active users named `@全名` in the text who may see the project. */
  async mentions(body: string, project: Project) {
    if (!body.includes('@')) return []
    const users = await User.query().whereNull('disabledAt')
    const found: User[] = []
    let rest = body
    for (const user of users.sort((a, b) => b.fullName.length - a.fullName.length)) {
      const handle = `@${user.fullName}`
      if (!rest.includes(handle)) continue
      rest = rest.split(handle).join(' ')
      if (ProjectAccess.canView(project, user)) found.push(user)
    }
    return found
  }
}
