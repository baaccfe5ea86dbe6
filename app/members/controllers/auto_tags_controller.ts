import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import JobRun from '#app/shared/queue/models/job_run'
import { AutoTags, type ConditionGroup } from '#app/members/actions/auto_tags'
import { dispatchAutoTags } from '#app/members/jobs/auto_tags_job'
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '#app/members/actions/recompute_rfm'
import { MEMBER_FILTER_KEYS } from '#app/members/member_filter_params'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import {
  autoTagConditionsFormValidator,
  autoTagValidator,
  memberFiltersValidator,
} from '#app/members/validators/member'

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

/** The label of a condition's field: list filters, or the custom-attribute ones. */
function conditionLabelKey(key: string) {
  const attribute: Record<string, string> = {
    attribute: 'members.attributes.title',
    attributeValue: 'members.attributes.filter_value',
    attributeMin: 'members.attributes.filter_min',
    attributeMax: 'members.attributes.filter_max',
  }
  return attribute[key] ?? `members.filters.${FILTER_LABELS[key]}`
}

/** A condition row of the editor: one field of one group. */
interface ConditionRow {
  field: string
  value: string
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
        groups: rule.groups.map((group) => describe(group)),
        firstGroup: rule.groups[0] ?? {},
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
      { name: ruleName, groupId, groups: [request.except(['ruleName', 'groupId', '_csrf'])] },
      auth.user!
    )
    await dispatchAutoTags(company.id, rule.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.created', { name: ruleName }))
    return response.redirect().toRoute('members.tags.index')
  }

  /**
   * From the member list: the list's current filter replaces the rule's
   * conditions, or (`mode=add_group`) is added to them as one more OR group.
   */
  async update({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const autoTags = new AutoTags()
    const current = await autoTags.find(company.id, Number(params.id))
    const filters: ConditionGroup = request.except(['_csrf', 'mode'])
    const groups = request.input('mode') === 'add_group' ? [...current.groups, filters] : [filters]
    const rule = await autoTags.update(company.id, current.id, { groups }, auth.user!)
    await dispatchAutoTags(company.id, rule.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.updated', { name: rule.tagName }))
    return response.redirect().toRoute('members.tags.index')
  }

  async run({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const rule = params.id ? await new AutoTags().find(company.id, Number(params.id)) : null
    await dispatchAutoTags(company.id, rule?.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.started'))
    return response.redirect().toRoute('members.tags.index')
  }

  async destroy({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new AutoTags().delete(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.auto_tags.deleted'))
    return response.redirect().toRoute('members.tags.index')
  }

  /** 编辑条件: the rule's OR groups, each a list of conditions. */
  async edit({ params, view }: HttpContext) {
    const company = await currentCompany()
    const rule = await new AutoTags().find(company.id, Number(params.id))
    const groups = rule.groups.map((group) =>
      Object.entries(group).map(([field, value]) => ({ field, value: String(value) }))
    )
    return view.render(
      'pages/members/tag_rule_edit',
      await this.editorState(company.id, rule, groups)
    )
  }

  /**
   * The editor's buttons: add a group, add a condition to a group, remove a
   * condition (the page comes back with the change, nothing saved yet — it
   * works without JavaScript), or save the conditions and recompute.
   */
  async saveConditions({ params, request, auth, response, session, i18n, view }: HttpContext) {
    const company = await currentCompany()
    const autoTags = new AutoTags()
    const rule = await autoTags.find(company.id, Number(params.id))
    const form = await request.validateUsing(autoTagConditionsFormValidator)
    const groups: ConditionRow[][] = (form.groups ?? []).map((rows) =>
      rows.map((row) => ({ field: row.field, value: row.value ?? '' }))
    )
    const [intent, first, second] = form.intent.split(':')
    if (intent === 'add_group') {
      groups.push([{ field: form.newGroupField ?? 'city', value: '' }])
    } else if (intent === 'add_condition' && groups[Number(first)]) {
      groups[Number(first)].push({ field: form.newField?.[Number(first)] ?? 'city', value: '' })
    } else if (intent === 'remove' && groups[Number(first)]) {
      groups[Number(first)].splice(Number(second), 1)
    }
    const kept = groups.filter((rows) => rows.length > 0)
    if (intent !== 'save') {
      return view.render(
        'pages/members/tag_rule_edit',
        await this.editorState(company.id, rule, kept)
      )
    }
    const conditions = kept.map((rows) => Object.fromEntries(rows.map((r) => [r.field, r.value])))
    // Checked here first so a slip comes back on the editor, rows kept, in the user's language.
    const problems: string[] = []
    for (const [index, group] of conditions.entries()) {
      const [invalid] = await memberFiltersValidator.tryValidate(group, {
        messagesProvider: i18n.createMessagesProvider(),
      })
      for (const message of (invalid as any)?.messages ?? []) {
        problems.push(
          i18n.t('members.auto_tags.group_error', { n: index + 1, message: message.message })
        )
      }
    }
    if (problems.length) {
      response.status(422)
      return view.render('pages/members/tag_rule_edit', {
        ...(await this.editorState(company.id, rule, kept)),
        errors: problems,
      })
    }
    const saved = await autoTags.update(company.id, rule.id, { groups: conditions }, auth.user!)
    await dispatchAutoTags(company.id, saved.id, auth.user!)
    session.flash('success', i18n.t('members.auto_tags.updated', { name: saved.tagName }))
    return response.redirect().toRoute('members.tags.index')
  }

  /** What the editor shows: the rows, and the choices for fields that take an id or a code. */
  private async editorState(
    companyId: number,
    rule: { id: number; tagName: string },
    groups: ConditionRow[][]
  ) {
    const [tags, shops, tiers, segments, attributes] = await Promise.all([
      MemberTag.query().where({ companyId, auto: false }).orderBy('name'),
      db.from('shops').where('company_id', companyId).orderBy('name').select('id', 'name'),
      db.from('loyalty_tiers').where('company_id', companyId).select('id', 'name'),
      db.from('member_segments').where('company_id', companyId).select('id', 'name'),
      db
        .from('member_attribute_definitions')
        .where('company_id', companyId)
        .select('id', 'label as name'),
    ])
    return {
      rule,
      groups,
      errors: [] as string[],
      fields: MEMBER_FILTER_KEYS.map((key) => ({ key, label: conditionLabelKey(key) })),
      labelOf: conditionLabelKey,
      choices: {
        tag: tags.map((t) => ({ value: String(t.id), label: t.name })),
        shop: shops.map((r: any) => ({ value: String(r.id), label: r.name })),
        tier: tiers.map((r: any) => ({ value: String(r.id), label: r.name })),
        savedSegment: segments.map((r: any) => ({ value: String(r.id), label: r.name })),
        attribute: attributes.map((r: any) => ({ value: String(r.id), label: r.name })),
        segment: RFM_SEGMENTS.map((code) => ({
          value: code,
          label: `members.rfm.segments.${code}`,
          translate: true,
        })),
        lifecycle: LIFECYCLE_STAGES.map((code) => ({
          value: code,
          label: `members.rfm.stages.${code}`,
          translate: true,
        })),
      } as Record<string, { value: string; label: string; translate?: boolean }[]>,
    }
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
    return (filters: ConditionGroup) => {
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
