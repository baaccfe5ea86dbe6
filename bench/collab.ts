import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Company from '#app/organization/models/company'
import type User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import { ManageUsers } from '#app/identity/actions/manage_users'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { TemplateFiles } from '#app/collaboration/actions/template_files'
import { type BenchContext, percentile, timeIt } from './_support.js'
import { toDbTime } from '#app/shared/kernel/db_values'

const TASKS = 10_000
const PROJECTS = 20
const PEOPLE = 8

/**
 * Collaboration figures with 10k tasks in the company: the board and My Day
 * queries (p95), and creating a project from a 40-task template. Runs in
 * one global transaction that is rolled back, on the configured database
 * (migrate it first: `node ace migration:run`). The figures are the
 * queries and actions, not the HTML rendering.
 */
export default async function ({ report }: BenchContext) {
  await db.beginGlobalTransaction()
  try {
    const company =
      (await Company.query().orderBy('id').first()) ??
      (await Company.create({ name: 'Bench', timezone: 'Asia/Shanghai', defaultLocale: 'zh-CN' }))
    const zone = company.timezone
    const users: User[] = []
    for (let i = 0; i < PEOPLE; i++) {
      users.push(
        await new ManageUsers().create(
          {
            fullName: `压测员工${i}`,
            email: `bench-${Date.now()}-${i}@bench.quanzi.cn`,
            role: i === 0 ? 'manager' : 'operator',
            password: 'bench-password-123',
            locale: 'zh-CN',
          },
          null
        )
      )
    }
    const manager = users[0]
    const projects: Project[] = []
    for (let i = 0; i < PROJECTS; i++) {
      projects.push(
        await new ManageProjects().create(
          company.id,
          { name: `压测项目 ${i}`, memberIds: users.map((u) => u.id) },
          manager
        )
      )
    }
    const statuses = await TaskStatuses.forCompany(company.id)
    const now = DateTime.utc()
    const at = (value: DateTime) => toDbTime(value, db.connection())
    const rows = Array.from({ length: TASKS }, (_, i) => ({
      company_id: company.id,
      project_id: projects[i % PROJECTS].id,
      title: `压测任务 ${i}`,
      status_id: statuses[i % statuses.length].id,
      priority: i % 4,
      assignee_id: users[i % PEOPLE].id,
      due_at: at(now.plus({ hours: ((i * 7) % 1440) - 720 })),
      due_has_time: i % 3 === 0,
      start_has_time: false,
      position: i,
      version: 1,
      created_by_id: manager.id,
      created_at: at(now.minus({ days: 30 })),
      updated_at: at(now),
    }))
    for (let i = 0; i < rows.length; i += 500) {
      await db.table('tasks').multiInsert(rows.slice(i, i + 500))
    }

    const board: number[] = []
    for (let i = 0; i < 30; i++) {
      const [, ms] = await timeIt(() =>
        new TaskQueries(company.id, manager, zone).board(projects[i % PROJECTS].id)
      )
      board.push(ms)
    }
    report('board_query_p95', percentile(board, 95), 'ms')

    const myDay: number[] = []
    for (let i = 0; i < 30; i++) {
      const [, ms] = await timeIt(() =>
        new TaskQueries(company.id, users[i % PEOPLE], zone).myDay()
      )
      myDay.push(ms)
    }
    report('my_day_query_p95', percentile(myDay, 95), 'ms')

    const file = {
      format: 'quanzi.playbook',
      version: 1,
      template: {
        name: '压测 40 任务模板',
        tasks: Array.from({ length: 40 }, (_, i) => ({
          title: `模板任务 ${i}`,
          offsetDays: i - 30,
          role: i % 2 ? '运营' : '美工',
          labels: ['压测'],
          checklist: ['一', '二'],
        })),
      },
    }
    const imported = await new TemplateFiles().import(company.id, JSON.stringify(file), manager)
    if (!imported.ok) throw new Error('bench template did not import')
    const fromTemplate: number[] = []
    for (let i = 0; i < 5; i++) {
      const [, ms] = await timeIt(() =>
        new ManageTemplates(zone).instantiate(
          company.id,
          {
            templateId: imported.template.id,
            anchorDate: '2026-11-11',
            roles: { 运营: users[1].id, 美工: users[2].id },
          },
          manager
        )
      )
      fromTemplate.push(ms)
    }
    report('project_from_40_task_template_p95', percentile(fromTemplate, 95), 'ms')
  } finally {
    await db.rollbackGlobalTransaction()
  }
}
