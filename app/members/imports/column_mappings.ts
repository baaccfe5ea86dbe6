import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { normaliseHeader, type FieldAliases, type HeaderMap } from '#app/members/imports/columns'
import type { ImportKind } from '#app/members/models/import'
import { toDbTime } from '#app/shared/kernel/db_values'

/** Identifies a header row: the same cells in the same order (after normalising) give the same signature. */
export function headerSignature(cells: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify(cells.map(normaliseHeader)))
    .digest('hex')
}

/** A header read with an explicit mapping: column i holds `columns[i]` ('' = ignored). */
export function mapWithColumns(
  cells: string[],
  columns: string[],
  fields: FieldAliases
): HeaderMap {
  const index = new Map<string, number>()
  const unknown: string[] = []
  cells.forEach((cell, i) => {
    const field = columns[i] ?? ''
    if (field && field in fields && !index.has(field)) index.set(field, i)
    else if (cell.trim()) unknown.push(cell.trim())
  })
  return { index, unknown, headers: cells.map((c) => c.trim()) }
}

/** The columns array of an automatic (alias-based) header map. */
export function columnsOf(header: HeaderMap): string[] {
  const columns = header.headers.map(() => '')
  for (const [field, i] of header.index) columns[i] = field
  return columns
}

export interface SavedMapping {
  id: number
  columns: string[]
}

/** Saved column mappings (列映射), one per company + kind + header. */
export class ColumnMappings {
  async find(companyId: number, kind: ImportKind, cells: string[]): Promise<SavedMapping | null> {
    const row = await db
      .from('import_column_mappings')
      .where({ company_id: companyId, kind, header_signature: headerSignature(cells) })
      .first()
    if (!row) return null
    const columns = JSON.parse(row.columns) as string[]
    return columns.length === cells.length ? { id: row.id, columns } : null
  }

  /** Saves (or replaces) the mapping for this header; each field may be used by one column only. */
  async save(
    companyId: number,
    kind: ImportKind,
    cells: string[],
    columns: string[],
    fields: FieldAliases,
    actor: AuditActor | null
  ): Promise<SavedMapping> {
    if (columns.length !== cells.length) {
      throw new DomainError('E_MAPPING_INVALID', 'imports.errors.mapping_invalid', 422)
    }
    const seen = new Set<string>()
    for (const field of columns) {
      if (!field) continue
      if (!(field in fields)) {
        throw new DomainError('E_MAPPING_INVALID', 'imports.errors.mapping_invalid', 422)
      }
      if (seen.has(field)) {
        throw new DomainError('E_MAPPING_DUPLICATE', 'imports.errors.mapping_duplicate', 422, {
          field,
        })
      }
      seen.add(field)
    }
    const signature = headerSignature(cells)
    return db.transaction(async (trx) => {
      const now = toDbTime(DateTime.utc(), trx)
      const existing = await trx
        .from('import_column_mappings')
        .where({ company_id: companyId, kind, header_signature: signature })
        .first()
      let id: number
      if (existing) {
        id = existing.id
        await trx
          .from('import_column_mappings')
          .where('id', id)
          .update({
            columns: JSON.stringify(columns),
            updated_by_id: actor?.id ?? null,
            updated_at: now,
          })
      } else {
        const [row] = await trx
          .insertQuery()
          .table('import_column_mappings')
          .insert({
            company_id: companyId,
            kind,
            header_signature: signature,
            headers: JSON.stringify(cells),
            columns: JSON.stringify(columns),
            created_by_id: actor?.id ?? null,
            updated_by_id: actor?.id ?? null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
        id = typeof row === 'object' ? row.id : row
      }
      await AuditLog.record({
        entityType: 'import_column_mapping',
        entityId: id,
        action: existing ? 'imports.mapping_updated' : 'imports.mapping_saved',
        before: existing ? { columns: JSON.parse(existing.columns) } : undefined,
        after: { columns },
        context: { kind, headers: cells },
        actor,
        client: trx,
      })
      return { id, columns }
    })
  }
}
