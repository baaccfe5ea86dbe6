/*
|--------------------------------------------------------------------------
| HTTP kernel
|--------------------------------------------------------------------------
|
| Server middleware runs on every request; router middleware on every
| request that matches a route; named middleware where routes ask for it.
|
*/

import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#app/shared/errors/handler'))

server.use([
  () => import('#app/shared/middleware/request_log_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  () => import('@adonisjs/vite/vite_middleware'),
])

router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('@adonisjs/session/session_middleware'),
  () => import('@adonisjs/shield/shield_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#app/shared/middleware/silent_auth_middleware'),
  () => import('#app/shared/middleware/initialize_bouncer_middleware'),
  () => import('#app/shared/middleware/detect_user_locale_middleware'),
  () => import('#app/shared/middleware/request_context_middleware'),
])

export const middleware = router.named({
  guest: () => import('#app/shared/middleware/guest_middleware'),
  auth: () => import('#app/shared/middleware/auth_middleware'),
  can: () => import('#app/shared/middleware/require_permission_middleware'),
})
