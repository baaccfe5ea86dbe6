import vine, { errors as vineErrors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import type PlaybookTemplate from '#app/collaboration/models/playbook_template'
import {
  SHOP_SIZES,
  TemplateVersions,
  dependencyProblems,
} from '#app/collaboration/actions/template_versions'
import { AuditLog } from '#app/shared/audit/audit_log'

/** The file format; see docs/collaboration.md ("Template files"). */
export const TEMPLATE_FILE_FORMAT = 'quanzi.playbook'
/** Version 2 added `offsetHours` and `dependsOn`; version 1 files are still read. */
export const TEMPLATE_FILE_VERSION = 2
export const TEMPLATE_FILE_VERSIONS = [1, 2] as const

const fileSchema = vine.create({
  format: vine.literal(TEMPLATE_FILE_FORMAT),
  version: vine.enum(TEMPLATE_FILE_VERSIONS),
  template: vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    category: vine.string().trim().maxLength(40).nullable().optional(),
    shopSize: vine.enum(SHOP_SIZES).nullable().optional(),
    description: vine.string().maxLength(5000).nullable().optional(),
    tasks: vine
      .array(
        vine.object({
          title: vine.string().trim().minLength(1).maxLength(200),
          offsetDays: vine.number().withoutDecimals().min(-366).max(366),
          offsetHours: vine.number().withoutDecimals().min(-23).max(23).nullable().optional(),
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
          dependsOn: vine.array(vine.number().withoutDecimals().min(1)).maxLength(50).optional(),
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
    const spec = TemplateVersions.spec(template)
    return {
      format: TEMPLATE_FILE_FORMAT,
      version: TEMPLATE_FILE_VERSION,
      template: {
        name: spec.name,
        category: spec.category,
        shopSize: spec.shopSize,
        description: spec.description,
        tasks: spec.tasks.map((task) => ({
          title: task.title,
          offsetDays: task.offsetDays,
          offsetHours: task.offsetHours ?? null,
          dueTime: task.dueTime,
          role: task.role,
          priority: task.priority,
          labels: task.labels,
          checklist: task.checklist,
          description: task.description,
          dependsOn: task.dependsOn,
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
    // Circles and unknown positions are found on the raw file, so they are
    // listed together with the schema's problems.
    const tasks = (json as any)?.template?.tasks
    const circles = (json as any)?.version === 1 ? [] : dependencyProblems(tasks)
    try {
      const data = await fileSchema.validate(json)
      if (circles.length) return { ok: false, problems: circles }
      if (data.version === 1) {
        // Version 1 had no hours or dependencies; such keys in an old file mean nothing.
        for (const task of data.template.tasks) {
          task.offsetHours = null
          task.dependsOn = []
        }
      }
      return { ok: true, data }
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        const problems = (error.messages as Array<{ field: string; message: string }>).map((m) => ({
          field: m.field,
          message: m.message,
        }))
        return { ok: false, problems: [...problems, ...circles] }
      }
      throw error
    }
  }

  async import(companyId: number, text: string, actor: User) {
    const checked = await this.check(text)
    if (!checked.ok) return checked
    const input = checked.data.template
    const template = await db.transaction((trx) =>
      TemplateVersions.write(trx, companyId, input, {
        version: 1,
        lineageId: null,
        createdById: actor.id,
      })
    )
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
