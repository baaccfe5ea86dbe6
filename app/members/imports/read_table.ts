import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'

export type FileEncoding = 'utf-8' | 'gb18030'

/** One record of the file: its first physical line number and its cells. */
export interface TableRecord {
  line: number
  cells: string[]
}

/** A line the reader could not turn into a record (e.g. an unclosed quote). */
export interface BrokenRecord {
  line: number
  reason: string
  raw: string
}

/** Records spanning more physical lines than this are taken as an unclosed quote. */
const MAX_LINES_PER_RECORD = 20

/**
 * Sniffs the encoding from the first 64 KB: a UTF-8 BOM or valid UTF-8
 * means UTF-8, anything else is read as GB18030 (a superset of GBK, what
 * Excel and Chinese platforms write).
 */
export async function detectEncoding(path: string): Promise<FileEncoding> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(65536)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    let sample = buffer.subarray(0, bytesRead)
    if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8'
    // Do not fail on a multi-byte character cut at the end of the sample.
    if (bytesRead === buffer.length) {
      let cut = sample.length
      while (cut > 0 && cut > sample.length - 4 && (sample[cut - 1] & 0xc0) === 0x80) cut--
      if (cut > 0 && sample[cut - 1] >= 0xc0) cut--
      sample = sample.subarray(0, cut)
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample)
      return 'utf-8'
    } catch {
      return 'gb18030'
    }
  } finally {
    await handle.close()
  }
}

/**
 * Streams a CSV file record by record with constant memory, whatever its
 * encoding. Physical lines are joined only while a quoted field is open;
 * a quote still open after MAX_LINES_PER_RECORD lines is reported as a
 * broken record for its first line and reading resumes on the next line,
 * so one bad quote never swallows the good rows after it (see `shape`). Blank lines are
 * skipped (not counted as rows).
 */
export async function* readTable(
  path: string,
  encoding: FileEncoding,
  options: {
    onBytes?: (bytesRead: number, totalBytes: number) => void
    /**
     * Set by the caller once the header is read: a record joined from
     * several lines whose cell count differs is taken as a stray quote,
     * not a multi-line field, so the lines after it are read again.
     */
    shape?: { columns: number }
  } = {}
): AsyncGenerator<TableRecord | BrokenRecord> {
  const { size: total } = await stat(path)
  const input = createReadStream(path)
  const { onBytes, shape } = options
  if (onBytes) input.on('data', () => onBytes(input.bytesRead, total))
  const decoded = input.pipe(iconv.decodeStream(encoding, { stripBOM: true }))
  const lines = createInterface({ input: decoded, crlfDelay: Infinity })

  let lineNo = 0
  let pending: { line: number; text: string }[] = []

  /** The open quote of pending[0] never closed: reject that line, re-read the lines after it. */
  function* giveUp(): Generator<TableRecord | BrokenRecord> {
    const first = pending[0]
    const rest = pending.slice(1)
    pending = []
    yield { line: first.line, reason: 'broken_quote', raw: first.text }
    for (const entry of rest) yield* push(entry)
  }

  function* push(entry: { line: number; text: string }): Generator<TableRecord | BrokenRecord> {
    if (!pending.length && entry.text.trim() === '') return
    pending.push(entry)
    const text = pending.map((p) => p.text).join('\n')
    if (quotesBalanced(text)) {
      const record = parseRecord(pending[0].line, text)
      const joined = pending.length > 1
      if (joined && shape?.columns && (isBroken(record) || record.cells.length !== shape.columns)) {
        yield* giveUp()
        return
      }
      pending = []
      yield record
    } else if (pending.length >= MAX_LINES_PER_RECORD) {
      yield* giveUp()
    }
  }

  for await (const text of lines) {
    lineNo++
    yield* push({ line: lineNo, text })
  }
  while (pending.length) yield* giveUp()
}

function quotesBalanced(text: string): boolean {
  if (text.indexOf('"') === -1) return true
  let count = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) count++
  return count % 2 === 0
}

function parseRecord(line: number, text: string): TableRecord | BrokenRecord {
  // No quote and no stray carriage return: the cells are the text between commas,
  // which is what csv-parse answers too, at a fraction of the cost.
  if (text.indexOf('\r') === -1) {
    if (text.indexOf('"') === -1) return { line, cells: text.split(',') }
    // Quoted cells (Excel quotes every amount with a thousands comma): read by hand
    // when well formed; csv-parse cost 50 µs a line, more than the rest of the import.
    const cells = wellQuotedCells(text)
    if (cells) return { line, cells }
  }
  try {
    const rows = parse(text, {
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][]
    return { line, cells: (rows[0] ?? []).map((c) => c ?? '') }
  } catch (error) {
    return { line, reason: 'unparsable_line', raw: text }
  }
}

/**
 * The cells of a record whose quotes are all well placed: a quoted cell is
 * quoted from its first character to its last, with `""` for a quote
 * inside. Null for anything else (a quote inside an unquoted cell, text
 * after a closing quote), which csv-parse reads as it always has.
 */
function wellQuotedCells(text: string): string[] | null {
  const cells: string[] = []
  let at = 0
  for (;;) {
    if (text.charCodeAt(at) === QUOTE) {
      let value = ''
      let from = at + 1
      for (;;) {
        const quote = text.indexOf('"', from)
        if (quote === -1) return null
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += text.slice(from, quote + 1)
          from = quote + 2
          continue
        }
        value += text.slice(from, quote)
        at = quote + 1
        break
      }
      cells.push(value)
      if (at === text.length) return cells
      if (text.charCodeAt(at) !== COMMA) return null
      at++
    } else {
      const comma = text.indexOf(',', at)
      const value = comma === -1 ? text.slice(at) : text.slice(at, comma)
      if (value.indexOf('"') !== -1) return null
      cells.push(value)
      if (comma === -1) return cells
      at = comma + 1
    }
  }
}

const QUOTE = 34
const COMMA = 44

export function isBroken(record: TableRecord | BrokenRecord): record is BrokenRecord {
  return 'reason' in record
}
