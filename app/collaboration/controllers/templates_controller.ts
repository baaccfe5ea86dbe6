import { withoutEmptyValues } from '#app/shared/http/query_string'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import { currentCompany } from '#app/organization/current_company'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TemplateFiles } from '#app/collaboration/actions/template_files'
import {
  editTemplateValidator,
  importTemplateValidator,
  instantiateTemplateValidator,
  saveTemplateValidator,
  templateFiltersValidator,
} from '#app/collaboration/validators/collaboration'
import {
  SHOP_SIZES,
  TEMPLATE_CATEGORIES,
  TemplateVersions,
  tasksFromForm,
} from '#app/collaboration/actions/template_versions'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'

/** 模板: the template library, a template's tasks, and "new project from template". */
export default class TemplatesController {
  /** The library, filtered by category (服装, 美妆 …) and shop size. */
  async index({ view, request }: HttpContext) {
    const company = await currentCompany()
    const filters = await templateFiltersValidator
      .validate(withoutEmptyValues(request.qs()))
      .catch(() => ({}))
    const manage = new ManageTemplates(company.timezone)
    const templates = await manage.list(company.id, filters)
    const all = await manage.list(company.id)
    const categories = [
      ...new Set([
        ...TEMPLATE_CATEGORIES,
        ...all.map((t) => t.category).filter((c): c is string => !!c),
      ]),
    ]
    return view.render('pages/collaboration/templates/index', {
      playbooks: templates,
      filters,
      categories,
      shopSizes: SHOP_SIZES,
    })
  }

  /** The edit form of a template's current version (tasks.manage). */
  async edit({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    if (!auth.user!.can('tasks.manage')) throw new ForbiddenError()
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    if (template.supersededAt) {
      const current = await TemplateVersions.current(template)
      return view.render('pages/collaboration/templates/edit', {
        playbook: template,
        current,
        categories: TEMPLATE_CATEGORIES,
        shopSizes: SHOP_SIZES,
        blankRows: [],
      })
    }
    const count = template.tasks.length
    return view.render('pages/collaboration/templates/edit', {
      playbook: template,
      current: null,
      categories: TEMPLATE_CATEGORIES,
      shopSizes: SHOP_SIZES,
      blankRows: [count + 1, count + 2, count + 3],
    })
  }

  /** Saves the edit as the next version; projects made from earlier versions are not touched. */
  async update({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    const payload = await request.validateUsing(editTemplateValidator)
    if (payload.version !== template.version) {
      throw new DomainError('E_TEMPLATE_CHANGED', 'collaboration.templates.changed', 409, {
        version: template.version,
      })
    }
    const { tasks, problems } = tasksFromForm(payload.tasks, user.locale)
    const next = await new TemplateVersions().saveNext(
      template,
      {
        name: payload.name,
        category: payload.category || null,
        shopSize: payload.shopSize || null,
        description: payload.description || null,
        tasks,
      },
      user,
      problems
    )
    session.flash(
      'success',
      i18n.t('collaboration.templates.versioned', { name: next.name, version: next.version })
    )
    return response.redirect().toRoute('collaboration.templates.show', { id: next.id })
  }

  async show({ view, params }: HttpContext) {
    const company = await currentCompany()
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    const [users, shops] = await Promise.all([
      User.query().whereNull('disabledAt').orderBy('fullName'),
      db.from('shops').where('company_id', company.id).orderBy('id').select('id', 'name'),
    ])
    const current = template.supersededAt ? await TemplateVersions.current(template) : null
    // `template` is a reserved name in Edge.
    return view.render('pages/collaboration/templates/show', {
      playbook: template,
      current,
      roles: template.roles(),
      users: users.filter((u) => u.can('tasks.view')),
      shops,
    })
  }

  async instantiate({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(instantiateTemplateValidator)
    const roles: Record<string, number | undefined> = {}
    for (const [role, userId] of Object.entries(payload.roles ?? {})) roles[role] = userId
    const { project, tasks } = await new ManageTemplates(company.timezone).instantiate(
      company.id,
      { ...payload, roles, templateId: Number(params.id) },
      auth.user!
    )
    session.flash(
      'success',
      i18n.t('collaboration.templates.instantiated', { name: project.name, count: tasks.length })
    )
    return response.redirect().toRoute('collaboration.projects.show', { id: project.id })
  }

  async saveFromProject({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const payload = await request.validateUsing(saveTemplateValidator)
    const template = await new ManageTemplates(company.timezone).saveProject(
      project,
      payload,
      auth.user!
    )
    session.flash('success', i18n.t('collaboration.templates.saved', { name: template.name }))
    return response.redirect().toRoute('collaboration.templates.show', { id: template.id })
  }

  /** The template as a JSON file (format in docs/collaboration.md). */
  async export({ params, response }: HttpContext) {
    const company = await currentCompany()
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    const file = await new TemplateFiles().export(template)
    response.header('Content-Type', 'application/json; charset=utf-8')
    const name = `${template.name}.quanzi-template.json`
    response.header(
      'Content-Disposition',
      `attachment; filename="template-${template.id}.json"; filename*=UTF-8''${encodeURIComponent(name)}`
    )
    return response.send(JSON.stringify(file, null, 2))
  }

  /** Imports a template file; a bad file lists every problem and imports nothing. */
  async import({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { file } = await request.validateUsing(importTemplateValidator)
    const { readFile } = await import('node:fs/promises')
    const text = await readFile(file.tmpPath!, 'utf8')
    const result = await new TemplateFiles().import(company.id, text, auth.user!)
    if (!result.ok) {
      session.flash('error', i18n.t('collaboration.templates.import_failed'))
      session.flash('importProblems', result.problems)
      return response.redirect().toRoute('collaboration.templates.index')
    }
    session.flash(
      'success',
      i18n.t('collaboration.templates.imported', { name: result.template.name })
    )
    return response.redirect().toRoute('collaboration.templates.show', { id: result.template.id })
  }
}
