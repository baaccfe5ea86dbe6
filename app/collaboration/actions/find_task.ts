import { errors as lucidErrors } from '@adonisjs/lucid'
import type User from '#app/identity/models/user'
import Task from '#app/collaboration/models/task'
import { ProjectAccess } from '#app/collaboration/actions/project_access'

/** A task the user may see, with its project (and members) loaded; else 404. */
export async function findVisibleTask(companyId: number, taskId: number, user: User) {
  const task = await Task.query()
    .where({ id: taskId, companyId })
    .preload('project', (q) => q.preload('members'))
    .first()
  if (!task || !ProjectAccess.canView(task.project, user)) {
    throw new lucidErrors.E_ROW_NOT_FOUND()
  }
  return task
}
