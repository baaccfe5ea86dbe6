import { test } from '@japa/runner'

/**
 * Outside production the app answers through Vite's middleware, which serves
 * files by path. Only front-end sources may come out that way: never the
 * database, the environment file, uploads or the server's source.
 */
test.group('Operations / files Vite may serve', () => {
  for (const path of [
    '/tmp/test.sqlite',
    '/data/quanzi.sqlite',
    '/.env',
    '/package.json',
    '/app/identity/roles.ts',
    '/config/database.ts',
  ]) {
    test(`${path} is not served`, async ({ client, assert }) => {
      const response = await client.get(path)
      assert.notEqual(response.status(), 200)
      assert.notInclude(response.text(), 'SQLite format')
    })
  }

  test('the front-end entry points still are', async ({ client }) => {
    const response = await client.get('/resources/js/app.js')
    response.assertStatus(200)
  })
})
