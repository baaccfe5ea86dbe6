import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import type { Permission } from '#app/identity/roles'

/**
 * A card on the dashboard (工作台). Each module contributes the cards it
 * owns — business figures, my tasks today, points liability … — by
 * registering them in start/dashboard.ts; the dashboard shows the cards
 * the user's role may see, in `order`.
 */
export interface DashboardCard<Data = unknown> {
  id: string
  permission: Permission
  /** Lower first; cards with equal order keep registration order. */
  order: number
  /** 'wide' spans the whole row on large screens. */
  size?: 'normal' | 'wide'
  /** The Edge component that renders `data`. */
  component: string
  load(ctx: HttpContext): Promise<Data>
}

export interface LoadedCard {
  id: string
  size: 'normal' | 'wide'
  component: string
  data: unknown
  failed: boolean
}

export class DashboardCardRegistry {
  #cards = new Map<string, DashboardCard<any>>()

  register<Data>(card: DashboardCard<Data>) {
    if (this.#cards.has(card.id)) throw new Error(`Dashboard card "${card.id}" registered twice`)
    this.#cards.set(card.id, card)
  }

  /**
   * Loads the cards the user may see, side by side. A card whose query
   * fails shows as unavailable; it never takes the dashboard down with it.
   */
  async load(ctx: HttpContext): Promise<LoadedCard[]> {
    const user = ctx.auth.user!
    const visible = [...this.#cards.values()]
      .filter((card) => user.can(card.permission))
      .sort((a, b) => a.order - b.order)
    return Promise.all(
      visible.map(async (card) => {
        const base = { id: card.id, size: card.size ?? 'normal', component: card.component }
        try {
          return { ...base, data: await card.load(ctx), failed: false }
        } catch (error) {
          logger.error({ err: error, card: card.id }, 'dashboard card failed')
          return { ...base, data: null, failed: true }
        }
      })
    )
  }
}

export const dashboardCards = new DashboardCardRegistry()
