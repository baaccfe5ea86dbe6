/**
 * Spaces sends to one provider so this process never exceeds its declared
 * rate: each caller takes the next free slot (1 / rate seconds apart) and
 * waits for it. Per process; with several workers, give each a share of
 * the provider's limit (docs/plugins.md).
 */
const nextSlot = new Map<string, number>()

export async function takeSlot(provider: string, ratePerSecond: number) {
  const interval = 1000 / Math.max(ratePerSecond, 0.001)
  const now = Date.now()
  const slot = Math.max(now, nextSlot.get(provider) ?? 0)
  nextSlot.set(provider, slot + interval)
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now))
}
