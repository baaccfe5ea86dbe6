import type { HttpContext } from '@adonisjs/core/http'
import { PERMISSIONS, ROLES, roleAllows } from '#app/identity/roles'

/** Settings → Roles: the permission matrix, read-only. */
export default class PermissionsController {
  async show({ view }: HttpContext) {
    return view.render('pages/identity/permissions', {
      roles: ROLES,
      permissions: PERMISSIONS,
      roleAllows,
    })
  }
}
