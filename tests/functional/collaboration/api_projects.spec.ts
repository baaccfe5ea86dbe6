import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Project from '#app/collaboration/models/project'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import UserModel from '#app/identity/models/user'
import type User from '#app/identity/models/user'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function token(user: User) {
  if (user.can('api.tokens')) return new ManageAccessTokens().create(user, { name: 'test' }, null)
  const created = await UserModel.accessTokens.create(user, ['*'], { name: 'test' })
  return created.value!.release()
}

test.group('Collaboration / API projects', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('POST /api/v1/projects creates a project owned by the token owner, audit-logged and in the feed', async ({
    client,
    assert,
  }) => {
    const { tmall } = await createCompanyWithShops()
    const operator = await createStaff('operator')
    const designer = await createStaff('operator')
    const response = await client
      .post('/api/v1/projects')
      .bearerToken(await token(operator))
      .json({
        name: '12月会员日',
        description: '会员日活动',
        shopId: tmall.id,
        startsOn: '2026-12-01',
        endsOn: '2026-12-20',
        isPrivate: true,
        memberIds: [designer.id],
      })
    response.assertStatus(201)
    const data = response.body().data
    assert.deepInclude(data, {
      name: '12月会员日',
      ownerId: operator.id,
      shopId: tmall.id,
      startsOn: '2026-12-01',
      endsOn: '2026-12-20',
      isPrivate: true,
      status: 'active',
    })
    const members = await db
      .from('project_members')
      .where('project_id', data.id)
      .orderBy('user_id')
      .select('user_id')
    assert.sameMembers(
      members.map((m: any) => m.user_id),
      [operator.id, designer.id]
    )
    assert.exists(
      await db
        .from('audit_events')
        .where({ action: 'collaboration.project_created', entity_id: String(data.id) })
        .first()
    )
  })

  test('invalid projects: every bad field listed in Chinese (English for an English user), impossible and reversed dates refused, nothing created', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const manager = await createStaff('manager')
    const secret = await token(manager)
    const before = Number((await db.from('projects').count('* as n').first())!.n)

    const invalid = await client
      .post('/api/v1/projects')
      .bearerToken(secret)
      .json({ name: '', status: 'someday', startsOn: '2026/12/01' })
    invalid.assertStatus(422)
    const body = invalid.body()
    assert.equal(body.error.code, 'E_VALIDATION_ERROR')
    const fields = body.error.details.map((d: any) => d.field)
    assert.includeMembers(fields, ['name', 'status', 'startsOn'])
    for (const detail of body.error.details) assert.match(detail.message, /[\u4e00-\u9fff]/)

    const english = await createStaff('manager', { locale: 'en' })
    const inEnglish = await client
      .post('/api/v1/projects')
      .bearerToken(await token(english))
      .header('Accept-Language', 'en')
      .json({ name: '' })
    inEnglish.assertStatus(422)
    assert.notMatch(inEnglish.body().error.details[0].message, /[\u4e00-\u9fff]/)

    const impossible = await client
      .post('/api/v1/projects')
      .bearerToken(secret)
      .json({ name: '双12', startsOn: '2026-02-30' })
    impossible.assertStatus(422)
    assert.equal(impossible.body().error.code, 'E_BAD_DATE')

    const reversed = await client
      .post('/api/v1/projects')
      .bearerToken(secret)
      .json({ name: '双12', startsOn: '2026-12-12', endsOn: '2026-12-01' })
    reversed.assertStatus(422)
    assert.equal(reversed.body().error.code, 'E_START_AFTER_END')
    assert.equal(Number((await db.from('projects').count('* as n').first())!.n), before)

    const viewer = await createStaff('viewer')
    const refused = await client
      .post('/api/v1/projects')
      .bearerToken(await token(viewer))
      .json({ name: '双12' })
    refused.assertStatus(403)
  })

  test('PATCH /api/v1/projects/:id changes only the fields sent; only the owner or a manager may', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const owner = await createStaff('operator')
    const colleague = await createStaff('operator')
    const manager = await createStaff('manager')
    const created = await client
      .post('/api/v1/projects')
      .bearerToken(await token(owner))
      .json({
        name: '双12',
        description: '年终大促',
        startsOn: '2026-12-01',
        endsOn: '2026-12-12',
        memberIds: [colleague.id],
      })
    const id = created.body().data.id

    const patched = await client
      .patch(`/api/v1/projects/${id}`)
      .bearerToken(await token(owner))
      .json({ status: 'planning', endsOn: '2026-12-15' })
    patched.assertStatus(200)
    assert.deepInclude(patched.body().data, {
      name: '双12',
      status: 'planning',
      startsOn: '2026-12-01',
      endsOn: '2026-12-15',
      isPrivate: false,
    })
    const project = await Project.findOrFail(id)
    assert.equal(project.description, '年终大促')
    const members = await db.from('project_members').where('project_id', id).select('user_id')
    assert.lengthOf(members, 2)

    const reversed = await client
      .patch(`/api/v1/projects/${id}`)
      .bearerToken(await token(owner))
      .json({ startsOn: '2026-12-20' })
    reversed.assertStatus(422)
    assert.equal(reversed.body().error.code, 'E_START_AFTER_END')

    const refused = await client
      .patch(`/api/v1/projects/${id}`)
      .bearerToken(await token(colleague))
      .json({ name: '改名' })
    refused.assertStatus(403)

    const byManager = await client
      .patch(`/api/v1/projects/${id}`)
      .bearerToken(await token(manager))
      .json({ name: '双12 年终大促', memberIds: [] })
    byManager.assertStatus(200)
    assert.equal(byManager.body().data.name, '双12 年终大促')
    const left = await db.from('project_members').where('project_id', id).select('user_id')
    assert.deepEqual(
      left.map((m: any) => m.user_id),
      [owner.id]
    )
    const missing = await client
      .patch('/api/v1/projects/999999')
      .bearerToken(await token(manager))
      .json({ name: 'x' })
    missing.assertStatus(404)
  })
})
