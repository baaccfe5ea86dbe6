import type { RfmSettings, Thresholds } from '#app/members/actions/recompute_rfm'

/**
 * The RFM and lifecycle scoring expressions, shared by the full recompute
 * (RecomputeRfm) and the incremental one (IncrementalRfm) so both score a
 * member the same way.
 */

/** The eight classic segments from s.r, s.f, s.m (a score ≥ high is "high"). */
export function segmentCase(high: number) {
  return `case
        when s.r >= ${high} and s.f >= ${high} and s.m >= ${high} then 'important_value'
        when s.r >= ${high} and s.f < ${high} and s.m >= ${high} then 'important_develop'
        when s.r < ${high} and s.f >= ${high} and s.m >= ${high} then 'important_keep'
        when s.r < ${high} and s.f < ${high} and s.m >= ${high} then 'important_retain'
        when s.r >= ${high} and s.f >= ${high} then 'general_value'
        when s.r >= ${high} then 'general_develop'
        when s.f >= ${high} then 'general_keep'
        else 'general_retain' end`
}

/**
 * Fixed-threshold scores r, f, m from last_at, purchases and paid; `at(days)`
 * is the SQL time `days` before now.
 */
export function thresholdScores(settings: RfmSettings, at: (days: number) => string) {
  const [r1, r2, r3, r4] = settings.rThresholds.map((days) => at(days))
  const up = (column: string, cuts: Thresholds) =>
    `(1 + ${cuts.map(() => `case when ${column} >= ? then 1 else 0 end`).join(' + ')})`
  return {
    sql: `case when last_at >= ? then 5 when last_at >= ? then 4
                       when last_at >= ? then 3 when last_at >= ? then 2 else 1 end as r,
                  ${up('purchases', settings.fThresholds)} as f,
                  ${up('paid', settings.mThresholds)} as m`,
    bindings: [r1, r2, r3, r4, ...settings.fThresholds, ...settings.mThresholds] as (
      string | number
    )[],
  }
}

/**
 * The lifecycle stage of `members` (a row of the members table in scope),
 * from its order figures alone. 召回成功: the last purchase is recent and
 * the one before it (previous_order_at, MemberStats) lies more than lostDays
 * earlier. Read from the orders, one index probe per recent buyer, this check
 * cost a full recompute 5–6 s at 1M members / 10M orders on PostgreSQL.
 */
export function lifecycleStage(
  settings: RfmSettings,
  at: (days: number) => string,
  dialect: string
) {
  const lastMinusLost =
    dialect === 'postgres'
      ? `last_order_at - interval '${settings.lostDays} days'`
      : `datetime(last_order_at, '-${settings.lostDays} days')`
  const sql = `case
          when first_order_at >= ? then 'new'
          when last_order_at >= ? and previous_order_at < ${lastMinusLost} then 'recalled'
          when last_order_at >= ? then 'active'
          when last_order_at >= ? then 'silent'
          else 'lost' end`
  const bindings = [
    at(settings.newDays),
    at(settings.activeDays),
    at(settings.activeDays),
    at(settings.lostDays),
  ]
  return { sql, bindings }
}
