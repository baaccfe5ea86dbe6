import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import Task from '#app/collaboration/models/task'
import TaskStatus from '#app/collaboration/models/task_status'
import { createStaff } from '#tests/support/staff'
import { pageWidth, signIn, signedInOnPhone, waitForClientScripts } from '#tests/support/browser'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

test.group('Browser: collaboration', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a card moves by drag and drop and by the keyboard select, and stays moved', async ({
    browserContext,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project, company } = await projectOf(manager)
    const task = await addTask(project, manager, { title: '主图设计' })
    const doing = await TaskStatus.query()
      .where({ companyId: company.id, key: 'doing' })
      .firstOrFail()
    const done = await TaskStatus.query()
      .where({ companyId: company.id, key: 'done' })
      .firstOrFail()

    const page = await browserContext.newPage()
    await signIn(page, manager.email)
    await page.assertPath('/')
    await page.goto(`/projects/${project.id}/board`)
    await waitForClientScripts(page)
    const card = `[data-testid="card-${task.id}"]`
    await page.locator(`[data-testid="column-todo"] ${card}`).waitFor()

    await page.dragAndDrop(card, '[data-testid="column-doing"]')
    await page.locator(`[data-testid="column-doing"] ${card}`).waitFor()
    await task.refresh()
    assert.equal(task.statusId, doing.id)

    // Keyboard path: focus the select, choose 已完成, press the move button.
    await page.locator(`${card} select[name="statusId"]`).selectOption(String(done.id))
    await page.locator(`[data-testid="move-${task.id}"]`).press('Enter')
    await page.locator(`[data-testid="column-done"] ${card}`).waitFor()
    await task.refresh()
    assert.equal(task.statusId, done.id)
    assert.isNotNull(task.completedAt)

    await page.reload()
    await page.locator(`[data-testid="column-done"] ${card}`).waitFor()
  })

  test('completing a task from My Day, in English', async ({ browserContext, assert }) => {
    const manager = await createStaff('manager')
    const me = await createStaff('operator', { locale: 'en' })
    const { project } = await projectOf(manager)
    const today = DateTime.now().setZone(ZONE).toISODate()!
    const task = await addTask(project, manager, {
      title: '客服话术',
      assigneeId: me.id,
      dueDate: today,
    })

    const page = await browserContext.newPage()
    await signIn(page, me.email)
    await page.assertPath('/')
    await page.goto('/my-day')
    await waitForClientScripts(page)
    await page.assertTextContains('h1', 'My day')
    // The bell loads its unread count through htmx after the page: one assignment.
    await page.locator('[data-testid="unread-count"]').waitFor()
    await page.assertTextContains('[data-testid="unread-count"]', '1')
    await page.assertTextContains('[data-testid="my-day-today"]', '客服话术')
    await page.locator(`[data-testid="complete-${task.id}"]`).click()
    await page.locator(`[data-testid="my-day-done-${task.id}"]`).waitFor()
    await page.assertTextContains(`[data-testid="my-day-done-${task.id}"]`, 'Completed')
    await page.assertPath('/my-day')
    await task.refresh()
    assert.isNotNull(task.completedAt)
    const reloaded = await Task.findOrFail(task.id)
    assert.isNotNull(reloaded.completedAt)
  })

  test('on a phone (390x844) My Day fits the screen and a task completes with a tap', async ({
    browserContext,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const me = await createStaff('operator')
    const { project } = await projectOf(manager)
    const today = DateTime.now().setZone(ZONE).toISODate()!
    const task = await addTask(project, manager, {
      title: '直播间布置与灯光检查（长标题在手机上要能换行）',
      assigneeId: me.id,
      dueDate: today,
    })
    const { phone, page } = await signedInOnPhone(browserContext, me.email)
    await page.goto('/my-day')
    await waitForClientScripts(page)
    assert.isAtMost(await pageWidth(page), 390)
    await page.locator(`[data-testid="complete-${task.id}"]`).tap()
    await page.locator(`[data-testid="my-day-done-${task.id}"]`).waitFor()
    await task.refresh()
    assert.isNotNull(task.completedAt)
    await phone.close()
  })
})
