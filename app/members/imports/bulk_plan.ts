import { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { Phone } from '#app/shared/kernel/phone'
import { ResolveMember, type IdentityInput } from '#app/members/actions/resolve_member'
import type { ImportContext } from '#app/members/imports/importer'
import { toDbTime } from '#app/shared/kernel/db_values'
import { whereInText } from '#app/shared/kernel/bulk_insert'

export type Identity = ReturnType<typeof ResolveMember.normalise>[number]

/**
 * The loop of the set-based member and order imports. Units are planned in
 * file order while the loaded state can decide them; the first one it
 * cannot decide writes the pending plan (so the state is current), gets one
 * more try on a fresh plan, and otherwise goes through the per-unit path,
 * after which its rows are loaded again. Ids therefore come out as the
 * per-unit path would give them.
 */
export async function planInFileOrder<Unit, Plan>(
  units: Unit[],
  steps: {
    newPlan(): Plan
    /** Adds the unit to the plan; false when the loaded state cannot decide it. */
    plan(unit: Unit, plan: Plan): boolean
    /** Writes the plan; `rest` are the units after it (reloaded if the write falls back). */
    flush(plan: Plan, rest: Unit[]): Promise<void>
    /** The per-unit path, for one unit. */
    fallback(unit: Unit): Promise<void>
    load(units: Unit[]): Promise<void>
  }
) {
  let plan = steps.newPlan()
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]
    if (steps.plan(unit, plan)) continue
    await steps.flush(plan, units.slice(i))
    plan = steps.newPlan()
    if (steps.plan(unit, plan)) continue
    await steps.fallback(unit)
    await steps.load([unit])
  }
  await steps.flush(plan, [])
}

/** A blind index per phone seen in one batch: a repeat buyer's phone is hashed once. */
export function blindIndexCache() {
  const hashes = new Map<string, string>()
  return (phone: Phone) => {
    let hash = hashes.get(phone.digits)
    if (hash === undefined) hashes.set(phone.digits, (hash = phone.blindIndex))
    return hash
  }
}

/** Keys per lookup query (under SQLite's and PostgreSQL's bound-parameter limits). */
export const LOOKUP_CHUNK = 2000

/**
 * Rows of `table` named by shop and a platform number (`column`), looked up
 * LOOKUP_CHUNK numbers at a time; each with its shop. `forget` is called
 * first for every number asked, so what is not found is known to be absent.
 */
export async function rowsByShopNumber(
  client: QueryClientContract,
  table: 'orders' | 'refunds',
  column: 'platform_order_no' | 'platform_refund_no',
  numbers: Map<number, Set<string>>,
  columns: string[],
  forget: (shopId: number, no: string) => void = () => {}
): Promise<Array<{ shopId: number; row: any }>> {
  const found: Array<{ shopId: number; row: any }> = []
  for (const [shopId, set] of numbers) {
    const list = [...set]
    for (const no of list) forget(shopId, no)
    for (let i = 0; i < list.length; i += LOOKUP_CHUNK) {
      const query = client.from(table).where('shop_id', shopId)
      const rows = await whereInText(query, column, list.slice(i, i + LOOKUP_CHUNK), client).select(
        column,
        ...columns
      )
      for (const row of rows) found.push({ shopId, row })
    }
  }
  return found
}

/** Units taken by each path, and bulk writes that failed (for tests and diagnostics). */
export interface BulkCounters {
  fast: number
  fallback: number
  failedWrites: number
}

/**
 * What the set-based member and order imports share: the batch's clock,
 * the identities each unit names (normalised once, phones hashed once per
 * batch) and the run — load, then plan in file order (`planInFileOrder`).
 */
export abstract class OneIdBulkImport<
  Unit,
  Plan,
  Callbacks extends { fallback: (unit: Unit) => Promise<void> },
> {
  protected now: string | null = null
  private blindIndex = blindIndexCache()
  private normalised = new WeakMap<object, Identity[] | null>()

  constructor(
    protected context: ImportContext,
    protected client: QueryClientContract
  ) {}

  protected abstract counters(): BulkCounters
  protected abstract newPlan(): Plan
  /** Adds the unit to the plan; false when the loaded state cannot decide it. */
  protected abstract plan(unit: Unit, plan: Plan): boolean
  protected abstract flush(plan: Plan, callbacks: Callbacks, rest: Unit[]): Promise<void>
  protected abstract load(units: Unit[]): Promise<void>

  async run(units: Unit[], callbacks: Callbacks) {
    this.now = toDbTime(DateTime.utc(), this.client)
    await this.load(units)
    await planInFileOrder(units, {
      newPlan: () => this.newPlan(),
      plan: (unit, plan) => this.plan(unit, plan),
      flush: (plan, rest) => this.flush(plan, callbacks, rest),
      fallback: async (unit) => {
        this.counters().fallback++
        await callbacks.fallback(unit)
      },
      load: (rest) => this.load(rest),
    })
  }

  /** The identities a unit names, normalised (`normalisedIdentities`); null: unusable. */
  protected abstract identitiesOf(unit: Unit): Identity[] | null

  /**
   * The stored identities the units name (one query per type and chunk of
   * keys), with their key `type:value`; `forget` is called first for every
   * key asked, so what is not found is known to be absent.
   */
  protected async storedIdentities(
    units: Unit[],
    columns: string[],
    forget: (key: string) => void
  ): Promise<Array<{ key: string; row: any }>> {
    const byType = new Map<string, Set<string>>()
    for (const unit of units) {
      for (const identity of this.identitiesOf(unit) ?? []) {
        if (!byType.has(identity.type)) byType.set(identity.type, new Set())
        byType.get(identity.type)!.add(identity.value)
      }
    }
    const found: Array<{ key: string; row: any }> = []
    for (const [type, values] of byType) {
      const list = [...values]
      for (const value of list) forget(`${type}:${value}`)
      for (let i = 0; i < list.length; i += LOOKUP_CHUNK) {
        const rows = await this.client
          .from('member_identities')
          .where('company_id', this.context.companyId)
          .where('type', type)
          .whereIn('value', list.slice(i, i + LOOKUP_CHUNK))
          .select('value', 'member_id', ...columns)
        for (const row of rows) found.push({ key: `${type}:${row.value}`, row })
      }
    }
    return found
  }

  /**
   * The identities `given` normalised, remembered per unit; null when one
   * cannot be read, or when some were given and none is usable.
   */
  protected normalisedIdentities(unit: object, given: IdentityInput[]): Identity[] | null {
    if (!this.normalised.has(unit)) {
      let list: Identity[] | null
      try {
        list = ResolveMember.normalise(given, this.blindIndex)
        if (given.length && !list.length) list = null
      } catch {
        list = null
      }
      this.normalised.set(unit, list)
    }
    return this.normalised.get(unit)!
  }
}
