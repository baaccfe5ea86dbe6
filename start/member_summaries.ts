/*
|--------------------------------------------------------------------------
| Member summaries
|--------------------------------------------------------------------------
|
| What other modules add to a member as /api/v1 returns it (see
| app/members/api/member_summaries.ts): members never imports them.
|
*/

import { memberSummaries } from '#app/members/api/member_summaries'
import { loyaltySummaryFor } from '#app/loyalty/services/loyalty_queries'

memberSummaries.register('loyalty', async (member) => {
  const { available, pending, tier } = await loyaltySummaryFor(member.id)
  return { points: { available, pending }, tier }
})
