import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import testUtils from '@adonisjs/core/services/test_utils'
import UserCreate from '#commands/user_create'
import User from '#app/identity/models/user'

test.group('node ace user:create', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('creates the first owner', async ({ assert }) => {
    const command = await ace.create(UserCreate, [
      '--email=Boss@Shop.cn',
      '--password=a-long-password',
      '--role=owner',
      '--name=老板',
      '--phone=13900000000',
    ])
    await command.exec()
    command.assertSucceeded()

    const user = await User.findByOrFail('email', 'boss@shop.cn')
    assert.equal(user.role, 'owner')
    assert.equal(user.fullName, '老板')
    assert.equal(user.phone!.digits, '13900000000')
    await User.verifyCredentials('boss@shop.cn', 'a-long-password')
  })

  test('refuses bad input with a clear message and creates nothing', async ({ assert }) => {
    const command = await ace.create(UserCreate, [
      '--email=bad',
      '--password=short',
      '--role=owner',
    ])
    await command.exec()
    command.assertFailed()
    assert.isTrue(command.ui.logger.getLogs().some((log) => log.message.includes('email')))
    assert.isNull(await User.findBy('email', 'bad'))

    const unknownRole = await ace.create(UserCreate, [
      '--email=a@b.cn',
      '--password=a-long-password',
      '--role=wizard',
    ])
    await unknownRole.exec()
    unknownRole.assertFailed()
    unknownRole.assertLogMatches(/Unknown role "wizard"/)
  })
})
