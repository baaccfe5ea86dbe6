/**
 * The whole client side of Quanzi: htmx for server round-trips, Alpine for
 * small islands of state. Both come from npm and are bundled by Vite, so an
 * intranet without internet access serves everything itself.
 */
import htmx from 'htmx.org'
import Alpine from 'alpinejs'

window.htmx = htmx
window.Alpine = Alpine

/** Every htmx request carries the CSRF token from the page's meta tag. */
document.addEventListener('htmx:config:request', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
  const headers = event.detail?.ctx?.request?.headers
  if (token && headers) headers['X-CSRF-TOKEN'] = token
})

Alpine.start()

/** Charts only where a page has one: Vite splits ECharts into its own chunk. */
if (document.querySelector('[data-echarts]')) import('./members_charts.js')
