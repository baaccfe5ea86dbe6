/**
 * Luxon's default zone is UTC in every process (web, worker, ace, tests),
 * so what is stored is UTC whatever the server's own TZ is.
 */
import '#app/shared/kernel/time'
