import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#app/identity/models/user'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'
import { toDbTime } from '#app/shared/kernel/db_values'

/** One task of a template as files, the edit form and built-ins describe it. */
export interface TemplateTaskSpec {
  title: string
  description?: string | null
  offsetDays: number
  offsetHours?: number | null
  dueTime?: string | null
  role?: string | null
  priority?: number
  labels?: string[]
  checklist?: string[]
  /** Positions (1-based, in this list) of the tasks this one waits for. */
  dependsOn?: number[]
}

export interface TemplateSpec {
  name: string
  category?: string | null
  shopSize?: string | null
  description?: string | null
  tasks: TemplateTaskSpec[]
}

export interface TemplateProblem {
  field: string
  message: string
}

/** 服装, 美妆 …: the categories offered in the library filter (templates may use others). */
export const TEMPLATE_CATEGORIES = ['服装', '美妆', '食品', '3C', '家居', '母婴', '通用'] as const
export const SHOP_SIZES = ['small', 'medium', 'large'] as const

/**
 * Dependency problems of a task list: a position that is not in the list,
 * a task waiting for itself, and circles (A waits for B … waits for A).
 * Tolerant of unchecked input (an import file), so it can run alongside
 * the schema check and every problem is listed at once.
 */
export function dependencyProblems(tasks: unknown, locale = 'zh-CN'): TemplateProblem[] {
  if (!Array.isArray(tasks)) return []
  const t = i18nManager.locale(locale)
  const problems: TemplateProblem[] = []
  const count = tasks.length
  const edges = new Map<number, number[]>()
  tasks.forEach((task, index) => {
    const position = index + 1
    const raw = task && typeof task === 'object' ? (task as any).dependsOn : undefined
    if (!Array.isArray(raw)) return
    const valid: number[] = []
    for (const value of raw) {
      if (!Number.isInteger(value)) continue
      if (value === position) {
        problems.push({
          field: `template.tasks.${index}.dependsOn`,
          message: t.t('collaboration.templates.problems.self', { position }),
        })
      } else if (value < 1 || value > count) {
        problems.push({
          field: `template.tasks.${index}.dependsOn`,
          message: t.t('collaboration.templates.problems.unknown_task', { position, value }),
        })
      } else {
        valid.push(value)
      }
    }
    edges.set(position, valid)
  })
  // Depth-first search; a back edge closes a circle.
  const state = new Map<number, 'open' | 'done'>()
  const reported = new Set<number>()
  const visit = (node: number, path: number[]) => {
    state.set(node, 'open')
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const circle = [...path.slice(path.indexOf(next)), next]
        if (!reported.has(next)) {
          reported.add(next)
          problems.push({
            field: `template.tasks.${next - 1}.dependsOn`,
            message: t.t('collaboration.templates.problems.circle', {
              circle: circle.map((p) => `#${p}`).join(' → '),
            }),
          })
        }
      } else if (!state.has(next)) {
        visit(next, [...path, next])
      }
    }
    state.set(node, 'done')
  }
  for (let position = 1; position <= count; position++) {
    if (!state.has(position)) visit(position, [position])
  }
  return problems
}

/** A row of the edit form, as validated. */
export interface TemplateFormRow {
  row: number
  order?: number
  remove?: boolean
  title?: string
  offsetDays?: number
  offsetHours?: number
  dueTime?: string
  role?: string
  priority?: number
  labels?: string
  checklist?: string
  dependsOn?: string
}

/**
 * The edit form's rows as the task list of a version: removed and blank
 * rows dropped, sorted by their order (then their number), "waits for #n"
 * renumbered to the new positions. Problems name the row (#n).
 */
export function tasksFromForm(rows: TemplateFormRow[], locale = 'zh-CN') {
  const t = i18nManager.locale(locale)
  const problems: TemplateProblem[] = []
  const kept = rows
    .filter((r) => !r.remove && r.title && r.title.trim())
    .sort((a, b) => (a.order ?? a.row) - (b.order ?? b.row) || a.row - b.row)
  const positionOf = new Map(kept.map((r, index) => [r.row, index + 1]))
  const tasks: TemplateTaskSpec[] = kept.map((r, index) => {
    if (r.offsetDays === undefined || r.offsetDays === null) {
      problems.push({
        field: `tasks.${index}.offsetDays`,
        message: t.t('collaboration.templates.problems.offset_required', { row: r.row }),
      })
    }
    const dependsOn: number[] = []
    for (const part of (r.dependsOn ?? '').split(/[,，\s]+/).filter(Boolean)) {
      const position = positionOf.get(Number(part))
      if (position === undefined) {
        problems.push({
          field: `tasks.${index}.dependsOn`,
          message: t.t('collaboration.templates.problems.unknown_row', { row: r.row, value: part }),
        })
      } else {
        dependsOn.push(position)
      }
    }
    return {
      title: r.title!.trim(),
      offsetDays: r.offsetDays ?? 0,
      offsetHours: r.offsetHours || null,
      dueTime: r.dueTime || null,
      role: r.role || null,
      priority: r.priority ?? 1,
      labels: [
        ...new Set(
          (r.labels ?? '')
            .split(/[,，]/)
            .map((l) => l.trim().slice(0, 40))
            .filter(Boolean)
        ),
      ],
      checklist: (r.checklist ?? '')
        .split('\n')
        .map((line) => line.trim().slice(0, 200))
        .filter(Boolean),
      dependsOn,
    }
  })
  return { tasks, problems }
}

/**
 * 模板版本: a template version is written once and never changed.
 * Editing saves the next version and retires the one edited; projects keep
 * the version they were made from.
 */
export class TemplateVersions {
  /** Writes a version: the template row and its tasks. */
  static async write(
    trx: TransactionClientContract,
    companyId: number,
    spec: TemplateSpec,
    meta: {
      version: number
      lineageId: number | null
      builtinKey?: string | null
      createdById: number | null
    }
  ) {
    const template = await PlaybookTemplate.create(
      {
        companyId,
        builtinKey: meta.builtinKey ?? null,
        name: spec.name,
        category: spec.category ?? null,
        shopSize: spec.shopSize ?? null,
        description: spec.description ?? null,
        version: meta.version,
        lineageId: meta.lineageId,
        createdById: meta.createdById,
      },
      { client: trx }
    )
    if (spec.tasks.length) {
      await PlaybookTemplateTask.createMany(
        spec.tasks.map((task, index) => ({
          templateId: template.id,
          position: index + 1,
          title: task.title,
          description: task.description ?? null,
          offsetDays: task.offsetDays,
          offsetHours: task.offsetHours || null,
          dueTime: task.dueTime ?? null,
          role: task.role || null,
          priority: task.priority ?? 1,
          labels: task.labels?.length ? task.labels.join(', ') : null,
          checklist: task.checklist?.length ? task.checklist.join('\n') : null,
          dependsOn: task.dependsOn?.length ? [...new Set(task.dependsOn)].join(',') : null,
        })),
        { client: trx }
      )
    }
    return template
  }

  /** A stored version as a spec (to export it, or to start the next version from). */
  static spec(template: PlaybookTemplate): TemplateSpec {
    return {
      name: template.name,
      category: template.category,
      shopSize: template.shopSize,
      description: template.description,
      tasks: template.tasks.map((task) => ({
        title: task.title,
        description: task.description,
        offsetDays: task.offsetDays,
        offsetHours: task.offsetHours,
        dueTime: task.dueTime,
        role: task.role,
        priority: task.priority,
        labels: (task.labels ?? '')
          .split(/[,，]/)
          .map((l) => l.trim())
          .filter(Boolean),
        checklist: (task.checklist ?? '').split('\n').filter(Boolean),
        dependsOn: task.dependsOnList,
      })),
    }
  }

  /**
   * Saves an edit as the next version. Only the current version can be
   * edited: if someone saved a newer one meanwhile, the edit is refused
   * (409) rather than forking the template.
   */
  async saveNext(
    template: PlaybookTemplate,
    spec: TemplateSpec,
    actor: User,
    earlier: TemplateProblem[] = []
  ) {
    if (!actor.can('tasks.manage')) throw new ForbiddenError()
    if (template.supersededAt) return this.refuseStale(template)
    const problems = [...earlier, ...dependencyProblems(spec.tasks, actor.locale ?? 'zh-CN')]
    if (spec.tasks.length === 0) {
      problems.push({
        field: 'template.tasks',
        message: i18nManager.locale(actor.locale ?? 'zh-CN').t('collaboration.templates.no_tasks'),
      })
    }
    if (problems.length) {
      throw new DomainError('E_TEMPLATE_INVALID', 'collaboration.templates.invalid', 422, {
        problems: problems.map((p) => p.message).join('；'),
        list: problems,
      })
    }
    const next = await db.transaction(async (trx) => {
      const retired = await trx
        .from('playbook_templates')
        .where({ id: template.id })
        .whereNull('superseded_at')
        .update({ superseded_at: toDbTime(DateTime.utc(), trx) })
      const count = Array.isArray(retired) ? Number(retired[0] ?? 0) : Number(retired)
      if (!count) return null
      return TemplateVersions.write(trx, template.companyId, spec, {
        version: template.version + 1,
        lineageId: template.lineageId ?? template.id,
        createdById: actor.id,
      })
    })
    if (!next) return this.refuseStale(template)
    await AuditLog.record({
      entityType: 'playbook_template',
      entityId: next.id,
      action: 'collaboration.template_versioned',
      context: {
        previousId: template.id,
        lineageId: next.lineageId,
        version: next.version,
        tasks: spec.tasks.length,
      },
      actor,
    })
    return next
  }

  /** The newest version of a template's lineage. */
  static current(template: PlaybookTemplate) {
    return PlaybookTemplate.query()
      .where('companyId', template.companyId)
      .where((q) =>
        q
          .where('id', template.lineageId ?? template.id)
          .orWhere('lineageId', template.lineageId ?? template.id)
      )
      .orderBy('version', 'desc')
      .firstOrFail()
  }

  private async refuseStale(template: PlaybookTemplate): Promise<never> {
    const newest = await TemplateVersions.current(template)
    throw new DomainError('E_TEMPLATE_CHANGED', 'collaboration.templates.changed', 409, {
      version: newest.version,
    })
  }
}
