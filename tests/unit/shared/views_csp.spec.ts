import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Every template under resources/views. */
async function templates(dir = 'resources/views'): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await templates(path)))
    else if (entry.name.endsWith('.edge')) found.push(path)
  }
  return found
}

test.group('Views / Content Security Policy', () => {
  test('no template uses inline event handlers, which the policy blocks', async ({ assert }) => {
    // An onsubmit="return confirm(…)" never ran: the coupon archive went ahead unasked.
    // Confirmations are hx-confirm; behaviour is Alpine (x-on:…) or htmx (hx-on:…).
    const offenders: string[] = []
    const files = await templates()
    assert.isAbove(files.length, 50)
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      const lines = text.split('\n')
      lines.forEach((line, index) => {
        if (/\son[a-z]+\s*=\s*["']/i.test(line)) offenders.push(`${file}:${index + 1}`)
      })
    }
    assert.deepEqual(offenders, [])
  })
})
