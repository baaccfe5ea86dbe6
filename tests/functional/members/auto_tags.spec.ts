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
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

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
        filters: { city: '杭州市', category: '上衣', minSpent: '100', sort: 'spent', after: 'x' },
      },
      crm
    )
    // Stored as list filters (sort and cursor dropped).
    const stored = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.deepEqual(JSON.parse(stored.filters), {
      city: '杭州市',
      category: '上衣',
      minSpent: '100',
    })
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
    await autoTags.update(company.id, rule.id, { city: '上海市' }, crm)
    await autoTags.apply(company.id, { ruleId: rule.id })
    assert.equal(await tagged(rule.tagId), 'C')
    const audit = await AuditEvent.query().where('action', 'members.auto_tag_updated').firstOrFail()
    assert.deepEqual(audit.changes?.filters?.after, { city: '上海市' })
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
        filters: { segment: segmentOf.rfm_segment, lifecycle: segmentOf.lifecycle_stage },
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
      { name: '卡等级≥2', filters: { attribute: levelId, attributeMin: '2' } },
      crm
    )
    const vip = await new ManageTags().create(company.id, { name: 'VIP' }, crm)
    await new ManageTags().add(company.id, ids.A, vip.id, crm)
    const byTag = await autoTags.create(
      company.id,
      { name: 'VIP上衣', filters: { tag: vip.id, category: '上衣' } },
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
      () => autoTags.create(company.id, { name: '全部', filters: { sort: 'spent' } }, crm),
      /auto_tag_no_condition/
    )
    await assert.rejects(
      () => autoTags.create(company.id, { name: '链', filters: { tag: byTag.tagId } }, crm),
      /auto_tag_chain/
    )
    await assert.rejects(() =>
      autoTags.create(company.id, { name: '坏', filters: { segment: 'nonsense' } }, crm)
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
})
