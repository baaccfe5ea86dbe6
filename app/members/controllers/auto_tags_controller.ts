import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import { AutoTags, type AutoTagRule } from '#app/members/actions/auto_tags'
import { autoTagsJob } from '#app/members/jobs/auto_tags_job'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import { autoTagValidator } from '#app/members/validators/member'

/** Filter keys → their label in the filter bar (members.filters.*). */
const FILTER_LABELS: Record<string, string> = {
  name: 'name',
  phone: 'phone',
  province: 'province',
  city: 'city',
  tag: 'tag',
  shop: 'shop',
  category: 'category',
  product: 'product',
  tier: 'tier',
  minPoints: 'min_points',
  maxPoints: 'max_points',
  segment: 'segment',
  savedSegment: 'saved_segment',
  lifecycle: 'lifecycle',
  minSpent: 'min_spent',
  maxSpent: 'max_spent',
  minOrders: 'min_orders',
  maxOrders: 'max_orders',
  lastOrderFrom: 'last_order_from',
  lastOrderTo: 'last_order_to',
  lastOrderWithinDays: 'last_order_within_days',
  lastOrderOverDays: 'last_order_over_days',
}

/** 标签管理: tags with their member counts, and auto-tag rules (自动标签). */
export default class AutoTagsController {
  async index({ view, i18n }: HttpContext) {
    const company = await currentCompany()
    const [tags, groups, counts, rules] = await Promise.all([
      MemberTag.query().where('companyId', company.id).orderBy('groupId').orderBy('name'),
      MemberTagGroup.query().where('companyId', company.id).orderBy('name'),
      db
        .from('member_tag_assignments')
        .join('member_tags', 'member_tags.id', 'member_tag_assignments.tag_id')
        .where('member_tags.company_id', company.id)
        .where('member_tags.auto', false)
        .groupBy('member_tag_assignments.tag_id')
        .select('member_tag_assignments.tag_id')
        .count('* as n'),
      new AutoTags().rules(company.id),
    ])
    const runIds = rules.map((r) => r.lastJobRunId).filter((id): id is number => !!id)
    const runs = runIds.length ? await JobRun.query().whereIn('id', runIds) : []
    const describe = await this.describer(company.id, i18n)
    return view.render('pages/members/tags', {
      manualTags: tags.filter((t) => !t.auto),
      groups,
      groupNames: new Map(groups.map((g) => [g.id, g.name])),
      counts: new Map(counts.map((row: any) => [row.tag_id, Number(row.n)])),
      rules: rules.map((rule) => ({
        ...rule,
        conditions: describe(rule.filters),
        run: runs.find((run) => run.id === rule.lastJobRunId) ?? null,
      })),
    })
  }

  /** Bulk action from the member list: a new auto tag whose rule is the list's filter. */
  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { ruleName, groupId } = await request.validateUsing(autoTagValidator)
    const rule = await new AutoTags().create(
      company.id,
      { name: ruleName, groupId, filters: request.except(['ruleName', 'groupId', '_csrf']) },
      auth.user!
    )
    await this.dispatch(company.id, rule.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.created', { name: ruleName }))
    return response.redirect().toRoute('members.tags.index')
  }

  /** Replaces the rule's conditions with the member list's current filter. */
  async update({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const rule = await new AutoTags().update(
      company.id,
      Number(params.id),
      request.except(['_csrf']),
      auth.user!
    )
    await this.dispatch(company.id, rule.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.updated', { name: rule.tagName }))
    return response.redirect().toRoute('members.tags.index')
  }

  async run({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const rule = params.id ? await new AutoTags().find(company.id, Number(params.id)) : null
    await this.dispatch(company.id, rule?.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.started'))
    return response.redirect().toRoute('members.tags.index')
  }

  async destroy({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new AutoTags().delete(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.auto_tags.deleted'))
    return response.redirect().toRoute('members.tags.index')
  }

  private async dispatch(companyId: number, ruleId: number | undefined, user: { id: number }) {
    const run = await queue.dispatch(autoTagsJob, { companyId, ruleId }, { requestedBy: user })
    await new AutoTags().markRun(companyId, run.id, ruleId)
  }

  /** "城市 = 杭州市 · RFM 分群 = 重要挽留 …" from stored filters, ids shown by name. */
  private async describer(companyId: number, i18n: HttpContext['i18n']) {
    const [tags, shops, tiers, segments] = await Promise.all([
      db.from('member_tags').where('company_id', companyId).select('id', 'name'),
      db.from('shops').where('company_id', companyId).select('id', 'name'),
      db.from('loyalty_tiers').where('company_id', companyId).select('id', 'name'),
      db.from('member_segments').where('company_id', companyId).select('id', 'name'),
    ])
    const names = (rows: any[]) => new Map(rows.map((r) => [String(r.id), r.name as string]))
    const byKey: Record<string, Map<string, string>> = {
      tag: names(tags),
      shop: names(shops),
      tier: names(tiers),
      savedSegment: names(segments),
    }
    const attributes = await db
      .from('member_attribute_definitions')
      .where('company_id', companyId)
      .select('id', 'label')
    const attributeNames = new Map(attributes.map((a: any) => [String(a.id), a.label as string]))
    return (filters: AutoTagRule['filters']) => {
      const parts: { label: string; value: string }[] = []
      for (const [key, raw] of Object.entries(filters)) {
        const value = String(raw)
        if (key === 'attribute') {
          parts.push({
            label: i18n.t('members.attributes.title'),
            value: attributeNames.get(value) ?? `#${value}`,
          })
        } else if (key === 'attributeValue' || key === 'attributeMin' || key === 'attributeMax') {
          const label = { attributeValue: 'filter_value', attributeMin: 'filter_min' }[
            key as 'attributeValue' | 'attributeMin'
          ]
          parts.push({ label: i18n.t(`members.attributes.${label ?? 'filter_max'}`), value })
        } else if (key === 'segment') {
          parts.push({
            label: i18n.t('members.filters.segment'),
            value: i18n.t(`members.rfm.segments.${value}`),
          })
        } else if (key === 'lifecycle') {
          parts.push({
            label: i18n.t('members.filters.lifecycle'),
            value: i18n.t(`members.rfm.stages.${value}`),
          })
        } else if (FILTER_LABELS[key]) {
          parts.push({
            label: i18n.t(`members.filters.${FILTER_LABELS[key]}`),
            value: byKey[key]?.get(value) ?? value,
          })
        }
      }
      return parts
    }
  }
}
