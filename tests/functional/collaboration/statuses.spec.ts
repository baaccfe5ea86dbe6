import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import TaskStatus from '#app/collaboration/models/task_status'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Collaboration / task statuses', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a manager renames and adds statuses; the last done status stays done; operators may not', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const page = await client.get('/settings/task-statuses').loginAs(manager)
    page.assertStatus(200)
    page.assertTextIncludes('待审核')
    const statuses = await TaskStatus.query().where('companyId', company.id).orderBy('position')
    assert.deepEqual(
      statuses.map((s) => s.key),
      ['todo', 'doing', 'review', 'done']
    )
    const review = statuses[2]
    await client
      .post(`/settings/task-statuses/${review.id}`)
      .form({ name: '待主管审核' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    await review.refresh()
    assert.equal(review.name, '待主管审核')

    await client
      .post('/settings/task-statuses')
      .form({ key: 'blocked', name: '受阻' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    const ordered = await TaskStatus.query().where('companyId', company.id).orderBy('position')
    assert.deepEqual(
      ordered.map((s) => s.key),
      ['todo', 'doing', 'review', 'blocked', 'done']
    )

    const done = statuses[3]
    const refused = await client
      .post(`/settings/task-statuses/${done.id}`)
      .form({ name: '已完成' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.exists(refused.flashMessages().error)
    await done.refresh()
    assert.isTrue(done.isDone)

    const operator = await createStaff('operator')
    const forbidden = await client.get('/settings/task-statuses').loginAs(operator)
    forbidden.assertStatus(403)
  })
})
