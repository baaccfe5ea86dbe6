import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { lifecycleStage, segmentCase, thresholdScores } from '#app/members/actions/rfm_scoring'
import { toDbTime } from '#app/shared/kernel/db_values'

export const RFM_SEGMENTS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const
export type RfmSegment = (typeof RFM_SEGMENTS)[number]

export const LIFECYCLE_STAGES = ['new', 'active', 'silent', 'lost', 'recalled'] as const

export const RFM_SCORINGS = ['quintiles', 'thresholds'] as const
export type RfmScoring = (typeof RFM_SCORINGS)[number]

/** Four ascending cut points giving scores 1–5. */
export type Thresholds = [number, number, number, number]

export interface RfmSettings {
  windowDays: number
  highScore: number
  newDays: number
  activeDays: number
  lostDays: number
  scoring: RfmScoring
  /** Days since the last purchase: within [0] → 5 … beyond [3] → 1. */
  rThresholds: Thresholds
  /** Purchases in the window: ≥ [3] → 5 … below [0] → 1. */
  fThresholds: Thresholds
  /** Fen paid in the window: ≥ [3] → 5 … below [0] → 1. */
  mThresholds: Thresholds
}

export const DEFAULT_RFM_SETTINGS: RfmSettings = {
  windowDays: 365,
  highScore: 3,
  newDays: 30,
  activeDays: 90,
  lostDays: 180,
  scoring: 'quintiles',
  rThresholds: [30, 90, 180, 270],
  fThresholds: [2, 3, 5, 8],
  mThresholds: [10000, 30000, 80000, 200000],
}

function thresholds(raw: unknown, fallback: Thresholds): Thresholds {
  try {
    const parsed = typeof raw === 'string' ? JSON.parse(raw) : null
    if (
      Array.isArray(parsed) &&
      parsed.length === 4 &&
      parsed.every((n) => Number.isSafeInteger(n) && n >= 0)
    )
      return parsed as Thresholds
  } catch {}
  return fallback
}

/** The partial indexes a recompute fills (migration 0703). */
const RFM_INDEXES = [
  'members_company_id_rfm_segment_index',
  'members_company_id_lifecycle_stage_index',
]

/**
 * RFM and lifecycle for a whole company, set-based (two UPDATE … FROM
 * statements, SQLite ≥ 3.33 and PostgreSQL):
 * - R, F, M are quintiles (NTILE(5), 5 best) of the last purchase time,
 *   the number of purchases and the amount paid inside the window;
 *   members without a purchase in the window get no segment;
 * - a score ≥ highScore is "high"; R/F/M high–low give the eight classic
 *   segments (重要价值 = all high … 一般挽留 = all low);
 * - lifecycle from the member's own order figures: 新客 (first purchase
 *   within newDays), 召回成功 (bought within activeDays after a gap longer
 *   than lostDays), 活跃 (bought within activeDays), 沉默 (within lostDays),
 *   流失 (longer ago).
 */
export class RecomputeRfm {
  async settings(companyId: number): Promise<RfmSettings> {
    const row = await db.from('member_rfm_settings').where('company_id', companyId).first()
    if (!row) return DEFAULT_RFM_SETTINGS
    const d = DEFAULT_RFM_SETTINGS
    return {
      windowDays: row.window_days,
      highScore: row.high_score,
      newDays: row.new_days,
      activeDays: row.active_days,
      lostDays: row.lost_days,
      scoring: row.scoring === 'thresholds' ? 'thresholds' : 'quintiles',
      rThresholds: thresholds(row.r_thresholds, d.rThresholds),
      fThresholds: thresholds(row.f_thresholds, d.fThresholds),
      mThresholds: thresholds(row.m_thresholds, d.mThresholds),
    }
  }

  static settingsRow(settings: RfmSettings) {
    return {
      window_days: settings.windowDays,
      high_score: settings.highScore,
      new_days: settings.newDays,
      active_days: settings.activeDays,
      lost_days: settings.lostDays,
      scoring: settings.scoring,
      r_thresholds: JSON.stringify(settings.rThresholds),
      f_thresholds: JSON.stringify(settings.fThresholds),
      m_thresholds: JSON.stringify(settings.mThresholds),
    }
  }

  async handle(companyId: number, now = DateTime.utc()) {
    const settings = await this.settings(companyId)
    const statuses = PURCHASE_STATUSES
    await db.transaction(async (trx) => {
      const at = (days: number) => toDbTime(now.minus({ days }), trx)!
      const differs = trx.dialect.name === 'postgres' ? 'is distinct from' : 'is not'
      const placeholders = PURCHASE_STATUSES.map(() => '?').join(', ')
      // Each buyer's purchases in the window, read from the orders once: clearing the
      // members without one read them a second time (on PostgreSQL a hash of the
      // window's 3.1M orders at 1M members / 10M orders, spilled to disk: 2.9–18.7 s,
      // most of the recompute's spread between runs). Created inside the
      // transaction, so a failed run leaves no table behind.
      await trx.rawQuery(
        `create temporary table rfm_window as
           select member_id, max(ordered_at) as last_at, count(*) as purchases, sum(paid_fen) as paid
           from orders
           where company_id = ? and member_id is not null and status in (${placeholders}) and ordered_at >= ?
           group by member_id`,
        [companyId, ...statuses, at(settings.windowDays)]
      )
      await trx.rawQuery('create unique index rfm_window_member on rfm_window (member_id)')
      // Temporary tables get no statistics from autovacuum; without them PostgreSQL
      // guesses their size. (On SQLite ANALYZE would create a temp.sqlite_stat1 that
      // hides the main one from the connection, and its plans need the index alone.)
      if (trx.dialect.name === 'postgres') await trx.rawQuery('analyze rfm_window')
      await trx.rawQuery(
        `update members set rfm_r = null, rfm_f = null, rfm_m = null, rfm_segment = null
         where company_id = ? and (rfm_segment is not null or rfm_r is not null)
           and not exists (select 1 from rfm_window w where w.member_id = members.id)`,
        [companyId]
      )
      await trx.rawQuery(
        `update members set lifecycle_stage = null
         where company_id = ? and lifecycle_stage is not null
           and (last_order_at is null or merged_into_id is not null)`,
        [companyId]
      )

      const segment = segmentCase(settings.highScore)
      // Quintiles rank members against each other; fixed thresholds score each on its own.
      const scoreBindings: (string | number)[] = []
      let scores: string
      if (settings.scoring === 'thresholds') {
        const threshold = thresholdScores(settings, at)
        scores = threshold.sql
        scoreBindings.push(...threshold.bindings)
      } else {
        scores = `ntile(5) over (order by last_at, member_id) as r,
                  ntile(5) over (order by purchases, member_id) as f,
                  ntile(5) over (order by paid, member_id) as m`
      }
      // Only rows whose values change are written: on a routine recompute most
      // members keep their scores, and rewriting every row (and every index on
      // members) is what made a recompute cost many times the GROUP BY.
      await trx.rawQuery(
        `update members set rfm_r = s.r, rfm_f = s.f, rfm_m = s.m, rfm_segment = ${segment}
         from (select member_id, ${scores} from rfm_window) as s
         where members.id = s.member_id
           and (members.rfm_r ${differs} s.r or members.rfm_f ${differs} s.f
             or members.rfm_m ${differs} s.m or members.rfm_segment ${differs} ${segment})`,
        scoreBindings
      )
      await trx.rawQuery('drop table rfm_window')

      const { sql: stage, bindings: stageBindings } = lifecycleStage(settings, at, trx.dialect.name)
      const eligible = 'company_id = ? and last_order_at is not null and merged_into_id is null'
      // The stage is written only where it changes; the expression in the SET is
      // evaluated again for those rows alone. (A derived table of stages joined
      // back on id cost PostgreSQL a second scan and a hash of every member, and
      // SQLite flattened it into a nested loop without an index.)
      await trx.rawQuery(
        `update members set lifecycle_stage = ${stage}
         where ${eligible} and lifecycle_stage ${differs} ${stage}`,
        [...stageBindings, companyId, ...stageBindings]
      )

      const exists = await trx.from('member_rfm_settings').where('company_id', companyId).first()
      const stamp = toDbTime(now, trx)
      if (exists)
        await trx
          .query()
          .from('member_rfm_settings')
          .where('id', exists.id)
          .update({ computed_at: stamp, updated_at: stamp })
      else
        await trx
          .insertQuery()
          .table('member_rfm_settings')
          .insert({
            company_id: companyId,
            ...RecomputeRfm.settingsRow(settings),
            computed_at: stamp,
            created_at: stamp,
            updated_at: stamp,
          })
      await this.storeSummary(trx, companyId)
    })
    if (db.connection().dialect.name === 'better-sqlite3') {
      // The segment and stage indexes are partial (set values only), so a recompute can
      // grow them from nothing to most members while the table keeps its size, and
      // SQLite re-gathers statistics only for tables that grew (config/database.ts). At
      // 1M members they still said 212 and 244 entries after the first recompute, and
      // the planner read a whole index and sorted it for a filtered list (0.3–1.3 s).
      // Both indexes again, whole: 0.1 s each at 1M members.
      for (const index of RFM_INDEXES) await db.rawQuery(`analyze "${index}"`)
    }
  }

  /**
   * Members and GMV (spend in the window) per segment, and members per
   * lifecycle stage, as of the last computation (`storeSummary`); counted
   * now for a company whose scores were never stored with them.
   */
  async summary(companyId: number) {
    const row = await db
      .from('member_rfm_settings')
      .where('company_id', companyId)
      .select('summary')
      .first()
    const counts: SummaryCounts = row?.summary
      ? JSON.parse(row.summary)
      : await this.count(db.connection(), companyId)
    const totalSpent = counts.segments.reduce((sum, segment) => sum + segment.spentFen, 0)
    const bySegment = new Map(counts.segments.map((segment) => [segment.code, segment]))
    const byStage = new Map(counts.stages.map((stage) => [stage.code, stage.members]))
    return {
      segments: RFM_SEGMENTS.map((code) => {
        const spent = bySegment.get(code)?.spentFen ?? 0
        return {
          code,
          members: bySegment.get(code)?.members ?? 0,
          spentFen: spent,
          share: totalSpent ? spent / totalSpent : 0,
        }
      }),
      stages: LIFECYCLE_STAGES.map((code) => ({ code, members: byStage.get(code) ?? 0 })),
    }
  }

  /**
   * Counts the summary and stores it with the scores. Every run that changes
   * segments or stages ends with this (the full run in its transaction, the
   * incremental one after its last chunk); the page then reads one row.
   */
  async storeSummary(client: QueryClientContract, companyId: number) {
    const counts = await this.count(client, companyId)
    await client
      .from('member_rfm_settings')
      .where('company_id', companyId)
      .update({ summary: JSON.stringify(counts) })
  }

  private async count(client: QueryClientContract, companyId: number): Promise<SummaryCounts> {
    const segments = await client
      .from('members')
      .where('company_id', companyId)
      .whereNotNull('rfm_segment')
      .groupBy('rfm_segment')
      .select('rfm_segment')
      .count('* as members')
      .sum('spent_fen as spent')
    const stages = await client
      .from('members')
      .where('company_id', companyId)
      .whereNotNull('lifecycle_stage')
      .groupBy('lifecycle_stage')
      .select('lifecycle_stage')
      .count('* as members')
    return {
      segments: segments.map((row: any) => ({
        code: row.rfm_segment,
        members: Number(row.members),
        spentFen: Number(row.spent ?? 0),
      })),
      stages: stages.map((row: any) => ({
        code: row.lifecycle_stage,
        members: Number(row.members),
      })),
    }
  }
}

/** What `storeSummary` keeps: the counts as grouped, before shares and missing segments. */
interface SummaryCounts {
  segments: Array<{ code: string; members: number; spentFen: number }>
  stages: Array<{ code: string; members: number }>
}
