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
    const random = seededRandom(42)
    const lines: string[] = []
    for (let i = 0; i < 500; i++) {
      let line = ''
      for (let k = random(40); k > 0; k--) line += ALPHABET[random(ALPHABET.length)]
      if (line.trim()) lines.push(line)
    }
    lines.push('"quoted, with comma",plain,"say ""hi"""')
    const { read, broken } = await readLines(lines)
    assert.equal(broken, 0)
    const expected = lines.map(
      (line) => (parse(line, { relax_quotes: true, relax_column_count: true }) as string[][])[0]
    )
    assert.deepEqual(read, expected)
    assert.deepEqual(read.at(-1), ['quoted, with comma', 'plain', 'say "hi"'])
  })

  test('quoted cells read the same as csv-parse reads them', async ({ assert }) => {
    const random = seededRandom(7)
    const cell = () => {
      let text = ''
      for (let k = random(8); k > 0; k--) text += QUOTED_ALPHABET[random(QUOTED_ALPHABET.length)]
      // Mostly well-formed quoting; some quotes in odd places, which csv-parse decides.
      const shape = random(10)
      if (shape < 6) return `"${text.replaceAll('"', '""')}"`
      if (shape < 9) return text.replaceAll('"', '').replaceAll('\n', '')
      const odd = text.replaceAll('\n', '')
      return (odd.match(/"/g) ?? []).length % 2 ? `${odd}"` : odd
    }
    const lines: string[] = []
    for (let i = 0; i < 2000; i++) {
      const cells = Array.from({ length: 1 + random(6) }, cell)
      const line = cells.join(',')
      if (line.trim()) lines.push(line)
    }
    // Text after a closing quote, and a quote inside an unquoted cell.
    lines.push('"ab"c,d', 'x,"y" ,z', 'x,"y"z', 'a"b,"c",d"', '"1,299.50","￥1,299.50",""')
    const { read } = await readLines(lines)
    const expected: string[][] = []
    let pending = ''
    for (const line of lines) {
      pending = pending ? `${pending}\n${line}` : line
      if ((pending.match(/"/g) ?? []).length % 2) continue
      try {
        expected.push((parse(pending, CSV_OPTIONS) as string[][])[0].map((c) => c ?? ''))
      } catch {
        // What csv-parse cannot read the reader reports as a broken line.
      }
      pending = ''
    }
    assert.isAbove(expected.length, 1000)
    assert.deepEqual(read, expected)
    assert.deepEqual(read.at(-1), ['1,299.50', '￥1,299.50', ''])
  })
})

const QUOTED_ALPHABET = ['a', '7', ' ', ',', '"', '"', '张', '\n', '¥', '.']
const CSV_OPTIONS = { relax_quotes: true, relax_column_count: true, skip_empty_lines: false }

/** The same pseudo-random sequence on every run. */
function seededRandom(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  }
}

/** Writes the lines as a UTF-8 file and reads it back: the records' cells, and how many were broken. */
async function readLines(lines: string[]) {
  const dir = join(tmpdir(), 'quanzi-read-table')
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${randomUUID()}.csv`)
  await writeFile(path, lines.join('\n'))
  try {
    const read: string[][] = []
    let broken = 0
    for await (const record of readTable(path, 'utf-8')) {
      if (isBroken(record)) broken++
      else read.push(record.cells)
    }
    return { read, broken }
  } finally {
    await rm(path, { force: true })
  }
}
