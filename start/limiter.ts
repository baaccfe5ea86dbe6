/*
|--------------------------------------------------------------------------
| HTTP limiters
|--------------------------------------------------------------------------
|
| /api/v1 is limited per access token (per IP before authentication), so
| one script cannot starve the others. Login throttling lives in
| AuthenticateStaff, where it can tell an account from an IP.
|
*/

import limiter from '@adonisjs/limiter/services/main'
import env from '#start/env'

export const apiThrottle = limiter.define('api', (ctx) => {
  const token = ctx.auth.use('api').user?.currentAccessToken
  const key = token ? `api_token_${token.identifier}` : `api_ip_${ctx.request.ip()}`
  return limiter.allowRequests(env.get('API_RATE_LIMIT', 600)).every('1 minute').usingKey(key)
})
