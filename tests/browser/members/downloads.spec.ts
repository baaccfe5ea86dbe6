import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { readFile, writeFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import queue from '#app/shared/queue/queue'
import { createStaff } from '#tests/support/staff'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import { signIn } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/**
 * Files staff download from a page: the body boosts links with htmx, so a
 * download link must leave the boost (or htmx would swap the CSV into the
 * page and no file would arrive).
 */
test.group('Browser: downloads', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an import’s rejects file and the benefits use report arrive as files', async ({
    browserContext,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const admin = await createStaff('admin')
    await new ManageBenefits().create(
      company.id,
      { name: '每月包邮', kind: 'free_shipping', quota: 2, period: 'month' },
      admin
    )
    const page = await browserContext.newPage()
    await signIn(page, admin.email)

    const path = app.tmpPath('browser-import.csv')
    await writeFile(path, 'phone,name,city\n13812345678,下载甲,杭州市\nnot-a-phone,下载乙,杭州市\n')
    await page.goto('/imports')
    await page.selectOption('#kind', 'members')
    await page.setInputFiles('#file', path)
    await Promise.all([
      page.waitForURL(/\/imports\/preview/),
      page.click('[data-testid="import-upload"] button[type="submit"]'),
    ])
    await Promise.all([
      page.waitForURL(/\/imports\/\d+$/),
      page.click('[data-testid="run-import"]'),
    ])
    // Tests run jobs when asked (the in-process queue does not run them on its own here).
    await queue.drain()
    // No reload: the summary polls until the import ends, then shows its counts and the file.
    await page.waitForSelector('[data-testid="import-summary"][data-status="succeeded"]', {
      timeout: 15000,
    })
    assert.include(await page.locator('[data-testid="import-counts"]').innerText(), '拒绝 1')
    await page.waitForSelector('[data-testid="download-rejects"]', { timeout: 5000 })
    const [rejects] = await Promise.all([
      page.waitForEvent('download', { timeout: 10000 }),
      page.click('[data-testid="download-rejects"]'),
    ])
    const text = await readFile((await rejects.path())!, 'utf8')
    assert.include(text, '3,phone,invalid_phone')

    await page.goto('/benefits')
    const [usage] = await Promise.all([
      page.waitForEvent('download', { timeout: 10000 }),
      page.click('[data-testid="benefit-usage-csv"]'),
    ])
    assert.equal(usage.suggestedFilename(), 'benefit-usage.csv')
  })
})
