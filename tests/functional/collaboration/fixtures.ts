import type User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import { ManageProjects, type ProjectInput } from '#app/collaboration/actions/manage_projects'
import { ManageTasks, type TaskInput } from '#app/collaboration/actions/manage_tasks'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

export const ZONE = 'Asia/Shanghai'

/** A company, a manager who owns a project, and the project. */
export async function projectOf(owner: User, input: Partial<ProjectInput> = {}) {
  const shops = await createCompanyWithShops()
  const project = await new ManageProjects().create(
    shops.company.id,
    { name: '2026 双11', ...input },
    owner
  )
  return { ...shops, project }
}

export function addTask(project: Project, actor: User, input: Partial<TaskInput> = {}) {
  return new ManageTasks(ZONE).create(project, { title: '主图设计', ...input }, actor)
}
