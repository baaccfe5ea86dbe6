import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { randomUUID } from 'node:crypto'
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { ExecuteImport } from '#app/members/actions/execute_import'
import Import from '#app/members/models/import'
import { JobInterrupted } from '#app/shared/queue/define_job'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

const HEADER =
  'shop,order_no,status,ordered_at,paid_at,paid_amount,phone,sku_code,title,quantity,price'

/**
 * Twelve one-line orders of twelve buyers, with a bad date on line 4, a
 * negative amount on line 9 and a short line 12: nine import, three are
 * rejected, spread over the batches of three orders the tests commit.
 */
function ordersFile() {
  const lines = [HEADER]
  for (let i = 1; i <= 12; i++) {
    const line = i + 1
    const at = line === 4 ? '2024-02-30 10:00:00' : `2024-03-${String(i).padStart(2, '0')} 10:00:00`
    const amount = line === 9 ? '-5.00' : '99.00'
    lines.push(
      line === 12
        ? `天猫旗舰店,RS-${i},交易成功`
        : `天猫旗舰店,RS-${i},交易成功,${at},${at},${amount},1370000${String(i).padStart(4, '0')},SKU-${i},商品${i},1,${amount}`
    )
  }
  return lines.join('\n')
}

async function recordFor(companyId: number, content: string) {
  const dir = app.tmpPath('test-imports')
  await mkdir(dir, { recursive: true })
  const filePath = `${dir}/${randomUUID()}.csv`
  await writeFile(filePath, content)
  return new ExecuteImport().record({
    companyId,
    kind: 'orders',
    fileName: 'orders.csv',
    filePath,
    requestedById: null,
  })
}

const ordersOf = (companyId: number) =>
  db.from('orders').where('company_id', companyId).orderBy('platform_order_no')

/** The line numbers a rejects file names, in its order (its header left out). */
async function rejectedLines(importId: number) {
  const text = await readFile(ExecuteImport.rejectsPathFor(importId), 'utf8')
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('\uFEFF'))
    .map((line) => line.split(',')[0])
}

test.group('Members / import / stopped part-way', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an import stopped after a batch is queued again and continues where it stopped', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const record = await recordFor(company.id, ordersFile())
    const stopping = new AbortController()

    let batches = 0
    await assert.rejects(
      () =>
        new ExecuteImport().handle(record, {
          batchSize: 3,
          signal: stopping.signal,
          onProgress: () => {
            // The shutdown arrives as the first batch (lines 2–5) has committed.
            batches++
            stopping.abort(new JobInterrupted())
          },
        }),
      /stopping/
    )
    await record.refresh()
    assert.equal(record.status, 'queued')
    assert.isNull(record.error)
    assert.equal(batches, 1, 'no batch is started once the stop has come')
    assert.equal(record.checkpointRows, 4)
    assert.deepInclude(record.serialize(), { rows: 4, inserted: 3, rejected: 1 })
    assert.lengthOf(await ordersOf(company.id), 3)

    const summary = await new ExecuteImport().handle(record, { batchSize: 3 })
    await record.refresh()
    assert.equal(record.status, 'succeeded')
    assert.isNull(record.checkpointRows)
    assert.deepInclude(summary, { rows: 12, inserted: 9, updated: 0, duplicates: 0, rejected: 3 })
    assert.deepInclude(record.serialize(), { rows: 12, inserted: 9, duplicates: 0, rejected: 3 })
    const orders = await ordersOf(company.id)
    assert.lengthOf(orders, 9, 'no order is written twice')
    assert.deepEqual(
      await rejectedLines(record.id),
      ['4', '9', '12'],
      'each rejected line once, in file order'
    )
  })

  test('a failed attempt resumes from its last committed batch, dropping rejects written after it', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const record = await recordFor(company.id, ordersFile())

    let batches = 0
    await assert.rejects(
      () =>
        new ExecuteImport().handle(record, {
          batchSize: 3,
          onProgress: () => {
            if (++batches === 2) throw new Error('the disk is full')
          },
        }),
      /disk is full/
    )
    await record.refresh()
    assert.equal(record.status, 'failed')
    assert.equal(record.error, 'the disk is full')
    assert.equal(record.checkpointRows, 7)
    // What a batch that never committed would have left in the rejects file.
    await appendFile(ExecuteImport.rejectsPathFor(record.id), '99,,uncommitted,\r\n')

    const summary = await new ExecuteImport().handle(record, { batchSize: 3 })
    assert.deepInclude(summary, { rows: 12, inserted: 9, duplicates: 0, rejected: 3 })
    assert.lengthOf(await ordersOf(company.id), 9)
    assert.deepEqual(await rejectedLines(record.id), ['4', '9', '12'])
  })

  test('an import without a checkpoint starts from the first row with zeroed counts', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const record = await recordFor(company.id, ordersFile())
    record.merge({ rows: 40, inserted: 40 })
    await record.save()

    // As the job loads it.
    const summary = await new ExecuteImport().handle(await Import.findOrFail(record.id))
    assert.deepInclude(summary, { rows: 12, inserted: 9, rejected: 3 })
    await record.refresh()
    assert.deepInclude(record.serialize(), { rows: 12, inserted: 9, rejected: 3 })
    assert.isNull(record.checkpointRows, 'a finished import leaves no checkpoint behind')
  })
})
