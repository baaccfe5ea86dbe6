import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import ace from '@adonisjs/core/services/ace'
import router from '@adonisjs/core/services/router'
import limiter from '@adonisjs/limiter/services/main'
import testUtils from '@adonisjs/core/services/test_utils'
import { readFile } from 'node:fs/promises'
import type User from '#app/identity/models/user'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import TokenCreate from '#commands/token_create'
import { createStaff } from '#tests/support/staff'

async function tokenFor(user: User) {
  return new ManageAccessTokens().create(user, { name: 'test' }, null)
}

test.group('API / tokens and errors', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a token made on the account page is shown once, works, and stops working when revoked', async ({
    client,
    assert,
  }) => {
    const crm = await createStaff('crm')
    const created = await client
      .post('/account/tokens')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: 'ERP 同步', expiresInDays: '30' })
      .redirects(0)
    created.assertStatus(302)
    const secret = String(created.flashMessage('newToken'))
    assert.match(secret, /^qz_/)

    const me = await client.get('/api/v1/me').bearerToken(secret)
    me.assertStatus(200)
    assert.equal(me.body().data.email, crm.email)
    assert.equal(me.body().data.token.name, 'ERP 同步')
    assert.include(me.body().data.permissions, 'members.view')
    assert.notProperty(me.body().data, 'password')

    const page = await client.get('/account').loginAs(crm)
    page.assertTextIncludes('ERP 同步')
    assert.notInclude(page.text(), secret)

    const [token] = await new ManageAccessTokens().list(crm)
    await client.delete(`/account/tokens/${token.id}`).loginAs(crm).withCsrfToken().redirects(0)
    const after = await client.get('/api/v1/me').bearerToken(secret)
    after.assertStatus(401)
    assert.equal(after.body().error.code, 'E_UNAUTHORIZED')

    const actions = await AuditEvent.query().where('entity_type', 'api_token').orderBy('id')
    assert.deepEqual(
      actions.map((e) => e.action),
      ['create', 'revoke']
    )
  })

  test('roles without api.tokens cannot make tokens', async ({ client, assert }) => {
    const viewer = await createStaff('viewer')
    const response = await client
      .post('/account/tokens')
      .loginAs(viewer)
      .withCsrfToken()
      .form({ name: 'x' })
    response.assertStatus(403)
    assert.lengthOf(await new ManageAccessTokens().list(viewer), 0)
  })

  test('no token, a forged token, a disabled owner: 401 in the one error format', async ({
    client,
    assert,
  }) => {
    const none = await client.get('/api/v1/me')
    none.assertStatus(401)
    assert.deepEqual(Object.keys(none.body().error).sort(), ['code', 'message'])

    const forged = await client.get('/api/v1/me').bearerToken('qz_MQ.not-the-secret')
    forged.assertStatus(401)

    const manager = await createStaff('manager')
    const secret = await tokenFor(manager)
    manager.disabledAt = DateTime.utc()
    await manager.save()
    const disabled = await client.get('/api/v1/me').bearerToken(secret)
    disabled.assertStatus(401)
    assert.equal(disabled.body().error.code, 'E_UNAUTHORIZED')
  })

  test("the owner's role decides: 403 where it does not reach", async ({ client, assert }) => {
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)
    const users = await client.get('/api/v1/users').bearerToken(secret)
    users.assertStatus(403)
    assert.equal(users.body().error.code, 'E_FORBIDDEN')

    const admin = await createStaff('admin', { phone: '13912345678' })
    const adminSecret = await tokenFor(admin)
    const list = await client.get('/api/v1/users').bearerToken(adminSecret)
    list.assertStatus(200)
    const row = list.body().data.find((u: any) => u.id === admin.id)
    assert.equal(row.phone, '13912345678')
    assert.notProperty(row, 'password')
  })

  test('bad parameters: 422 with every field named; messages in the owner language', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin', { locale: 'en' })
    const secret = await tokenFor(admin)
    const response = await client
      .get('/api/v1/audit-events')
      .qs({ limit: 0, actor_id: 'x' })
      .bearerToken(secret)
    response.assertStatus(422)
    const error = response.body().error
    assert.equal(error.code, 'E_VALIDATION_ERROR')
    assert.equal(error.message, 'The submitted data is invalid')
    assert.sameMembers(
      error.details.map((d: any) => d.field),
      ['limit', 'actor_id']
    )
  })

  test('lists are keyset-paged with meta.next', async ({ client, assert }) => {
    const admin = await createStaff('admin')
    for (let i = 0; i < 4; i++) await createStaff('viewer')
    const secret = await tokenFor(admin)
    const first = await client.get('/api/v1/users').qs({ limit: 3 }).bearerToken(secret)
    const next = first.body().meta.next
    assert.isString(next)
    const second = await client
      .get('/api/v1/users')
      .qs({ limit: 3, cursor: next })
      .bearerToken(secret)
    const ids = [...first.body().data, ...second.body().data].map((u: any) => u.id)
    assert.lengthOf(ids, 5)
    assert.lengthOf(new Set(ids), 5)
    assert.isNull(second.body().meta.next)
  })

  test('a job run shows its status and progress; unknown ids are 404', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { default: JobRun } = await import('#app/shared/queue/models/job_run')
    const run = await JobRun.create({
      jobName: 'members.export',
      payload: {},
      status: 'completed',
      progress: 100,
      attempts: 1,
      maxAttempts: 1,
      requestedById: null,
    })
    const secret = await tokenFor(manager)
    const shown = await client.get(`/api/v1/jobs/${run.id}`).bearerToken(secret)
    shown.assertStatus(200)
    assert.equal(shown.body().data.status, 'completed')
    assert.equal(shown.body().data.progress, 100)
    const missing = await client.get('/api/v1/jobs/999999').bearerToken(secret)
    missing.assertStatus(404)
    assert.equal(missing.body().error.code, 'E_NOT_FOUND')
  })
})

test.group('API / rate limit', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  // Token ids come back after a rolled-back test; their counters must not.
  group.each.teardown(() => limiter.clear())

  test('each token gets its own budget; over it, 429 with Retry-After', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const secret = await tokenFor(admin)
    const other = await tokenFor(admin)
    let last
    for (let i = 0; i <= 600; i++) last = await client.get('/api/v1/me').bearerToken(secret)
    last!.assertStatus(429)
    assert.equal(last!.body().error.code, 'E_TOO_MANY_REQUESTS')
    assert.isAbove(Number(last!.header('retry-after')), 0)
    const fresh = await client.get('/api/v1/me').bearerToken(other)
    fresh.assertStatus(200)
  }).timeout(60_000)
})

test.group('API / node ace token:create', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('prints the token as the last line, and it works', async ({ client, assert }) => {
    const crm = await createStaff('crm')
    const command = await ace.create(TokenCreate, [`--email=${crm.email}`, '--name=脚本'])
    await command.exec()
    command.assertSucceeded()
    const lines = ace.ui.logger.getLogs().map((log) => log.message)
    const secret = lines[lines.length - 1]
    assert.match(secret, /^qz_/)
    const me = await client.get('/api/v1/me').bearerToken(secret)
    me.assertStatus(200)
    assert.equal(me.body().data.id, crm.id)
  })

  test('an unknown email fails without creating anything', async ({ assert }) => {
    const command = await ace.create(TokenCreate, ['--email=nobody@test.quanzi.cn'])
    await command.exec()
    command.assertFailed()
    const rows = await AuditEvent.query().where('entity_type', 'api_token')
    assert.lengthOf(rows, 0)
  })
})

test.group('API / OpenAPI document', () => {
  test('docs/openapi.json lists exactly the /api/v1 routes', async ({ assert }) => {
    const document = JSON.parse(await readFile('docs/openapi.json', 'utf8'))
    const documented = new Set<string>()
    for (const [path, operations] of Object.entries<Record<string, unknown>>(document.paths)) {
      for (const method of Object.keys(operations))
        documented.add(`${method.toUpperCase()} ${path}`)
    }
    const routed = new Set<string>()
    for (const routes of Object.values(router.toJSON())) {
      for (const route of routes) {
        if (!route.pattern.startsWith('/api/v1')) continue
        const path = route.pattern.replace(/:(\w+)/g, '{$1}')
        for (const method of route.methods) if (method !== 'HEAD') routed.add(`${method} ${path}`)
      }
    }
    assert.deepEqual([...routed].sort(), [...documented].sort())
  })

  test('is served at /api/v1/openapi.json without a token', async ({ client, assert }) => {
    const response = await client.get('/api/v1/openapi.json')
    response.assertStatus(200)
    assert.equal(response.body().openapi, '3.1.0')
  })
})
