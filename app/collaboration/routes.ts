import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

const num = router.matchers.number()
const c = controllers.collaboration

/**
 * 协同: projects, tasks, board, my day, list, activity, notifications.
 * Reading needs `tasks.view`; changing needs `tasks.edit`. Who may touch a
 * given (private) project is decided by ProjectAccess in the actions.
 */
router
  .group(() => {
    router
      .group(() => {
        router.get('/my-day', [c.MyDay, 'show']).as('collaboration.my_day')
        router.get('/projects', [c.Projects, 'index']).as('collaboration.projects.index')
        router
          .get('/projects/:id', [c.Projects, 'show'])
          .as('collaboration.projects.show')
          .where('id', num)
        router
          .get('/projects/:id/board', [c.Boards, 'show'])
          .as('collaboration.board')
          .where('id', num)
        router.get('/tasks', [c.TaskList, 'index']).as('collaboration.tasks.index')
        router.get('/tasks/:id', [c.Tasks, 'show']).as('collaboration.tasks.show').where('id', num)
        router.get('/activity', [c.Activity, 'index']).as('collaboration.activity')
        router.get('/team', [c.Team, 'show']).as('collaboration.team')
        router.get('/workload', [c.ProjectCharts, 'workload']).as('collaboration.workload')
        router
          .get('/projects/:id/burndown', [c.ProjectCharts, 'burndown'])
          .as('collaboration.burndown')
          .where('id', num)
        router
          .get('/projects/:id/timeline', [c.ProjectCharts, 'timeline'])
          .as('collaboration.timeline')
          .where('id', num)
        router.get('/templates', [c.Templates, 'index']).as('collaboration.templates.index')
        router
          .get('/templates/:id', [c.Templates, 'show'])
          .as('collaboration.templates.show')
          .where('id', num)
        router
          .get('/templates/:id/export', [c.Templates, 'export'])
          .as('collaboration.templates.export')
          .where('id', num)
        router.post('/task-filters', [c.TaskList, 'saveFilter']).as('collaboration.filters.store')
        router
          .post('/task-filters/:id/delete', [c.TaskList, 'destroyFilter'])
          .as('collaboration.filters.destroy')
          .where('id', num)
        router
          .get('/tasks/:id/attachments/:attachmentId', [c.TaskAttachments, 'show'])
          .as('collaboration.attachments.show')
          .where('id', num)
          .where('attachmentId', num)
        router
          .post('/tasks/:id/watch', [c.Tasks, 'watch'])
          .as('collaboration.tasks.watch')
          .where('id', num)
        router
          .post('/tasks/:id/unwatch', [c.Tasks, 'unwatch'])
          .as('collaboration.tasks.unwatch')
          .where('id', num)
      })
      .use(middleware.can('tasks.view'))

    router
      .group(() => {
        router.post('/projects', [c.Projects, 'store']).as('collaboration.projects.store')
        router
          .post('/projects/:id', [c.Projects, 'update'])
          .as('collaboration.projects.update')
          .where('id', num)
        router
          .post('/templates/import', [c.Templates, 'import'])
          .as('collaboration.templates.import')
        router
          .post('/templates/:id/instantiate', [c.Templates, 'instantiate'])
          .as('collaboration.templates.instantiate')
          .where('id', num)
        router
          .post('/projects/:id/save-as-template', [c.Templates, 'saveFromProject'])
          .as('collaboration.templates.save')
          .where('id', num)
        router
          .post('/projects/:id/recurring', [c.Projects, 'addRecurring'])
          .as('collaboration.recurring.store')
          .where('id', num)
        router
          .post('/projects/:id/recurring/:ruleId/stop', [c.Projects, 'stopRecurring'])
          .as('collaboration.recurring.stop')
          .where('id', num)
          .where('ruleId', num)
        router
          .post('/projects/:id/tasks', [c.Tasks, 'store'])
          .as('collaboration.tasks.store')
          .where('id', num)
        router
          .post('/tasks/:id', [c.Tasks, 'update'])
          .as('collaboration.tasks.update')
          .where('id', num)
        router
          .post('/tasks/:id/move', [c.Tasks, 'move'])
          .as('collaboration.tasks.move')
          .where('id', num)
        router
          .post('/tasks/:id/complete', [c.Tasks, 'complete'])
          .as('collaboration.tasks.complete')
          .where('id', num)
        router
          .post('/tasks/:id/checklist', [c.Tasks, 'addChecklistItem'])
          .as('collaboration.checklist.store')
          .where('id', num)
        router
          .post('/tasks/:id/checklist/:itemId', [c.Tasks, 'toggleChecklistItem'])
          .as('collaboration.checklist.toggle')
          .where('id', num)
          .where('itemId', num)
        router
          .post('/tasks/:id/attachments', [c.TaskAttachments, 'store'])
          .as('collaboration.attachments.store')
          .where('id', num)
        router
          .post('/tasks/:id/attachments/:attachmentId/remove', [c.TaskAttachments, 'destroy'])
          .as('collaboration.attachments.destroy')
          .where('id', num)
          .where('attachmentId', num)
        router
          .post('/tasks/:id/blockers', [c.Tasks, 'addBlocker'])
          .as('collaboration.blockers.store')
          .where('id', num)
        router
          .post('/tasks/:id/blockers/:blockerId/remove', [c.Tasks, 'removeBlocker'])
          .as('collaboration.blockers.destroy')
          .where('id', num)
          .where('blockerId', num)
        router
          .post('/tasks/:id/comments', [c.TaskComments, 'store'])
          .as('collaboration.comments.store')
          .where('id', num)
        // 删除: a confirm step (GET) and the deletion (POST); who may is checked in DeleteWork.
        router
          .get('/projects/:id/delete', [c.Deletions, 'confirmProject'])
          .as('collaboration.projects.confirm_delete')
          .where('id', num)
        router
          .post('/projects/:id/delete', [c.Deletions, 'destroyProject'])
          .as('collaboration.projects.destroy')
          .where('id', num)
        router
          .get('/tasks/:id/delete', [c.Deletions, 'confirmTask'])
          .as('collaboration.tasks.confirm_delete')
          .where('id', num)
        router
          .post('/tasks/:id/delete', [c.Deletions, 'destroyTask'])
          .as('collaboration.tasks.destroy')
          .where('id', num)
        router
          .get('/tasks/:id/comments/:commentId/delete', [c.Deletions, 'confirmComment'])
          .as('collaboration.comments.confirm_delete')
          .where('id', num)
          .where('commentId', num)
        router
          .post('/tasks/:id/comments/:commentId/delete', [c.Deletions, 'destroyComment'])
          .as('collaboration.comments.destroy')
          .where('id', num)
          .where('commentId', num)
      })
      .use(middleware.can('tasks.edit'))

    router
      .group(() => {
        router.get('/', [c.TaskStatuses, 'index']).as('collaboration.statuses.index')
        router.post('/', [c.TaskStatuses, 'store']).as('collaboration.statuses.store')
        router
          .post('/:id', [c.TaskStatuses, 'update'])
          .as('collaboration.statuses.update')
          .where('id', num)
      })
      .prefix('/settings/task-statuses')
      .use(middleware.can('tasks.manage'))

    router
      .group(() => {
        router.get('/', [c.Holidays, 'index']).as('collaboration.holidays.index')
        router.post('/', [c.Holidays, 'store']).as('collaboration.holidays.store')
        router
          .post('/:id/delete', [c.Holidays, 'destroy'])
          .as('collaboration.holidays.destroy')
          .where('id', num)
      })
      .prefix('/settings/holidays')
      .use(middleware.can('tasks.manage'))

    router
      .group(() => {
        router
          .get('/templates/:id/edit', [c.Templates, 'edit'])
          .as('collaboration.templates.edit')
          .where('id', num)
        router
          .post('/templates/:id/edit', [c.Templates, 'update'])
          .as('collaboration.templates.update')
          .where('id', num)
      })
      .use(middleware.can('tasks.manage'))

    router.get('/notifications', [c.Notifications, 'index']).as('collaboration.notifications.index')
    router
      .get('/notifications/unread', [c.Notifications, 'unread'])
      .as('collaboration.notifications.unread')
    router
      .get('/notifications/:id', [c.Notifications, 'open'])
      .as('collaboration.notifications.open')
      .where('id', num)
    router
      .post('/notifications/read', [c.Notifications, 'readAll'])
      .as('collaboration.notifications.read_all')
  })
  .use(middleware.auth())

/** /api/v1 (token guard, rate limit, JSON errors); documented in docs/openapi.json. */
apiV1(() => {
  const api = c.ApiCollaboration
  router
    .group(() => {
      router.get('/projects', [api, 'projects']).as('api.projects.index')
      router.get('/tasks', [api, 'tasks']).as('api.tasks.index')
      router.get('/templates', [api, 'templates']).as('api.templates.index')
      router
        .get('/templates/:id/export', [api, 'exportTemplate'])
        .as('api.templates.export')
        .where('id', num)
    })
    .use(middleware.can('tasks.view'))
  router
    .group(() => {
      router.post('/projects/:id/tasks', [api, 'createTask']).as('api.tasks.store').where('id', num)
      router.patch('/tasks/:id', [api, 'updateTask']).as('api.tasks.update').where('id', num)
      router.delete('/tasks/:id', [api, 'deleteTask']).as('api.tasks.destroy').where('id', num)
      router.post('/projects', [api, 'createProject']).as('api.projects.store')
      router
        .patch('/projects/:id', [api, 'updateProject'])
        .as('api.projects.update')
        .where('id', num)
      router
        .delete('/projects/:id', [api, 'deleteProject'])
        .as('api.projects.destroy')
        .where('id', num)
      router
        .post('/tasks/:id/complete', [api, 'completeTask'])
        .as('api.tasks.complete')
        .where('id', num)
      router.post('/templates/import', [api, 'importTemplate']).as('api.templates.import')
      router.post('/projects/from-template', [api, 'fromTemplate']).as('api.projects.from_template')
    })
    .use(middleware.can('tasks.edit'))
})
