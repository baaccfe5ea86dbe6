/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Each domain module declares its own routes in app/<domain>/routes.ts;
| this file only loads them, so the route table mirrors the app's layout.
|
*/

import '#app/identity/routes'
import '#app/dashboard/routes'
import '#app/shared/audit/routes'
import '#app/shared/queue/routes'
import '#app/operations/routes'
import '#app/members/routes'
import '#app/collaboration/routes'
import '#app/loyalty/routes'
import '#app/coupons/routes'
import '#app/benefits/routes'
import '#app/commerce/routes'
import '#app/api/routes'
import '#app/plugins/routes'
