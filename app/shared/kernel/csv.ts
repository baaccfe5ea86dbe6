/**
 * CSV for staff to open in a spreadsheet: a cell with a comma, quote or line
 * break is quoted, and a text cell a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, CR first) is defused with a leading `'` — the
 * cells are member names, notes and imported text, none of them trusted.
 */
export function csvCell(value: unknown): string {
  let text = String(value ?? '')
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One line, CRLF-terminated (what spreadsheet apps expect). */
export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n'
}

/** Byte order mark first, so spreadsheet apps read the file as UTF-8 (Chinese headers). */
export const CSV_BOM = '\uFEFF'
