import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { countRows, createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seed() {
  const { company } = await createCompanyWithShops()
  const resolve = new ResolveMember()
  const people = [
    ['13800138001', '张一', '杭州市'],
    ['13800138002', '张二', '杭州市'],
    ['13800138003', '李三', '上海市'],
  ]
  const ids: number[] = []
  for (const [phone, name, city] of people) {
    const { memberId } = await resolve.handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: phone }],
      profile: { name, city },
    })
    ids.push(memberId)
  }
  return { company, ids }
}

test.group('Members / static segments', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('save the filtered list as a static segment; it stays fixed and filters the list', async ({
    client,
    assert,
  }) => {
    const { ids } = await seed()
    const crm = await createStaff('crm', { locale: 'en' })
    const saved = await client
      .post('/members/segments')
      .loginAs(crm)
      .withCsrfToken()
      .form({ city: '杭州市', segmentName: '杭州老客' })
      .redirects(0)
    saved.assertStatus(302)
    const segment = await db.from('member_segments').where('name', '杭州老客').firstOrFail()
    assert.equal(segment.member_count, 2)
    const members = await db
      .from('member_segment_members')
      .where('segment_id', segment.id)
      .orderBy('member_id')
    assert.deepEqual(
      members.map((m: any) => m.member_id),
      ids.slice(0, 2)
    )
    assert.deepEqual(JSON.parse(segment.filters), { city: '杭州市' })
    const audit = await AuditEvent.query().where('action', 'members.segment_created').firstOrFail()
    assert.equal(audit.actorId, crm.id)

    // A member moving to Hangzhou later does not join the static segment.
    await db.from('members').where('id', ids[2]).update({ city: '杭州市' })
    const list = await client.get('/members').qs({ savedSegment: segment.id }).loginAs(crm)
    list.assertStatus(200)
    list.assertTextIncludes('张一')
    list.assertTextIncludes('张二')
    assert.notInclude(list.text(), '李三')

    const page = await client.get('/members/segments').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('杭州老客')
    page.assertTextIncludes('city=杭州市')

    const again = await client
      .post('/members/segments')
      .loginAs(crm)
      .withCsrfToken()
      .form({ segmentName: '杭州老客' })
      .redirects(0)
    again.assertStatus(302)
    assert.equal(await countRows('member_segments'), 1)

    await client
      .post(`/members/segments/${segment.id}/delete`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    assert.equal(await countRows('member_segments'), 0)
    assert.equal(await countRows('member_segment_members'), 0)
    assert.equal(await countRows('members'), 3)
    assert.isNotNull(await AuditEvent.query().where('action', 'members.segment_deleted').first())
  })

  test('viewers see segments but cannot save or delete them', async ({ client, assert }) => {
    await seed()
    const viewer = await createStaff('viewer')
    const page = await client.get('/members/segments').loginAs(viewer)
    page.assertStatus(200)
    const refused = await client
      .post('/members/segments')
      .loginAs(viewer)
      .withCsrfToken()
      .form({ segmentName: 'x' })
    refused.assertStatus(403)
    assert.equal(await countRows('member_segments'), 0)
    const list = await client.get('/members').loginAs(viewer)
    assert.notInclude(list.text(), 'data-testid="save-segment"')
  })
})
