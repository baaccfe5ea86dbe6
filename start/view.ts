import { DateTime } from 'luxon'
import edge from 'edge.js'
import { Money } from '#app/shared/kernel/money'

/** Globals every template may use. Dates are formatted through the user's zone (see RequestContextMiddleware). */
edge.global('DateTime', DateTime)

/** Integer fen as ¥1,234.50 — the one way pages show money. */
edge.global('formatMoney', (fen: number | string | null | undefined) =>
  Money.fen(Number(fen ?? 0)).format()
)
