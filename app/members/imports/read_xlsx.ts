import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { BrokenRecord, TableRecord } from '#app/members/imports/read_table'

/** XLSX (and every ZIP) starts with the local-file-header signature `PK\x03\x04`. */
export async function isXlsx(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(4)
    const { bytesRead } = await handle.read(buffer, 0, 4, 0)
    return bytesRead === 4 && buffer.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  } finally {
    await handle.close()
  }
}

/**
 * Streams the first worksheet of an XLSX file row by row with exceljs's
 * streaming WorkbookReader (shared strings cached, rows never held), so a
 * large workbook reads in flat memory like a CSV does. Cells become the
 * text a person sees: dates as `yyyy-MM-dd HH:mm:ss` (read in the shop's
 * zone by the importers, as CSV dates are), numbers without float noise
 * (`59.9`, not `59.900000000000006`), formulas as their result. Line
 * numbers are the sheet's row numbers; blank rows are skipped. A workbook
 * that cannot be read yields one broken record instead of throwing.
 */
export async function* readXlsx(
  path: string,
  options: {
    onBytes?: (bytesRead: number, totalBytes: number) => void
    shape?: { columns: number }
  } = {}
): AsyncGenerator<TableRecord | BrokenRecord> {
  const { size: total } = await stat(path)
  if (total <= WHOLE_READ_LIMIT) {
    yield* readWholeXlsx(path, total, options)
    return
  }
  const input = createReadStream(path)
  if (options.onBytes) input.on('data', () => options.onBytes!(input.bytesRead, total))
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  let lastLine = 0
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        lastLine = row.number
        const values = Array.isArray(row.values) ? row.values.slice(1) : []
        const cells = Array.from(values, cellText)
        while (cells.length && cells[cells.length - 1] === '') cells.pop()
        if (!cells.length) continue
        const columns = options.shape?.columns ?? 0
        while (columns && cells.length < columns) cells.push('')
        yield { line: row.number, cells }
      }
      // Only the first worksheet is imported; later sheets are notes, pivots, summaries.
      break
    }
  } catch (error) {
    yield {
      line: lastLine + 1,
      reason: 'unreadable_xlsx',
      raw: error instanceof Error ? error.message : String(error),
    }
  } finally {
    input.destroy()
  }
}

/**
 * exceljs's streaming reader has a race on current Node versions (it may
 * emit a worksheet before it has read the workbook, and then yields no rows
 * or throws), seen here as an import of a good file reported empty now and
 * then. Workbooks up to this size — platform exports of a few hundred
 * thousand rows — are read whole, which is deterministic; larger ones stream.
 */
const WHOLE_READ_LIMIT = 32 * 1024 * 1024

async function* readWholeXlsx(
  path: string,
  total: number,
  options: {
    onBytes?: (bytesRead: number, totalBytes: number) => void
    shape?: { columns: number }
  }
): AsyncGenerator<TableRecord | BrokenRecord> {
  const book = new ExcelJS.Workbook()
  try {
    await book.xlsx.readFile(path)
  } catch (error) {
    yield {
      line: 1,
      reason: 'unreadable_xlsx',
      raw: error instanceof Error ? error.message : String(error),
    }
    return
  }
  options.onBytes?.(total, total)
  // Only the first worksheet is imported; later sheets are notes, pivots, summaries.
  const sheet = book.worksheets[0]
  if (!sheet) return
  const records: TableRecord[] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : []
    const cells = Array.from(values, cellText)
    while (cells.length && cells[cells.length - 1] === '') cells.pop()
    if (cells.length) records.push({ line: row.number, cells })
  })
  for (const record of records) {
    // The header sets the shape once the caller has read it: pad as the rows go out.
    const columns = options.shape?.columns ?? 0
    while (columns && record.cells.length < columns) record.cells.push('')
    yield record
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    // exceljs gives the spreadsheet's wall-clock time as if it were UTC.
    return value
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ')
      .replace(/ 00:00:00$/, '')
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : ''
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'string') return value
  if (typeof value === 'object') {
    const cell = value as Record<string, any>
    if (Array.isArray(cell.richText)) return cell.richText.map((part: any) => part.text).join('')
    if ('result' in cell) return cellText(cell.result)
    if ('text' in cell) return cellText(cell.text)
    if ('error' in cell) return ''
  }
  return String(value)
}
