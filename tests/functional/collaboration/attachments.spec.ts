import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { mkdir, writeFile } from 'node:fs/promises'
import TaskAttachment from '#app/collaboration/models/task_attachment'
import { createStaff } from '#tests/support/staff'
import { addTask, projectOf } from '#tests/functional/collaboration/fixtures'

async function tmpFile(name: string, content: string) {
  const dir = app.tmpPath('collaboration-tests')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${name}`
  await writeFile(path, content)
  return path
}

test.group('Collaboration / attachments', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    drive.fake('fs')
    return () => drive.restore('fs')
  })

  test('upload, download and remove an attachment; viewers download but do not upload', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const viewer = await createStaff('viewer')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    const path = await tmpFile('brief.txt', '主图要求：白底 800x800')

    const upload = await client
      .post(`/tasks/${task.id}/attachments`)
      .file('file', path, { filename: '主图需求.txt' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    upload.assertStatus(302)
    const attachment = await TaskAttachment.findByOrFail('taskId', task.id)
    assert.equal(attachment.fileName, '主图需求.txt')
    assert.notInclude(attachment.diskKey, '主图')
    assert.isTrue(await drive.use().exists(attachment.diskKey))
    const activity = await db
      .from('collaboration_activities')
      .where({ task_id: task.id, verb: 'task.attachment_added' })
      .first()
    assert.exists(activity)

    const page = await client.get(`/tasks/${task.id}`).loginAs(viewer)
    page.assertTextIncludes('主图需求.txt')
    const download = await client
      .get(`/tasks/${task.id}/attachments/${attachment.id}`)
      .loginAs(viewer)
    download.assertStatus(200)
    download.assertHeader('content-type', 'application/octet-stream')
    assert.include(download.header('content-disposition'), 'attachment')
    const body = download.body()
    assert.equal(Buffer.from(body).toString('utf8'), '主图要求：白底 800x800')

    const refused = await client
      .post(`/tasks/${task.id}/attachments`)
      .file('file', path)
      .withCsrfToken()
      .loginAs(viewer)
    refused.assertStatus(403)

    await client
      .post(`/tasks/${task.id}/attachments/${attachment.id}/remove`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.isNull(await TaskAttachment.find(attachment.id))
    assert.isFalse(await drive.use().exists(attachment.diskKey))
  })

  test('a file of a refused type is not stored', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    const path = await tmpFile('evil.html', '<script>alert(1)</script>')
    const response = await client
      .post(`/tasks/${task.id}/attachments`)
      .file('file', path)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    assert.isNull(await TaskAttachment.findBy('taskId', task.id))
  })
})
