import { PassThrough, Readable } from 'node:stream'
import drive from '@adonisjs/drive/services/main'
import ExcelJS from 'exceljs'
import { CSV_BOM, csvLine } from '#app/shared/kernel/csv'

/** The file formats staff download tables in. */
export type TableFormat = 'csv' | 'xlsx'
export const TABLE_FORMATS: TableFormat[] = ['csv', 'xlsx']

export const TABLE_CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

export type TableCell = string | number

/**
 * Writes a table — a header and rows that arrive as a stream — to the drive
 * disk as CSV (UTF-8 with BOM, formulas defused) or XLSX (exceljs's
 * streaming writer: each row is committed as it is written, so memory stays
 * flat at any size; text cells stay text, never formulas). Returns how many
 * rows were written.
 */
export async function writeTableFile(
  key: string,
  format: TableFormat,
  header: string[],
  rows: AsyncIterable<TableCell[]>
): Promise<number> {
  let count = 0
  if (format === 'csv') {
    async function* lines() {
      yield CSV_BOM + csvLine(header)
      for await (const row of rows) {
        count++
        yield csvLine(row)
      }
    }
    await drive.use().putStream(key, Readable.from(lines()))
    return count
  }

  const output = new PassThrough()
  const stored = drive.use().putStream(key, output)
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: false,
  })
  const sheet = workbook.addWorksheet('Sheet1')
  sheet.addRow(header).commit()
  try {
    for await (const row of rows) {
      sheet.addRow(row).commit()
      count++
    }
    await workbook.commit()
  } catch (error) {
    output.destroy(error as Error)
    await stored.catch(() => {})
    throw error
  }
  await stored
  return count
}
