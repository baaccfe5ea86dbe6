import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'

/**
 * Without Redis the web process runs the jobs itself, and a job is code that
 * awaits one query after another. On SQLite each query answers synchronously
 * (app/shared/kernel/sqlite_turns.ts): the requests must still get their turn.
 */
test.group('Long work and the web process', () => {
  test('a request is answered while other work awaits query after query', async ({
    client,
    assert,
  }) => {
    const limitMs = 5000
    const started = performance.now()
    let stop = false
    let finished = false
    let queries = 0
    const work = (async () => {
      while (!stop && performance.now() - started < limitMs) {
        await db.from('companies').select('id').first()
        queries++
      }
      finished = true
    })()

    const response = await client.get('/login')
    const finishedWhenAnswered = finished
    const queriesWhenAnswered = queries
    stop = true
    await work

    response.assertStatus(200)
    assert.isFalse(finishedWhenAnswered, 'the request waited for the work to end')
    assert.isAbove(queriesWhenAnswered, 0)
  })
})
