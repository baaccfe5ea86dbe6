import Company from '#app/organization/models/company'

/**
 * The company this install serves. Quanzi is self-hosted: one install, one
 * company (its shops are what varies), so every module asks here rather
 * than carrying a tenant id through each request.
 */
export async function currentCompany(): Promise<Company> {
  return Company.query().orderBy('id').firstOrFail()
}

/** Like `currentCompany`, for commands that run before `node ace setup`. */
export async function findCurrentCompany(): Promise<Company | null> {
  return Company.query().orderBy('id').first()
}
