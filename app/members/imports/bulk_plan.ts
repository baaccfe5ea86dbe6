import type { Phone } from '#app/shared/kernel/phone'

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
