import { defineJob } from '#app/shared/queue/define_job'
import Company from '#app/organization/models/company'
import { DailyReminders } from '#app/collaboration/actions/daily_reminders'

/** Every morning (company zone): due-today and late-blocker notifications and the daily digest. */
export const dailyRemindersJob = defineJob<Record<string, never>>({
  name: 'collaboration.daily_reminders',
  maxAttempts: 3,
  async handle({ progress }) {
    const companies = await Company.query().select('id', 'timezone')
    const totals = { dueSoon: 0, blockerLate: 0, digests: 0 }
    for (const [index, company] of companies.entries()) {
      const counts = await new DailyReminders().handle(company.id, company.timezone)
      totals.dueSoon += counts.dueSoon
      totals.blockerLate += counts.blockerLate
      totals.digests += counts.digests
      await progress(index + 1, companies.length)
    }
    return totals
  },
})
