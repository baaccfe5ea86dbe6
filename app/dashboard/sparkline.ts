/**
 * An SVG path through `values`, scaled into width × height, for the small
 * trend lines on cards: drawn on the server, no chart library needed.
 */
export function sparklinePath(values: number[], width: number, height: number): string {
  if (values.length === 0) return ''
  const max = Math.max(...values, 1)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  return values
    .map((value, i) => {
      const x = (i * step).toFixed(1)
      const y = (height - (value / max) * height).toFixed(1)
      return `${i === 0 ? 'M' : 'L'}${x} ${y}`
    })
    .join(' ')
}
