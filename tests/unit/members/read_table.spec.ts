import { test } from '@japa/runner'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { isBroken, readTable } from '#app/members/imports/read_table'

const ALPHABET = ['a', 'Z', '7', ' ', '\t', ',', ',', ';', '，', '张', '¥', '.', '-', "'", '\\']

test.group('Import / reading CSV lines', () => {
  test('lines without quotes read the same as csv-parse reads them', async ({ assert }) => {
    let seed = 42
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const lines: string[] = []
    for (let i = 0; i < 500; i++) {
      let line = ''
      for (let k = random(40); k > 0; k--) line += ALPHABET[random(ALPHABET.length)]
      if (line.trim()) lines.push(line)
    }
    lines.push('"quoted, with comma",plain,"say ""hi"""')
    const dir = join(tmpdir(), 'quanzi-read-table')
    await mkdir(dir, { recursive: true })
    const path = join(dir, `${randomUUID()}.csv`)
    await writeFile(path, lines.join('\n'))
    try {
      const read: string[][] = []
      for await (const record of readTable(path, 'utf-8')) {
        assert.isFalse(isBroken(record))
        if (!isBroken(record)) read.push(record.cells)
      }
      const expected = lines.map(
        (line) => (parse(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0]
      )
      assert.deepEqual(read, expected)
      assert.deepEqual(read.at(-1), ['quoted, with comma', 'plain', 'say "hi"'])
    } finally {
      await rm(path, { force: true })
    }
  })
})
