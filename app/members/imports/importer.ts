import type { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { CellError } from '#app/members/imports/normalise'
import type { FieldAliases, HeaderMap } from '#app/members/imports/columns'
import type { AttributeDefinition } from '#app/members/actions/member_attributes'

/** A row of the file with its cells keyed by canonical field. */
export interface ImportRow {
  line: number
  values: Record<string, string>
}

/** Why a line was not imported: line number, column (header as written) and reason key. */
export interface Reject {
  line: number
  column: string
  reason: string
}

export class RowError extends Error {
  constructor(
    readonly line: number,
    readonly column: string,
    readonly reason: string
  ) {
    super(reason)
  }
}

export type RowOutcome = 'inserted' | 'updated' | 'duplicate'

export interface ImportContext {
  companyId: number
  zone: string
  /** Shop used when the file has no shop column (CLI --shop). */
  defaultShopId: number | null
  shops: Map<string, { id: number; platform: string; timezone: string }>
  /** Custom attributes by field (`attribute:<id>`), for member imports. */
  attributes: Map<string, AttributeDefinition>
}

/**
 * One kind of import (members, orders, refunds). Rows that belong
 * together (the lines of one order) share a key and are applied as a unit.
 */
export interface Importer<Parsed> {
  kind: string
  fields: FieldAliases
  /** Detects a platform preset from the header, e.g. taobao_members. */
  preset(header: HeaderMap): string
  /** Fields that must have a column; returns the missing ones. */
  missing(header: HeaderMap, context: ImportContext): string[]
  /** Rows with the same key, adjacent in the file, form one unit; null: every row alone. */
  key(row: ImportRow): string | null
  parse(rows: ImportRow[], header: HeaderMap, context: ImportContext): Parsed
  apply(
    parsed: Parsed,
    client: QueryClientContract,
    context: ImportContext
  ): Promise<{ outcome: RowOutcome; memberIds: number[] }>
  /** Plain values for the preview table. */
  describe(parsed: Parsed): Record<string, string | number | null>
}

/** Reads one cell with a parser, turning a CellError into a RowError naming the column. */
export function cell<T>(
  row: ImportRow,
  header: HeaderMap,
  field: string,
  parser: (value: string | undefined) => T
): T {
  try {
    return parser(row.values[field])
  } catch (error) {
    if (error instanceof CellError) {
      const index = header.index.get(field)
      throw new RowError(
        row.line,
        index === undefined ? field : header.headers[index],
        error.reason
      )
    }
    throw error
  }
}

export function required<T>(row: ImportRow, header: HeaderMap, field: string, value: T | null): T {
  if (value === null || value === undefined || value === '') {
    const index = header.index.get(field)
    throw new RowError(row.line, index === undefined ? field : header.headers[index], 'required')
  }
  return value
}

export function iso(value: DateTime | null | undefined): string | null {
  return value ? value.toISO({ suppressMilliseconds: true }) : null
}
