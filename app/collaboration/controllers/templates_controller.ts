import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import { currentCompany } from '#app/organization/current_company'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TemplateFiles } from '#app/collaboration/actions/template_files'
import {
  importTemplateValidator,
  instantiateTemplateValidator,
  saveTemplateValidator,
} from '#app/collaboration/validators/collaboration'

/** 模板: the template library, a template's tasks, and "new project from template". */
export default class TemplatesController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const templates = await new ManageTemplates(company.timezone).list(company.id)
    return view.render('pages/collaboration/templates/index', { playbooks: templates })
  }

  async show({ view, params }: HttpContext) {
    const company = await currentCompany()
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    const [users, shops] = await Promise.all([
      User.query().whereNull('disabledAt').orderBy('fullName'),
      db.from('shops').where('company_id', company.id).orderBy('id').select('id', 'name'),
    ])
    // `template` is a reserved name in Edge.
    return view.render('pages/collaboration/templates/show', {
      playbook: template,
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
