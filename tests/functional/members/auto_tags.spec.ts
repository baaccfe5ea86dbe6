import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import AuditEvent from '#app/shared/audit/models/audit_event'
import queue from '#app/shared/queue/queue'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { AutoTags } from '#app/members/actions/auto_tags'
import { ManageTags } from '#app/members/actions/manage_tags'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { recomputeRfmJob } from '#app/members/jobs/recompute_rfm_job'
import MemberTag from '#app/members/models/member_tag'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { toDbTime } from '#app/shared/kernel/db_values'

/** 杭州 members A (spent 300 yuan, bought 上衣), B (50 yuan); 上海 member C (500 yuan, 上衣). */
async function seed() {
  const { company, tmall } = await createCompanyWithShops()
  const ids: Record<string, number> = {}
  const people = [
    ['A', '杭州市', 30000, '上衣'],
    ['B', '杭州市', 5000, '裤装'],
    ['C', '上海市', 50000, '上衣'],
  ] as const
  for (const [name, city, paid, category] of people) {
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: `AT-${name}` }],
      profile: { name: `自动${name}`, city },
    })
    ids[name] = memberId
    await new UpsertOrder().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformOrderNo: `AT-${name}`,
      memberId,
      status: 'completed',
      orderedAt: DateTime.utc().minus({ days: 5 }),
      goodsFen: paid,
      paidFen: paid,
      items: [
        {
          skuCode: `SKU-${category}`,
          productCode: `P-${category}`,
          title: category,
          category,
          quantity: 1,
          priceFen: paid,
        },
      ],
    })
  }
  return { company, tmall, ids }
}

async function tagged(tagId: number) {
  const rows = await db
    .from('member_tag_assignments')
    .join('members', 'members.id', 'member_tag_assignments.member_id')
    .where('tag_id', tagId)
    .orderBy('members.name')
    .select('members.name')
  return rows.map((r: any) => r.name.replace('自动', '')).join('')
}

test.group('Members / auto tags', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a rule over list filters tags who matches, untags who stops matching, idempotently', async ({
    assert,
  }) => {
    const { company, ids, tmall } = await seed()
    const crm = await createStaff('crm')
    const autoTags = new AutoTags()
    const rule = await autoTags.create(
      company.id,
      {
        name: '杭州上衣客',
        groups: [{ city: '杭州市', category: '上衣', minSpent: '100', sort: 'spent', after: 'x' }],
      },
      crm
    )
    // Stored as list filters (sort and cursor dropped).
    const stored = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.deepEqual(JSON.parse(stored.filters), [
      { city: '杭州市', category: '上衣', minSpent: '100' },
    ])
    const tag = await MemberTag.findOrFail(rule.tagId)
    assert.isTrue(tag.auto)

    const first = await autoTags.apply(company.id)
    assert.deepEqual(first, { rules: 1, added: 1, removed: 0 })
    assert.equal(await tagged(rule.tagId), 'A')
    const again = await autoTags.apply(company.id)
    assert.deepEqual(again, { rules: 1, added: 0, removed: 0 })

    // B moves to the conditions (spends more), A leaves Hangzhou.
    await new UpsertOrder().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformOrderNo: 'AT-B2',
      memberId: ids.B,
      status: 'completed',
      orderedAt: DateTime.utc().minus({ days: 1 }),
      goodsFen: 20000,
      paidFen: 20000,
      items: [
        {
          skuCode: 'SKU-上衣',
          productCode: 'P-上衣',
          title: '上衣',
          category: '上衣',
          quantity: 1,
          priceFen: 20000,
        },
      ],
    })
    await db.from('members').where('id', ids.A).update({ city: '宁波市' })
    const changed = await autoTags.apply(company.id)
    assert.deepEqual(changed, { rules: 1, added: 1, removed: 1 })
    assert.equal(await tagged(rule.tagId), 'B')
    const row = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.equal(row.member_count, 1)
    assert.equal(row.last_added, 1)
    assert.equal(row.last_removed, 1)
    assert.isNotNull(row.last_run_at)

    // Only some members: the others are left as they are.
    await db.from('members').where('id', ids.B).update({ city: '宁波市' })
    await db.from('members').where('id', ids.A).update({ city: '杭州市' })
    const partial = await autoTags.apply(company.id, { memberIds: [ids.A] })
    assert.deepEqual(partial, { rules: 1, added: 1, removed: 0 })
    assert.equal(await tagged(rule.tagId), 'AB')

    // Changing the rule and recomputing follows the new conditions.
    await autoTags.update(company.id, rule.id, { groups: [{ city: '上海市' }] }, crm)
    await autoTags.apply(company.id, { ruleId: rule.id })
    assert.equal(await tagged(rule.tagId), 'C')
    const audit = await AuditEvent.query().where('action', 'members.auto_tag_updated').firstOrFail()
    assert.deepEqual(audit.changes?.groups?.after, [{ city: '上海市' }])
  })

  test('conditions over RFM segment, lifecycle, custom attributes and tags; refusals', async ({
    assert,
  }) => {
    const { company, ids } = await seed()
    const crm = await createStaff('crm')
    await new RecomputeRfm().handle(company.id)
    const autoTags = new AutoTags()
    const segmentOf = await db
      .from('members')
      .where('id', ids.C)
      .select('rfm_segment', 'lifecycle_stage')
      .firstOrFail()
    const bySegment = await autoTags.create(
      company.id,
      {
        name: '同分群',
        groups: [{ segment: segmentOf.rfm_segment, lifecycle: segmentOf.lifecycle_stage }],
      },
      crm
    )

    const attributes = new MemberAttributes()
    const levelId = await attributes.define(
      company.id,
      { label: '会员卡等级', type: 'number' },
      crm
    )
    await attributes.set(company.id, ids.B, { [levelId]: '3' }, crm)
    const byAttribute = await autoTags.create(
      company.id,
      { name: '卡等级≥2', groups: [{ attribute: levelId, attributeMin: '2' }] },
      crm
    )
    const vip = await new ManageTags().create(company.id, { name: 'VIP' }, crm)
    await new ManageTags().add(company.id, ids.A, vip.id, crm)
    const byTag = await autoTags.create(
      company.id,
      { name: 'VIP上衣', groups: [{ tag: vip.id, category: '上衣' }] },
      crm
    )

    await autoTags.apply(company.id)
    const [expected] = await db
      .from('members')
      .where({
        rfm_segment: segmentOf.rfm_segment,
        lifecycle_stage: segmentOf.lifecycle_stage,
        company_id: company.id,
      })
      .count('* as n')
    const [actual] = await db
      .from('member_tag_assignments')
      .where('tag_id', bySegment.tagId)
      .count('* as n')
    assert.equal(actual.n, expected.n)
    assert.include(await tagged(bySegment.tagId), 'C')
    assert.equal(await tagged(byAttribute.tagId), 'B')
    assert.equal(await tagged(byTag.tagId), 'A')

    // No condition, a chain over an auto tag: refused.
    await assert.rejects(
      () => autoTags.create(company.id, { name: '全部', groups: [{ sort: 'spent' }] }, crm),
      /auto_tag_no_condition/
    )
    await assert.rejects(
      () => autoTags.create(company.id, { name: '链', groups: [{ tag: byTag.tagId }] }, crm),
      /auto_tag_chain/
    )
    await assert.rejects(() =>
      autoTags.create(company.id, { name: '坏', groups: [{ segment: 'nonsense' }] }, crm)
    )
    // Auto tags cannot be put on or taken off by hand.
    await assert.rejects(
      () => new ManageTags().remove(company.id, ids.A, byTag.tagId, crm),
      /auto_tag_manual/
    )
    await assert.rejects(
      () => new ManageTags().add(company.id, ids.C, byTag.tagId, crm),
      /auto_tag_manual/
    )
    assert.equal(await tagged(byTag.tagId), 'A')

    // Deleting the rule deletes the tag and takes it off everyone.
    await autoTags.delete(company.id, byTag.id, crm)
    assert.isNull(await MemberTag.find(byTag.tagId))
    assert.equal(await tagged(byTag.tagId), '')
  })

  test('pages: save the filtered list as an auto tag, see it with its count, cannot remove it by hand', async ({
    client,
    assert,
  }) => {
    const { company, ids } = await seed()
    const crm = await createStaff('crm', { locale: 'en' })
    const saved = await client
      .post('/members/tag-rules')
      .loginAs(crm)
      .withCsrfToken()
      .form({ city: '杭州市', ruleName: '杭州会员' })
      .redirects(0)
    saved.assertStatus(302)
    await queue.drain()
    const rule = await db.from('member_tag_rules').where('company_id', company.id).firstOrFail()
    assert.equal(rule.member_count, 2)
    assert.isNotNull(rule.last_job_run_id)
    const run = await db.from('job_runs').where('id', rule.last_job_run_id).firstOrFail()
    assert.equal(run.job_name, 'members.auto_tags')
    assert.equal(run.status, 'completed')

    const page = await client.get('/members/tags').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('杭州会员')
    page.assertTextIncludes('City：杭州市')
    assert.match(page.text(), /data-testid="auto-tag-count">2</)

    const remove = await client
      .post(`/members/${ids.A}/tags/${rule.tag_id}/remove`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    void remove
    assert.equal(await tagged(rule.tag_id), 'AB')
    const member = await client.get(`/members/${ids.A}`).loginAs(crm)
    member.assertTextIncludes('data-auto="true"')
    assert.notInclude(member.text(), `/tags/${rule.tag_id}/remove`)

    // Edit: the list opened with the rule's filter, then saved with a new one.
    const edit = await client.get('/members').qs({ city: '杭州市', editRule: rule.id }).loginAs(crm)
    edit.assertTextIncludes('data-testid="update-auto-tag"')
    const updated = await client
      .post(`/members/tag-rules/${rule.id}`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ city: '上海市' })
      .redirects(0)
    updated.assertStatus(302)
    await queue.drain()
    assert.equal(await tagged(rule.tag_id), 'C')

    // The nightly RFM job recomputes auto tags afterwards.
    await db.from('members').where('id', ids.A).update({ city: '上海市' })
    await queue.dispatch(recomputeRfmJob, { companyId: company.id })
    await queue.drain()
    await queue.drain()
    assert.equal(await tagged(rule.tag_id), 'AC')
  })

  test('OR groups: a member matching any group gets the tag once; flat rules of old still work', async ({
    assert,
  }) => {
    const { company, ids } = await seed()
    const crm = await createStaff('crm')
    const autoTags = new AutoTags()
    // 上海 — or — 杭州 and bought 裤装: C, B (not A: Hangzhou but 上衣).
    const rule = await autoTags.create(
      company.id,
      {
        name: '上海或杭州裤装',
        groups: [{ city: '上海市' }, { city: '杭州市', category: '裤装' }],
      },
      crm
    )
    assert.deepEqual(await autoTags.apply(company.id), { rules: 1, added: 2, removed: 0 })
    assert.equal(await tagged(rule.tagId), 'BC')
    assert.deepEqual(await autoTags.apply(company.id), { rules: 1, added: 0, removed: 0 })

    // A matches both groups of this one: tagged once, counted once.
    const overlap = await autoTags.create(
      company.id,
      { name: '杭州或上衣', groups: [{ city: '杭州市' }, { category: '上衣' }] },
      crm
    )
    await autoTags.apply(company.id, { ruleId: overlap.id })
    assert.equal(await tagged(overlap.tagId), 'ABC')
    const row = await db.from('member_tag_rules').where('id', overlap.id).firstOrFail()
    assert.equal(row.member_count, 3)

    // The on-change path (some members only) follows the groups too.
    await db.from('members').where('id', ids.B).update({ city: '宁波市' })
    await db.from('members').where('id', ids.A).update({ city: '上海市' })
    const partial = await autoTags.apply(company.id, { memberIds: [ids.A, ids.B] })
    assert.equal(await tagged(rule.tagId), 'AC')
    assert.equal(await tagged(overlap.tagId), 'AC')
    assert.equal(partial.added, 1)
    assert.equal(partial.removed, 2)

    // A rule stored before OR groups (one flat filter object) reads as one group.
    const legacyTag = await MemberTag.create({ companyId: company.id, name: '旧规则', auto: true })
    await db.table('member_tag_rules').insert({
      company_id: company.id,
      tag_id: legacyTag.id,
      filters: JSON.stringify({ city: '上海市' }),
      enabled: true,
      created_at: new Date(),
      updated_at: new Date(),
    })
    const allRules = await autoTags.rules(company.id)
    const legacy = allRules.find((r) => r.tagId === legacyTag.id)!
    assert.deepEqual(legacy.groups, [{ city: '上海市' }])
    await autoTags.apply(company.id, { ruleId: legacy.id })
    assert.equal(await tagged(legacyTag.id), 'AC')

    // No group, an empty group, too many groups: refused.
    await assert.rejects(
      () => autoTags.create(company.id, { name: '空', groups: [] }, crm),
      /auto_tag_no_condition/
    )
    await assert.rejects(
      () => autoTags.create(company.id, { name: '空组', groups: [{ city: '杭州市' }, {}] }, crm),
      /auto_tag_no_condition/
    )
    const eleven = Array.from({ length: 11 }, (_, i) => ({ city: `城${i}` }))
    await assert.rejects(
      () => autoTags.create(company.id, { name: '太多', groups: eleven }, crm),
      /auto_tag_groups/
    )
  })

  test('API: list, create with OR groups, update, recompute, delete; validation errors in Chinese', async ({
    client,
    assert,
  }) => {
    const { company } = await seed()
    const crm = await createStaff('crm')
    const secret = await new ManageAccessTokens().create(crm, { name: 'script' }, null)

    const created = await client
      .post('/api/v1/auto-tag-rules')
      .bearerToken(secret)
      .json({
        name: '上海或裤装',
        groups: [{ city: '上海市' }, { category: '裤装', minSpent: 10 }],
      })
    created.assertStatus(201)
    const rule = created.body().data
    assert.deepEqual(rule.groups, [{ city: '上海市' }, { category: '裤装', minSpent: '10' }])
    assert.isNumber(created.body().meta.jobRunId)
    await queue.drain()
    assert.equal(await tagged(rule.tagId), 'BC')

    const list = await client.get('/api/v1/auto-tag-rules').bearerToken(secret)
    list.assertStatus(200)
    assert.lengthOf(list.body().data, 1)
    assert.equal(list.body().data[0].memberCount, 2)
    assert.equal(list.body().data[0].name, '上海或裤装')

    const updated = await client
      .patch(`/api/v1/auto-tag-rules/${rule.id}`)
      .bearerToken(secret)
      .json({ name: '杭州', groups: [{ city: '杭州市' }] })
    updated.assertStatus(200)
    assert.equal(updated.body().data.name, '杭州')
    await queue.drain()
    assert.equal(await tagged(rule.tagId), 'AB')
    const audit = await AuditEvent.query()
      .where({ action: 'members.auto_tag_updated', entityId: String(rule.id) })
      .firstOrFail()
    assert.equal(audit.actorId, crm.id)

    await db.from('members').where('company_id', company.id).update({ city: '杭州市' })
    const recompute = await client
      .post(`/api/v1/auto-tag-rules/${rule.id}/recompute`)
      .bearerToken(secret)
    recompute.assertStatus(202)
    await queue.drain()
    const run = await client
      .get(`/api/v1/jobs/${recompute.body().data.jobRunId}`)
      .bearerToken(secret)
    assert.equal(run.body().data.status, 'completed')
    assert.equal(await tagged(rule.tagId), 'ABC')
    const all = await client.post('/api/v1/auto-tag-rules/recompute').bearerToken(secret)
    all.assertStatus(202)

    // Invalid input: every field named, messages in the owner's language (中文 by default).
    const invalid = await client
      .post('/api/v1/auto-tag-rules')
      .bearerToken(secret)
      .json({ name: '', groups: [{ segment: 'nonsense', minOrders: -1 }] })
    invalid.assertStatus(422)
    assert.equal(invalid.body().error.code, 'E_VALIDATION_ERROR')
    const fields = invalid.body().error.details.map((d: any) => d.field)
    assert.includeMembers(fields, ['name', 'groups.0.segment', 'groups.0.minOrders'])
    for (const detail of invalid.body().error.details) {
      assert.match(detail.message, /[\u4e00-\u9fff]/)
    }
    const noGroups = await client
      .post('/api/v1/auto-tag-rules')
      .bearerToken(secret)
      .json({ name: '空', groups: [] })
    noGroups.assertStatus(422)
    assert.match(noGroups.body().error.details[0].message, /[\u4e00-\u9fff]/)
    const emptyGroup = await client
      .post('/api/v1/auto-tag-rules')
      .bearerToken(secret)
      .json({ name: '空组', groups: [{}] })
    emptyGroup.assertStatus(422)
    assert.equal(emptyGroup.body().error.code, 'E_AUTO_TAG_NO_CONDITION')
    assert.equal(emptyGroup.body().error.message, '自动标签至少需要一个筛选条件。')

    const removed = await client.delete(`/api/v1/auto-tag-rules/${rule.id}`).bearerToken(secret)
    removed.assertStatus(204)
    assert.equal(await tagged(rule.tagId), '')
    const gone = await client.delete(`/api/v1/auto-tag-rules/${rule.id}`).bearerToken(secret)
    gone.assertStatus(404)
    const anonymous = await client.get('/api/v1/auto-tag-rules')
    anonymous.assertStatus(401)
  })

  test('page: the condition editor adds groups and conditions, saves OR groups, shows slips', async ({
    client,
    assert,
  }) => {
    const { company } = await seed()
    const crm = await createStaff('crm', { locale: 'en' })
    const rule = await new AutoTags().create(
      company.id,
      { name: '上海会员', groups: [{ city: '上海市' }] },
      crm
    )

    const page = await client.get(`/members/tag-rules/${rule.id}/edit`).loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('Group 1 — all of')
    assert.match(page.text(), /name="groups\[0\]\[0\]\[value\]" value="上海市"/)

    // “Add group (OR)” comes back with a second group holding the chosen field; nothing saved.
    const withGroup = await client
      .post(`/members/tag-rules/${rule.id}/conditions`)
      .loginAs(crm)
      .withCsrfToken()
      .form({
        'intent': 'add_group',
        'newGroupField': 'segment',
        'groups[0][0][field]': 'city',
        'groups[0][0][value]': '上海市',
      })
    withGroup.assertStatus(200)
    withGroup.assertTextIncludes('Group 2 — all of')
    assert.match(withGroup.text(), /name="groups\[1\]\[0\]\[value\]"/)
    withGroup.assertTextIncludes('>or<')
    const stored = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.deepEqual(JSON.parse(stored.filters), [{ city: '上海市' }])

    // “Add condition” to group 2.
    const withCondition = await client
      .post(`/members/tag-rules/${rule.id}/conditions`)
      .loginAs(crm)
      .withCsrfToken()
      .form({
        'intent': 'add_condition:1',
        'newField[0]': 'city',
        'newField[1]': 'category',
        'groups[0][0][field]': 'city',
        'groups[0][0][value]': '上海市',
        'groups[1][0][field]': 'city',
        'groups[1][0][value]': '杭州市',
      })
    withCondition.assertStatus(200)
    assert.match(withCondition.text(), /name="groups\[1\]\[1\]\[field\]" value="category"/)

    // A slip comes back on the editor with the rows kept and a translated message.
    const slip = await client
      .post(`/members/tag-rules/${rule.id}/conditions`)
      .loginAs(crm)
      .withCsrfToken()
      .form({
        'intent': 'save',
        'groups[0][0][field]': 'city',
        'groups[0][0][value]': '上海市',
        'groups[1][0][field]': 'minSpent',
        'groups[1][0][value]': 'lots',
      })
    slip.assertStatus(422)
    slip.assertTextIncludes('Group 2:')
    assert.match(slip.text(), /value="lots"/)

    // Save: 上海 — or — 杭州 and bought 裤装.
    const saved = await client
      .post(`/members/tag-rules/${rule.id}/conditions`)
      .loginAs(crm)
      .withCsrfToken()
      .form({
        'intent': 'save',
        'groups[0][0][field]': 'city',
        'groups[0][0][value]': '上海市',
        'groups[1][0][field]': 'city',
        'groups[1][0][value]': '杭州市',
        'groups[1][1][field]': 'category',
        'groups[1][1][value]': '裤装',
      })
      .redirects(0)
    saved.assertStatus(302)
    await queue.drain()
    assert.equal(await tagged(rule.tagId), 'BC')

    const tags = await client.get('/members/tags').loginAs(crm)
    assert.equal((tags.text().match(/data-testid="auto-tag-group"/g) ?? []).length, 2)
    tags.assertTextIncludes('Bought category')

    // From the member list, the current filter can be added as one more group.
    const added = await client
      .post(`/members/tag-rules/${rule.id}`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ city: '杭州市', category: '上衣', mode: 'add_group' })
      .redirects(0)
    added.assertStatus(302)
    await queue.drain()
    assert.equal(await tagged(rule.tagId), 'ABC')
  })

  test('a profile edit through the API or an attribute edit on the page re-tags that member at once', async ({
    client,
    assert,
  }) => {
    const { company, ids } = await seed()
    const crm = await createStaff('crm')
    const secret = await new ManageAccessTokens().create(crm, { name: 'erp' }, null)
    const autoTags = new AutoTags()
    const rule = await autoTags.create(
      company.id,
      { name: '宁波客', groups: [{ city: '宁波' }] },
      crm
    )
    await autoTags.apply(company.id)
    assert.equal(await tagged(rule.tagId), '')

    // No job, no nightly run: the PATCH itself puts the tag on, then takes it off.
    const moved = await client
      .patch(`/api/v1/members/${ids.C}`)
      .bearerToken(secret)
      .json({ city: '宁波市' })
    moved.assertStatus(200)
    assert.equal(await tagged(rule.tagId), 'C')
    const count = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.equal(count.member_count, 1)
    const away = await client
      .patch(`/api/v1/members/${ids.C}`)
      .bearerToken(secret)
      .json({ city: '上海' })
    away.assertStatus(200)
    assert.equal(await tagged(rule.tagId), '')

    // The same for a custom attribute set on the member page.
    const attributes = new MemberAttributes()
    const levelId = await attributes.define(company.id, { label: '卡等级', type: 'number' }, crm)
    const byLevel = await autoTags.create(
      company.id,
      { name: '高等级', groups: [{ attribute: levelId, attributeMin: '3' }] },
      crm
    )
    const raised = await client
      .post(`/members/${ids.B}/attributes`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ values: { [`a${levelId}`]: '4' } })
      .redirects(0)
    raised.assertStatus(302)
    assert.equal(await tagged(byLevel.tagId), 'B')
    await attributes.set(company.id, ids.B, { [levelId]: '1' }, crm)
    assert.equal(await tagged(byLevel.tagId), '')
  })
  test('a manual tag change re-runs the rules that read that tag: at once, or as a job for a large list', async ({
    client,
    assert,
  }) => {
    const { company, ids } = await seed()
    const crm = await createStaff('crm')
    const tags = new ManageTags()
    const vip = await tags.create(company.id, { name: 'VIP' }, crm)
    const autoTags = new AutoTags()
    const rule = await autoTags.create(
      company.id,
      { name: '杭州VIP', groups: [{ tag: vip.id, city: '杭州市' }] },
      crm
    )
    const unrelated = await autoTags.create(
      company.id,
      { name: '上海客', groups: [{ city: '上海' }] },
      crm
    )
    await autoTags.apply(company.id)
    assert.equal(await tagged(rule.tagId), '')
    const reading = await autoTags.rulesReadingTag(company.id, vip.id)
    assert.deepEqual(
      reading.map((r) => r.id),
      [rule.id]
    )

    // The member page's add and remove.
    const added = await client
      .post(`/members/${ids.A}/tags`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ tagId: vip.id })
      .redirects(0)
    added.assertStatus(302)
    assert.equal(await tagged(rule.tagId), 'A')
    await tags.add(company.id, ids.C, vip.id, crm)
    assert.equal(await tagged(rule.tagId), 'A', 'C has VIP but is in 上海')
    const removed = await client
      .post(`/members/${ids.A}/tags/${vip.id}/remove`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    removed.assertStatus(302)
    assert.equal(await tagged(rule.tagId), '')

    // A bulk change over the inline limit queues a run of the rule instead.
    const now = toDbTime(DateTime.utc(), db.connection())
    await db.table('members').multiInsert(
      Array.from({ length: 500 }, (_, i) => ({
        company_id: company.id,
        name: `外地${i}`,
        city: '北京市',
        created_at: now,
        updated_at: now,
      }))
    )
    const many = await db.from('members').where('company_id', company.id).select('id')
    assert.isAbove(many.length, 500)
    await tags.bulkAdd(
      company.id,
      vip.id,
      many.map((m: any) => m.id),
      crm
    )
    assert.equal(await tagged(rule.tagId), '', 'not inline')
    const queued = await db
      .from('member_tag_rules')
      .whereIn('id', [rule.id, unrelated.id])
      .orderBy('id')
      .select('last_job_run_id')
    assert.isNotNull(queued[0].last_job_run_id)
    assert.isNull(queued[1].last_job_run_id, 'a rule that does not read the tag is not re-run')
    await queue.drain()
    assert.equal(await tagged(rule.tagId), 'AB')
  })
})
