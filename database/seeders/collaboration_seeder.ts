import { DateTime } from 'luxon'
import User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import { findCurrentCompany } from '#app/organization/current_company'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { CommentOnTask } from '#app/collaboration/actions/comment_on_task'

/** Demo staff by role, as DemoSeeder creates them. */
const PEOPLE = {
  manager: 'manager@demo.quanzi.cn',
  operator: 'operator@demo.quanzi.cn',
  service: 'service@demo.quanzi.cn',
  crm: 'crm@demo.quanzi.cn',
  guide: 'guide@demo.quanzi.cn',
}

/**
 * 协同 demo data: the built-in templates, and a 聚划算 project made from
 * its template with the event day ten days ahead, so My Day, the board and
 * the team page have something true to show: the first tasks done, one
 * late, a comment with a mention.
 */
export default class CollaborationSeeder {
  static async seed(now: DateTime = DateTime.utc()) {
    const company = await findCurrentCompany()
    if (!company) return null
    const users = new Map<string, User>()
    for (const [role, email] of Object.entries(PEOPLE)) {
      const user = await User.findBy('email', email)
      if (user) users.set(role, user)
    }
    const manager = users.get('manager')
    if (!manager) return null
    const zone = company.timezone
    const templates = new ManageTemplates(zone)
    await templates.ensureBuiltins(company.id)
    const juhuasuan = await PlaybookTemplate.query()
      .where({ companyId: company.id, builtinKey: 'juhuasuan' })
      .firstOrFail()
    if (await Project.query().where({ companyId: company.id, templateId: juhuasuan.id }).first()) {
      return null
    }
    const anchor = now.setZone(zone).plus({ days: 10 }).toISODate()!
    const { project, tasks } = await templates.instantiate(
      company.id,
      {
        templateId: juhuasuan.id,
        anchorDate: anchor,
        name: '12月聚划算 · 羊绒大衣单品团',
        roles: {
          运营: users.get('operator')?.id,
          客服主管: users.get('service')?.id,
          美工: users.get('guide')?.id,
          推广: users.get('crm')?.id,
          仓储: manager.id,
        },
      },
      manager
    )
    project.status = 'active'
    await project.save()
    const actions = new ManageTasks(zone)
    const today = now.setZone(zone).startOf('day')
    const past = tasks.filter((t) => t.dueAt && t.dueAt < today)
    // Everything before today is done except the last one, which is late.
    for (const task of past.slice(0, -1)) {
      await actions.complete(task, users.get('operator') ?? manager)
    }
    const late = past.at(-1)
    if (late && users.get('service')) {
      await new CommentOnTask().handle(
        late,
        `@${users.get('service')!.fullName} 库存数据今天下班前能给我吗？`,
        manager,
        zone
      )
    }
    return { project, tasks: tasks.length }
  }
}
