import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'

const run = promisify(execFile)

/** Starts bin/server.ts in a child process with the given environment overrides. */
async function bootServer(env: Record<string, string>) {
  try {
    await run(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
      cwd: app.appRoot.pathname,
      env: { ...process.env, NODE_ENV: 'production', PORT: '0', ...env },
      timeout: 30_000,
    })
    return { failed: false, output: '' }
  } catch (error: any) {
    return { failed: true, output: `${error.stdout}${error.stderr}` }
  }
}

test.group('Environment validation', () => {
  test('an invalid variable stops the app and is named', async ({ assert }) => {
    const result = await bootServer({ DB_CONNECTION: 'mysql' })
    assert.isTrue(result.failed)
    assert.include(result.output, 'DB_CONNECTION')
  }).timeout(40_000)

  test('a missing APP_KEY stops the app and is named', async ({ assert }) => {
    const result = await bootServer({ APP_KEY: '' })
    assert.isTrue(result.failed)
    assert.include(result.output, 'APP_KEY')
  }).timeout(40_000)
})
