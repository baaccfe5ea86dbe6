import type { ApplicationService } from '@adonisjs/core/types'

export interface BenchContext {
  app: ApplicationService
  /** `--name=value` flags after the suite name. */
  flags?: Record<string, string>
  /** Prints `<suite>.<figure>: <value> <unit>`. */
  report: (figure: string, value: number, unit: string) => void
}

/** Per-operation timings (ms) → percentile. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)]
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint()
  const result = await fn()
  return [result, Number(process.hrtime.bigint() - started) / 1e6]
}
