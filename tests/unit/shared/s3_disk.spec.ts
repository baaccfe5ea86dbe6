import { test } from '@japa/runner'
import { Disk } from 'flydrive'
import drive from '@adonisjs/drive/services/main'
import { S3Driver } from 'flydrive/drivers/s3'
import { s3DiskOptions } from '#app/shared/storage/s3_disk'
import { FakeS3 } from '#tests/fakes/s3/server'

function diskFor(fake: FakeS3, secret = fake.secretAccessKey) {
  return new Disk(
    new S3Driver(
      s3DiskOptions({
        bucket: fake.bucket,
        region: fake.region,
        endpoint: fake.url,
        accessKeyId: fake.accessKeyId,
        secretAccessKey: secret,
        forcePathStyle: true,
      })
    )
  )
}

test.group('Drive / S3-compatible disk against a signature-checking fake', (group) => {
  const fake = new FakeS3()
  group.setup(async () => {
    await fake.start()
    return () => fake.stop()
  })
  group.each.setup(() => {
    fake.objects.clear()
    fake.requests.length = 0
  })

  test('put, get, exists and delete an object with SigV4-signed requests', async ({ assert }) => {
    const disk = diskFor(fake)
    // Keys are ASCII (TaskAttachments never puts the uploaded name in them).
    const key = 'collaboration/tasks/42/0b9c3e1a-5f0d-4c55-9d1e-6f1f2a7b8c9d.txt'
    await disk.put(key, '主图要求：白底 800x800', { contentType: 'text/plain; charset=utf-8' })
    assert.equal(fake.objects.get(key)?.body.toString('utf8'), '主图要求：白底 800x800')
    assert.equal(await disk.get(key), '主图要求：白底 800x800')
    assert.isTrue(await disk.exists(key))
    await disk.delete(key)
    assert.isFalse(fake.objects.has(key))
    assert.isFalse(await disk.exists(key))
    // Every request reached the store signed correctly (none was refused with 403).
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['PUT', 'GET', 'HEAD', 'DELETE', 'HEAD']
    )
    assert.isTrue(fake.requests.every((r) => r.status !== 403))
  })

  test('a wrong secret is refused by the signature check and nothing is stored', async ({
    assert,
  }) => {
    const disk = diskFor(fake, 'not-the-secret')
    await assert.rejects(() => disk.put('collaboration/x.txt', 'x'))
    assert.equal(fake.objects.size, 0)
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [403]
    )
  })

  test('the fake itself refuses unsigned and tampered requests', async ({ assert }) => {
    const disk = diskFor(fake)
    await disk.put('a.txt', 'original')
    const unsigned = await fetch(`${fake.url}/${fake.bucket}/a.txt`)
    assert.equal(unsigned.status, 403)
    assert.include(await unsigned.text(), 'AccessDenied')
    // A signed header changed after signing no longer matches.
    const date = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')
    const forged = await fetch(`${fake.url}/${fake.bucket}/a.txt`, {
      method: 'DELETE',
      headers: {
        'x-amz-date': date,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'authorization': `AWS4-HMAC-SHA256 Credential=${fake.accessKeyId}/${date.slice(0, 8)}/${fake.region}/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
    })
    assert.equal(forged.status, 403)
    assert.include(await forged.text(), 'SignatureDoesNotMatch')
    assert.isTrue(fake.objects.has('a.txt'))
  })

  test('config/drive.ts offers the s3 disk (DRIVE_DISK=s3) next to the local one', ({ assert }) => {
    assert.instanceOf(drive.use('s3').driver, S3Driver)
  })
})
