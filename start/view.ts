import { DateTime } from 'luxon'
import edge from 'edge.js'

/** Globals every template may use. Dates are formatted through the user's zone (see RequestContextMiddleware). */
edge.global('DateTime', DateTime)
