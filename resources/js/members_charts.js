/**
 * RFM and lifecycle distribution charts (Apache ECharts, bundled by Vite —
 * nothing from a CDN). Each `[data-echarts]` element carries its data as
 * JSON; clicking a bar or slice opens the member list filtered by it.
 * Loaded only on pages that have a chart (see app.js). The tables next to
 * the charts stay the accessible, no-JS version of the same figures.
 */
import * as echarts from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

const yuan = (fen) => (fen / 100).toLocaleString(undefined, { maximumFractionDigits: 0 })

function option(spec) {
  const { kind, rows, labels } = spec
  if (kind === 'pie') {
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: rows.map((row) => ({ name: row.label, value: row.members, code: row.code })),
        },
      ],
    }
  }
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (value) => value,
    },
    legend: { bottom: 0 },
    // Room above the plot for the two axis names (会员数, 消费金额).
    grid: { left: 8, right: 8, top: 36, bottom: 40, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.label),
      axisLabel: { interval: 0, rotate: 30 },
    },
    yAxis: [
      { type: 'value', name: labels.members },
      { type: 'value', name: labels.gmv, axisLabel: { formatter: yuan } },
    ],
    series: [
      { name: labels.members, type: 'bar', data: rows.map((row) => row.members) },
      {
        name: labels.gmv,
        type: 'bar',
        yAxisIndex: 1,
        data: rows.map((row) => row.spentFen),
        tooltip: { valueFormatter: yuan },
      },
    ],
  }
}

for (const element of document.querySelectorAll('[data-echarts]')) {
  const spec = JSON.parse(element.dataset.echarts)
  const chart = echarts.init(element)
  chart.setOption(option(spec))
  chart.on('click', (event) => {
    const row = spec.rows[event.dataIndex]
    if (!row) return
    const url = new URL(spec.listUrl, window.location.origin)
    url.searchParams.set(spec.param, row.code)
    window.location.assign(url.toString())
  })
  window.addEventListener('resize', () => chart.resize())
}
