import { test } from '@japa/runner'
import { GroupCommit, type GroupOutcome } from '#app/shared/kernel/group_commit'

/** A group commit whose commits are recorded and answered by `answer`. */
function recording(answer: (items: number[]) => Promise<GroupOutcome<number>[]>) {
  const batches: number[][] = []
  const group = new GroupCommit<number, number>(async (items) => {
    batches.push(items)
    return answer(items)
  })
  return { group, batches }
}

const doubled = async (items: number[]) =>
  items.map((item): GroupOutcome<number> => ({ ok: true, value: item * 2 }))

test.group('GroupCommit', () => {
  test('items submitted in the same tick are committed together, each caller gets its own result', async ({
    assert,
  }) => {
    const { group, batches } = recording(doubled)
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit(item)))
    assert.deepEqual(results, [2, 4, 6, 8, 10])
    assert.deepEqual(batches, [[1, 2, 3, 4, 5]])
  })

  test('items submitted while a batch runs form the next batch', async ({ assert }) => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { group, batches } = recording(async (items) => {
      if (items[0] === 1) await gate
      return doubled(items)
    })
    const first = group.submit(1)
    await new Promise((resolve) => setImmediate(resolve))
    // The first batch is running (waiting at the gate): these three wait for it.
    const next = [group.submit(2), group.submit(3), group.submit(4)]
    release()
    assert.deepEqual(await Promise.all([first, ...next]), [2, 4, 6, 8])
    assert.deepEqual(batches, [[1], [2, 3, 4]])
  })

  test('a batch holds at most maxBatch items; the rest follow in the next batches', async ({
    assert,
  }) => {
    const batches: number[][] = []
    const group = new GroupCommit<number, number>(async (items) => {
      batches.push(items)
      return doubled(items)
    }, 4)
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => group.submit(i)))
    assert.deepEqual(
      results,
      Array.from({ length: 10 }, (_, i) => i * 2)
    )
    assert.deepEqual(batches, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ])
  })

  test('one failed item rejects alone; a failed commit rejects its whole batch', async ({
    assert,
  }) => {
    const { group } = recording(async (items) =>
      items.map((item): GroupOutcome<number> =>
        item === 3 ? { ok: false, error: new Error('bad item 3') } : { ok: true, value: item }
      )
    )
    const settled = await Promise.allSettled([1, 2, 3, 4].map((item) => group.submit(item)))
    assert.deepEqual(
      settled.map((result) => result.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']
    )

    let failures = 1
    const failing = new GroupCommit<number, number>(async (items) => {
      if (failures-- > 0) throw new Error('commit failed')
      return doubled(items)
    })
    const all = await Promise.allSettled([1, 2].map((item) => failing.submit(item)))
    assert.isTrue(all.every((result) => result.status === 'rejected'))
    // The group keeps working after a failed batch.
    assert.equal(await failing.submit(7), 14)
  })
})
