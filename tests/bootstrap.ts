import { assert } from '@japa/assert'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { apiClient } from '@japa/api-client'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { dbAssertions } from '@adonisjs/lucid/plugins/db'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { browserClient } from '@japa/browser-client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import env from '#start/env'
import {
  chromiumLauncher,
  findChromium,
  printSkippedBanner,
  SKIPPED_BANNER,
} from '#tests/support/browser'

/** System Chromium for the browser suite; null skips that suite (and fails it under CI=true). */
const chromiumPath = findChromium()

/**
 * Japa setup for every suite. The database is migrated fresh once per run
 * (SQLite file by default, PostgreSQL when DB_CONNECTION=pg); each test
 * then runs inside a transaction that is rolled back.
 */
export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  dbAssertions(app),
  apiClient({ baseURL: `http://${env.get('HOST')}:${env.get('PORT')}` }),
  sessionApiClient(app),
  shieldApiClient(),
  authApiClient(app),
  ...(chromiumPath
    ? [
        browserClient({ runInSuites: ['browser'], launcher: chromiumLauncher(chromiumPath) }),
        sessionBrowserClient(app),
        authBrowserClient(app),
      ]
    : []),
]

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [() => testUtils.db().migrate()],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (suite.name === 'browser' && !chromiumPath) {
    suite.onTest((test) => test.skip(true, SKIPPED_BANNER))
    suite.onGroup((group) => group.tap((test) => test.skip(true, SKIPPED_BANNER)))
    suite.setup(() => {
      if (suite.stack.length === 0) {
        return
      }
      printSkippedBanner()
      if (process.env.CI === 'true') {
        throw new Error(`${SKIPPED_BANNER}; CI=true requires the browser suite`)
      }
      // Once more after the suite, so the banner is next to the summary too.
      return () => printSkippedBanner()
    })
  }
  if (['browser', 'functional'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
