import type { PluginKeyValueStore } from './index.js'

/**
 * SKU mappings of an ERP whose mapping query, like its order query, only
 * answers rows modified within a time window (聚水潭 `skumap/query`: 7 days;
 * 旺店通 `vip_api_goods_query`: 30 days). They are kept in the plugin's
 * key–value store and brought up to date at each read: the first read walks
 * back `historyDays`, later ones only the time since the previous read (with
 * an overlap, as the ERP writes late changes with past timestamps). Shared by
 * the bundled 聚水潭 and 旺店通 connectors.
 */
export interface ErpSkuLink {
  /** What identifies the listing the mapping belongs to (e.g. shop + online code). */
  key: string
  /** The ERP's SKU code; empty when the listing is linked to nothing. */
  erpSku: string
  /** The shop's SKU code (the online listing's 商家编码). */
  skuCode: string
}

interface Stored {
  readUntil: string
  links: Record<string, { erpSku: string; skuCode: string }>
}

export async function readErpSkuMappings(options: {
  kv: PluginKeyValueStore
  /** The store key; one per reading (e.g. per shop filter). */
  key: string
  now: Date
  historyDays: number
  windowMinutes: number
  overlapMinutes?: number
  /** Every row modified in [from, to], all pages. */
  readWindow: (from: Date, to: Date) => Promise<ErpSkuLink[]>
}): Promise<Array<{ erpSku: string; skuCode: string }>> {
  const stored = await options.kv.get<Stored>(options.key)
  const overlapMs = (options.overlapMinutes ?? 10) * 60_000
  const end = options.now.getTime()
  let from = stored
    ? Date.parse(stored.readUntil) - overlapMs
    : end - options.historyDays * 24 * 3600_000
  const links = { ...stored?.links }
  while (from < end) {
    const to = Math.min(end, from + options.windowMinutes * 60_000)
    for (const link of await options.readWindow(new Date(from), new Date(to))) {
      // A listing's newest row wins: one linked to nothing any more drops its mapping.
      if (link.erpSku && link.skuCode && link.erpSku !== link.skuCode) {
        links[link.key] = { erpSku: link.erpSku, skuCode: link.skuCode }
      } else {
        delete links[link.key]
      }
    }
    from = to
  }
  // Saved only once every window was read: a failed read starts again where the last one ended.
  await options.kv.set(options.key, {
    readUntil: options.now.toISOString(),
    links,
  } satisfies Stored)
  return Object.values(links)
}
