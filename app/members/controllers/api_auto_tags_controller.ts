import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { AutoTags, type AutoTagRule } from '#app/members/actions/auto_tags'
import { dispatchAutoTags } from '#app/members/jobs/auto_tags_job'
import {
  apiAutoTagRuleCreateValidator,
  apiAutoTagRuleUpdateValidator,
} from '#app/members/validators/api'

/** A rule as the API answers it: its tag, OR groups of conditions, last run figures. */
function serializeRule(rule: AutoTagRule) {
  return {
    id: rule.id,
    tagId: rule.tagId,
    name: rule.tagName,
    tagGroupId: rule.groupId,
    enabled: rule.enabled,
    groups: rule.groups,
    memberCount: rule.memberCount,
    lastRunAt: rule.lastRunAt?.toISO() ?? null,
    lastAdded: rule.lastAdded,
    lastRemoved: rule.lastRemoved,
    lastJobRunId: rule.lastJobRunId,
  }
}

/**
 * /api/v1/auto-tag-rules: the same rules, abilities and audit trail as the
 * tag page (标签管理): reading needs members.view, changing members.edit.
 * Creating or changing a rule queues its recompute (as the page does); the
 * answer names the job run (GET /api/v1/jobs/{id}).
 */
export default class ApiAutoTagsController {
  async index() {
    const company = await currentCompany()
    const rules = await new AutoTags().rules(company.id)
    return { data: rules.map(serializeRule) }
  }

  async store({ request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(apiAutoTagRuleCreateValidator)
    const autoTags = new AutoTags()
    const created = await autoTags.create(
      company.id,
      { name: payload.name, groupId: payload.tagGroupId, groups: payload.groups },
      auth.user!
    )
    const run = await dispatchAutoTags(company.id, created.id, auth.user!)
    const rule = await autoTags.find(company.id, created.id)
    return response.status(201).send({ data: serializeRule(rule), meta: { jobRunId: run.id } })
  }

  async update({ params, request, auth }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(apiAutoTagRuleUpdateValidator)
    const autoTags = new AutoTags()
    const updated = await autoTags.update(company.id, Number(params.id), payload, auth.user!)
    // Only a change of who matches needs a recompute (a rename or a pause does not).
    const run =
      payload.groups || payload.enabled
        ? await dispatchAutoTags(company.id, updated.id, auth.user!)
        : null
    const rule = await autoTags.find(company.id, updated.id)
    return { data: serializeRule(rule), meta: { jobRunId: run?.id ?? null } }
  }

  async destroy({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    await new AutoTags().delete(company.id, Number(params.id), auth.user!)
    return response.noContent()
  }

  /** POST /auto-tag-rules/recompute (all) or /auto-tag-rules/{id}/recompute: 202 with the run. */
  async recompute({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const rule = params.id ? await new AutoTags().find(company.id, Number(params.id)) : null
    const run = await dispatchAutoTags(company.id, rule?.id, auth.user!)
    return response.status(202).send({ data: { jobRunId: run.id } })
  }
}
