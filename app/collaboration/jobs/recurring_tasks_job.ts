import { defineJob } from '#app/shared/queue/define_job'
import Company from '#app/organization/models/company'
import { RecurringTasks } from '#app/collaboration/actions/recurring_tasks'

/** Every morning before the reminders: today's occurrences of recurring tasks, never twice. */
export const recurringTasksJob = defineJob<Record<string, never>>({
  name: 'collaboration.recurring_tasks',
  maxAttempts: 3,
  async handle({ progress }) {
    const companies = await Company.query().select('id', 'timezone')
    let created = 0
    for (const [index, company] of companies.entries()) {
      const result = await new RecurringTasks(company.timezone).generate(company.id)
      created += result.created
      await progress(index + 1, companies.length)
    }
    return { created }
  },
})
