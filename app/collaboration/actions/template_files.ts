import vine, { errors as vineErrors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'
import { AuditLog } from '#app/shared/audit/audit_log'

/** The file format; see docs/collaboration.md ("Template files"). */
export const TEMPLATE_FILE_FORMAT = 'quanzi.playbook'
export const TEMPLATE_FILE_VERSION = 1

const fileSchema = vine.create({
  format: vine.literal(TEMPLATE_FILE_FORMAT),
  version: vine.literal(TEMPLATE_FILE_VERSION),
  template: vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    category: vine.string().trim().maxLength(40).nullable().optional(),
    shopSize: vine.enum(['small', 'medium', 'large']).nullable().optional(),
    description: vine.string().maxLength(5000).nullable().optional(),
    tasks: vine
      .array(
        vine.object({
          title: vine.string().trim().minLength(1).maxLength(200),
          offsetDays: vine.number().withoutDecimals().min(-366).max(366),
          dueTime: vine
            .string()
            .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
            .nullable()
            .optional(),
          role: vine.string().trim().maxLength(40).nullable().optional(),
          priority: vine.number().withoutDecimals().min(0).max(3).optional(),
          labels: vine
            .array(vine.string().trim().minLength(1).maxLength(40))
            .maxLength(20)
            .optional(),
          checklist: vine
            .array(vine.string().trim().minLength(1).maxLength(200))
            .maxLength(100)
            .optional(),
          description: vine.string().maxLength(20000).nullable().optional(),
        })
      )
      .minLength(1)
      .maxLength(200),
  }),
})

export interface ImportProblem {
  field: string
  message: string
}

/**
 * 模板导出/导入: a template as a JSON file companies can share. Import
 * checks the whole file first and lists every problem; a valid file is
 * written in one transaction, so nothing is ever half-imported.
 */
export class TemplateFiles {
  async export(template: PlaybookTemplate) {
    await template.load('tasks')
    return {
      format: TEMPLATE_FILE_FORMAT,
      version: TEMPLATE_FILE_VERSION,
      template: {
        name: template.name,
        category: template.category,
        shopSize: template.shopSize,
        description: template.description,
        tasks: template.tasks.map((task) => ({
          title: task.title,
          offsetDays: task.offsetDays,
          dueTime: task.dueTime,
          role: task.role,
          priority: task.priority,
          labels: (task.labels ?? '')
            .split(/[,，]/)
            .map((l) => l.trim())
            .filter(Boolean),
          checklist: (task.checklist ?? '').split('\n').filter(Boolean),
          description: task.description,
        })),
      },
    }
  }

  /** Parses and checks a file: the template data, or every problem found. */
  async check(
    text: string
  ): Promise<
    | { ok: true; data: Awaited<ReturnType<typeof fileSchema.validate>> }
    | { ok: false; problems: ImportProblem[] }
  > {
    let json: unknown
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (error) {
      return { ok: false, problems: [{ field: '', message: (error as Error).message }] }
    }
    try {
      return { ok: true, data: await fileSchema.validate(json) }
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        return {
          ok: false,
          problems: (error.messages as Array<{ field: string; message: string }>).map((m) => ({
            field: m.field,
            message: m.message,
          })),
        }
      }
      throw error
    }
  }

  async import(companyId: number, text: string, actor: User) {
    const checked = await this.check(text)
    if (!checked.ok) return checked
    const input = checked.data.template
    const template = await db.transaction(async (trx) => {
      const created = await PlaybookTemplate.create(
        {
          companyId,
          builtinKey: null,
          name: input.name,
          category: input.category ?? null,
          shopSize: input.shopSize ?? null,
          description: input.description ?? null,
          version: 1,
          createdById: actor.id,
        },
        { client: trx }
      )
      await PlaybookTemplateTask.createMany(
        input.tasks.map((task, index) => ({
          templateId: created.id,
          position: index + 1,
          title: task.title,
          description: task.description ?? null,
          offsetDays: task.offsetDays,
          dueTime: task.dueTime ?? null,
          role: task.role ?? null,
          priority: task.priority ?? 1,
          labels: task.labels?.length ? task.labels.join(', ') : null,
          checklist: task.checklist?.length ? task.checklist.join('\n') : null,
        })),
        { client: trx }
      )
      return created
    })
    await AuditLog.record({
      entityType: 'playbook_template',
      entityId: template.id,
      action: 'collaboration.template_imported',
      context: { name: template.name, tasks: input.tasks.length },
      actor,
    })
    return { ok: true as const, template }
  }
}
