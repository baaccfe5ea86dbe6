import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpdateMemberProfile } from '#app/members/actions/update_member_profile'
import { GetMemberProfile } from '#app/members/actions/get_member_profile'
import { AuditLog } from '#app/shared/audit/audit_log'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/** The section of the member page between its heading and the next section. */
function auditSection(html: string) {
  const start = html.indexOf('data-testid="member-audit"')
  return html.slice(start, html.indexOf('</section>', start))
}

test.group('Members / the member page shows who did what to the member', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('profile edits and phone reveals of this member, newest first, phone masked', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const resolve = (phone: string, name: string) =>
      new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'phone', value: phone }],
        profile: { name },
      })
    const { memberId } = await resolve('13800138000', '李小芳')
    const { memberId: otherId } = await resolve('13900139000', '王强')
    const crm = await createStaff('crm', { fullName: '客服小周' })
    await new UpdateMemberProfile().handle(
      company.id,
      memberId,
      { city: '杭州市', phone: '13700137000' },
      crm
    )
    await new UpdateMemberProfile().handle(company.id, otherId, { city: '南京市' }, crm)
    await client.post(`/members/${memberId}/phone/reveal`).loginAs(crm).withCsrfToken()

    const page = await client.get(`/members/${memberId}`).loginAs(crm)
    page.assertStatus(200)
    const section = auditSection(page.text())
    assert.include(section, '客服小周')
    // Newest first: the reveal, then the edit with its fields (the phone masked).
    assert.isBelow(section.indexOf('查看完整手机号'), section.indexOf('修改资料'))
    assert.include(section, '杭州市')
    assert.include(section, '137****7000')
    assert.notInclude(section, '13700137000')
    // The other member's edit is not on this page.
    assert.notInclude(section, '南京市')
  })

  test('the page lists the latest 20; staff who may read the audit log get a link to the rest', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13800138000' }],
    })
    const fresh = await client.get(`/members/${memberId}`).loginAs(await createStaff('crm'))
    assert.include(auditSection(fresh.text()), '暂无操作记录')

    for (let i = 1; i <= GetMemberProfile.AUDIT_LIMIT + 1; i++) {
      await AuditLog.record({
        entityType: 'member',
        entityId: memberId,
        action: 'members.tag_added',
        context: { tag: `标签${i}` },
        actor: null,
      })
    }
    const manager = await createStaff('manager')
    const page = await client.get(`/members/${memberId}`).loginAs(manager)
    const section = auditSection(page.text())
    assert.include(section, '标签21')
    assert.include(section, '标签2&quot;')
    assert.notInclude(section, '标签1&quot;')
    assert.include(section, 'entityType=member')
    assert.include(section, `entityId=${memberId}`)

    const crm = await createStaff('crm')
    const crmPage = await client.get(`/members/${memberId}`).loginAs(crm)
    assert.include(auditSection(crmPage.text()), '标签21')
    assert.notInclude(auditSection(crmPage.text()), 'member-audit-all')
  })
})
