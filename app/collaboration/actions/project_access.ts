import { errors as lucidErrors } from '@adonisjs/lucid'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import type TaskComment from '#app/collaboration/models/task_comment'
import { ForbiddenError } from '#app/shared/errors/domain_error'

/**
 * Who sees and edits which project — every project-level permission rule
 * lives here. Open projects are visible to everyone with `tasks.view`; a
 * private project only to its owner, its members and admins. Creating a
 * project and editing tasks need `tasks.edit` (or `tasks.manage`); managing
 * a project (settings, members, deleting it and its tasks) needs
 * `tasks.manage` or being its owner; a comment is deleted by whoever
 * manages the project or by its author while they may edit tasks.
 */
export class ProjectAccess {
  static isAdmin(user: User) {
    return user.role === 'owner' || user.role === 'admin'
  }

  /** Narrows a project query to what the user may see. */
  static scopeVisible(query: ModelQueryBuilderContract<typeof Project>, user: User) {
    if (ProjectAccess.isAdmin(user)) return query
    return query.where((q) => {
      q.where('projects.is_private', false)
        .orWhere('projects.owner_id', user.id)
        .orWhereExists((sub) =>
          sub
            .from('project_members')
            .whereColumn('project_members.project_id', 'projects.id')
            .where('project_members.user_id', user.id)
        )
    })
  }

  /** Subquery of the ids of the projects the user may see (for task queries). */
  static visibleProjectIds(companyId: number, user: User) {
    return ProjectAccess.scopeVisible(
      Project.query().where('projects.company_id', companyId),
      user
    ).select('projects.id')
  }

  static async find(companyId: number, projectId: number, user: User) {
    const project = await Project.query()
      .where({ id: projectId, companyId })
      .preload('members')
      .first()
    if (!project) throw new lucidErrors.E_ROW_NOT_FOUND()
    if (!ProjectAccess.canView(project, user)) {
      // A private project does not reveal it exists.
      throw new lucidErrors.E_ROW_NOT_FOUND()
    }
    return project
  }

  static isMember(project: Project, user: User) {
    return (
      project.ownerId === user.id ||
      (project.$preloaded.members ? project.members.some((m) => m.id === user.id) : false)
    )
  }

  static canView(project: Project, user: User) {
    if (!user.can('tasks.view')) return false
    return (
      !project.isPrivate || ProjectAccess.isAdmin(user) || ProjectAccess.isMember(project, user)
    )
  }

  static canEditTasks(project: Project, user: User) {
    return user.can('tasks.edit') && ProjectAccess.canView(project, user)
  }

  static canCreate(user: User) {
    return user.can('tasks.manage') || user.can('tasks.edit')
  }

  static canDeleteComment(project: Project, comment: TaskComment, user: User) {
    return (
      ProjectAccess.canManage(project, user) ||
      (comment.authorId === user.id && ProjectAccess.canEditTasks(project, user))
    )
  }

  static canManage(project: Project, user: User) {
    return (
      ProjectAccess.canView(project, user) &&
      (user.can('tasks.manage') || (user.can('tasks.edit') && project.ownerId === user.id))
    )
  }

  static assertEditTasks(project: Project, user: User) {
    if (!ProjectAccess.canEditTasks(project, user)) throw new ForbiddenError()
  }

  static assertManage(project: Project, user: User) {
    if (!ProjectAccess.canManage(project, user)) throw new ForbiddenError()
  }

  static assertCreate(user: User) {
    if (!ProjectAccess.canCreate(user)) throw new ForbiddenError()
  }

  static assertDeleteComment(project: Project, comment: TaskComment, user: User) {
    if (!ProjectAccess.canDeleteComment(project, comment, user)) throw new ForbiddenError()
  }
}
