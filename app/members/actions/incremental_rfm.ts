import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { RecomputeRfm, type RfmSettings } from '#app/members/actions/recompute_rfm'
import { lifecycleStage, segmentCase, thresholdScores } from '#app/members/actions/rfm_scoring'
import { toDbTime } from '#app/shared/kernel/db_values'

/** Per score 2–5 (index 0–3), the lowest [value, member id] of that quintile. */
type Cut = [string | number, number]
export interface QuintileCuts {
  r: Cut[]
  f: Cut[]
  m: Cut[]
}

const CHUNK = 500

/**
 * 增量 RFM: recomputes R/F/M, segment and lifecycle only for the members
 * whose orders changed (member_rfm_dirty, filled by MemberStats), with the
 * same expressions as the full recompute (rfm_scoring.ts):
 * - fixed thresholds: each member is scored on their own, so the result is
 *   exactly what a full recompute would give;
 * - quintiles: a member is placed in the ranking of the last full recompute
 *   (its cut points, `member_rfm_cuts`: per score the lowest value and
 *   member id, the same order NTILE used), so untouched values keep their
 *   scores and a changed member lands where their new figures rank. The
 *   quintiles themselves move only with the next full recompute (nightly).
 *   Without cut points (no full run yet, or the window changed) it runs a
 *   full recompute instead.
 */
export class IncrementalRfm {
  /** Cut points of the full recompute just done (quintile scoring only). */
  async captureCuts(companyId: number, now = DateTime.utc()) {
    const settings = await new RecomputeRfm().settings(companyId)
    if (settings.scoring !== 'quintiles') return null
    const statuses = PURCHASE_STATUSES
    const since = toDbTime(now.minus({ days: settings.windowDays }), db.connection())!
    const rows = await db.rawQuery(
      `select * from (
         select m.rfm_r, m.rfm_f, m.rfm_m, t.member_id, t.last_at, t.purchases, t.paid,
           row_number() over (partition by m.rfm_r order by t.last_at, t.member_id) as rr,
           row_number() over (partition by m.rfm_f order by t.purchases, t.member_id) as rf,
           row_number() over (partition by m.rfm_m order by t.paid, t.member_id) as rm
         from (
           select member_id, max(ordered_at) as last_at, count(*) as purchases, sum(paid_fen) as paid
           from orders
           where company_id = ? and member_id is not null
             and status in (${statuses.map(() => '?').join(', ')}) and ordered_at >= ?
           group by member_id
         ) as t
         join members m on m.id = t.member_id
         where m.rfm_r is not null
       ) as x where rr = 1 or rf = 1 or rm = 1`,
      [companyId, ...statuses, since]
    )
    const list: any[] = Array.isArray(rows) ? rows : rows.rows
    const cuts: QuintileCuts = { r: [], f: [], m: [] }
    const time = (value: unknown) =>
      value instanceof Date
        ? toDbTime(DateTime.fromJSDate(value, { zone: 'utc' }), db.connection())!
        : String(value)
    for (let score = 2; score <= 5; score++) {
      const r = list.find((row) => Number(row.rfm_r) === score && Number(row.rr) === 1)
      const f = list.find((row) => Number(row.rfm_f) === score && Number(row.rf) === 1)
      const m = list.find((row) => Number(row.rfm_m) === score && Number(row.rm) === 1)
      // Fewer than five buyers leave the top quintiles empty (NTILE fills from 1
      // up): nobody reached that score by ranking, so its cut is unreachable.
      cuts.r.push(r ? [time(r.last_at), Number(r.member_id)] : ['9999-12-31 00:00:00', 0])
      cuts.f.push(f ? [Number(f.purchases), Number(f.member_id)] : [Number.MAX_SAFE_INTEGER, 0])
      cuts.m.push(m ? [Number(m.paid), Number(m.member_id)] : [Number.MAX_SAFE_INTEGER, 0])
    }
    const stamp = toDbTime(now, db.connection())
    await db.transaction(async (trx) => {
      await trx.from('member_rfm_cuts').where('company_id', companyId).delete()
      await trx
        .insertQuery()
        .table('member_rfm_cuts')
        .insert({
          company_id: companyId,
          cuts: JSON.stringify(cuts),
          window_days: settings.windowDays,
          computed_at: stamp,
        })
    })
    return cuts
  }

  /**
   * Drains the company's dirty members in chunks; returns the member ids
   * recomputed (for auto tags). Marks made while a chunk was computed stay.
   */
  async drain(
    companyId: number,
    options: { now?: DateTime; onProgress?: (done: number, total: number) => Promise<void> } = {}
  ): Promise<{ memberIds: number[]; full: boolean }> {
    const now = (options.now ?? DateTime.utc()) as DateTime<true>
    const settings = await new RecomputeRfm().settings(companyId)
    const startedAt = toDbTime(DateTime.utc(), db.connection())!
    const [{ n }] = await db.from('member_rfm_dirty').where('company_id', companyId).count('* as n')
    const total = Number(n)
    if (total === 0) return { memberIds: [], full: false }

    let cuts: QuintileCuts | null = null
    if (settings.scoring === 'quintiles') {
      cuts = await this.cuts(companyId, settings)
      if (!cuts) {
        // No ranking to place members in: rank everybody once.
        await new RecomputeRfm().handle(companyId, now)
        await this.captureCuts(companyId, now)
        await db
          .from('member_rfm_dirty')
          .where('company_id', companyId)
          .where('marked_at', '<=', startedAt)
          .delete()
        return { memberIds: [], full: true }
      }
    }

    const done: number[] = []
    let after = 0
    for (;;) {
      const rows = await db
        .from('member_rfm_dirty')
        .where('company_id', companyId)
        .where('member_id', '>', after)
        .orderBy('member_id')
        .limit(CHUNK)
        .select('member_id')
      if (rows.length === 0) break
      const ids = rows.map((row: any) => Number(row.member_id))
      after = ids[ids.length - 1]
      await db.transaction(async (trx) => {
        await this.recompute(trx, companyId, ids, settings, cuts, now)
        await trx
          .from('member_rfm_dirty')
          .whereIn('member_id', ids)
          .where('marked_at', '<=', startedAt)
          .delete()
      })
      done.push(...ids)
      await options.onProgress?.(Math.min(done.length, total), total)
    }
    await new RecomputeRfm().storeSummary(db.connection(), companyId)
    return { memberIds: done, full: false }
  }

  /** Stored cut points, when they match the current window. */
  async cuts(companyId: number, settings: RfmSettings): Promise<QuintileCuts | null> {
    const row = await db.from('member_rfm_cuts').where('company_id', companyId).first()
    if (!row || Number(row.window_days) !== settings.windowDays) return null
    return JSON.parse(row.cuts)
  }

  /** Scores, segment and lifecycle of these members only (same expressions as the full run). */
  async recompute(
    client: QueryClientContract,
    companyId: number,
    memberIds: number[],
    settings: RfmSettings,
    cuts: QuintileCuts | null,
    now: DateTime
  ) {
    const statuses = PURCHASE_STATUSES
    const at = (days: number) => toDbTime(now.minus({ days }), client)!
    const differs = client.dialect.name === 'postgres' ? 'is distinct from' : 'is not'
    const placeholders = statuses.map(() => '?').join(', ')
    const ids = memberIds.map(() => '?').join(', ')

    await client.rawQuery(
      `update members set rfm_r = null, rfm_f = null, rfm_m = null, rfm_segment = null
       where company_id = ? and id in (${ids}) and (rfm_segment is not null or rfm_r is not null)
         and not exists (
           select 1 from orders o
           where o.company_id = ? and o.member_id = members.id and o.status in (${placeholders})
             and o.ordered_at >= ?)`,
      // The company makes each check a range of the covering RFM index (see RecomputeRfm).
      [companyId, ...memberIds, companyId, ...statuses, at(settings.windowDays)]
    )
    await client.rawQuery(
      `update members set lifecycle_stage = null
       where company_id = ? and id in (${ids}) and lifecycle_stage is not null
         and (last_order_at is null or merged_into_id is not null)`,
      [companyId, ...memberIds]
    )

    const segment = segmentCase(settings.highScore)
    let scores: string
    let scoreBindings: (string | number)[]
    if (settings.scoring === 'thresholds' || !cuts) {
      const threshold = thresholdScores(settings, at)
      scores = threshold.sql
      scoreBindings = threshold.bindings
    } else {
      const place = (column: string) => {
        const whens = [3, 2, 1, 0].map(
          (i) => `when ${column} > ? or (${column} = ? and member_id >= ?) then ${i + 2}`
        )
        return `case ${whens.join(' ')} else 1 end`
      }
      const bind = (dimCuts: Cut[]) =>
        [3, 2, 1, 0].flatMap((i) => [dimCuts[i][0], dimCuts[i][0], dimCuts[i][1]])
      scores = `${place('last_at')} as r, ${place('purchases')} as f, ${place('paid')} as m`
      scoreBindings = [...bind(cuts.r), ...bind(cuts.f), ...bind(cuts.m)]
    }
    await client.rawQuery(
      `update members set rfm_r = s.r, rfm_f = s.f, rfm_m = s.m, rfm_segment = ${segment}
       from (
         select member_id, ${scores}
         from (
           select member_id, max(ordered_at) as last_at, count(*) as purchases, sum(paid_fen) as paid
           from orders
           where member_id in (${ids}) and status in (${placeholders}) and ordered_at >= ?
           group by member_id
         ) as t
       ) as s
       where members.id = s.member_id and members.company_id = ?
         and (members.rfm_r ${differs} s.r or members.rfm_f ${differs} s.f
           or members.rfm_m ${differs} s.m or members.rfm_segment ${differs} ${segment})`,
      [...scoreBindings, ...memberIds, ...statuses, at(settings.windowDays), companyId]
    )

    const { sql: stage, bindings: stageBindings } = lifecycleStage(
      settings,
      at,
      client.dialect.name
    )
    await client.rawQuery(
      `update members set lifecycle_stage = ${stage}
       where company_id = ? and id in (${ids}) and last_order_at is not null
         and merged_into_id is null and lifecycle_stage ${differs} ${stage}`,
      [...stageBindings, companyId, ...memberIds, ...stageBindings]
    )
  }
}
