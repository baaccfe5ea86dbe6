import app from '@adonisjs/core/services/app'
import { mkdir, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import Company from '#app/organization/models/company'
import Shop from '#app/organization/models/shop'

/** A company with a Tmall, a JD and an offline shop, as the demo has. */
export async function createCompanyWithShops() {
  const company = await Company.create({
    name: '测试服饰',
    timezone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
  })
  const [tmall, jd, store] = await Shop.createMany([
    { companyId: company.id, name: '天猫旗舰店', platform: 'tmall', timezone: 'Asia/Shanghai' },
    { companyId: company.id, name: '京东店', platform: 'jd', timezone: 'Asia/Shanghai' },
    { companyId: company.id, name: '湖滨门店', platform: 'offline', timezone: 'Asia/Shanghai' },
  ])
  return { company, tmall, jd, store }
}

export async function countRows(table: string): Promise<number> {
  const [row] = await db.from(table).count('* as n')
  return Number(row.n)
}

/** A CSV file with this content under tmp/test-imports, for the import tests. */
export async function csvFile(content: string): Promise<string> {
  const dir = app.tmpPath('test-imports')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${randomUUID()}.csv`
  await writeFile(path, content)
  return path
}
