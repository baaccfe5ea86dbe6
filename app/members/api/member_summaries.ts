import type Member from '#app/members/models/member'

/**
 * The seam through which other modules add fields to a member as the API
 * returns it, without members importing them. Loyalty registers its
 * `points` and `tier` here once it lands, e.g. in a preload file:
 *
 *   memberSummaries.register('loyalty', async (member) => {
 *     const { points, tier } = await loyaltySummaryFor(member.id)
 *     return { points, tier }
 *   })
 *
 * Each contributor's fields are merged into the serialized member; a
 * contributor that throws is left out (logged by the caller) rather than
 * failing the lookup.
 */
export type MemberSummaryContributor = (member: Member) => Promise<Record<string, unknown>>

class MemberSummaries {
  #contributors = new Map<string, MemberSummaryContributor>()

  register(name: string, contributor: MemberSummaryContributor) {
    this.#contributors.set(name, contributor)
  }

  unregister(name: string) {
    this.#contributors.delete(name)
  }

  async for(member: Member): Promise<Record<string, unknown>> {
    const fields: Record<string, unknown> = {}
    for (const contributor of this.#contributors.values()) {
      try {
        Object.assign(fields, await contributor(member))
      } catch {
        // One module's failure must not break the member lookup ERP connectors depend on.
      }
    }
    return fields
  }
}

export const memberSummaries = new MemberSummaries()
