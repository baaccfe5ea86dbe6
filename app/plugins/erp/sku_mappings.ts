import type { ErpConnector } from '#app/plugins/sdk/index'

/**
 * A connector's SKU mappings (商品对应关系): the ERP's SKU code (商家编码 in
 * the ERP) against the shop's SKU code in Quanzi. Read once per sync run
 * or stock push; a code without a mapping is the same on both sides.
 */
export class SkuMappings {
  /** ERP SKU → shop SKU. */
  #toShop = new Map<string, string>()
  /** Shop SKU → ERP SKU, for the shop SKUs one ERP SKU only maps to. */
  #toErp = new Map<string, string>()
  /** Shop SKUs several ERP SKUs map to: a stock push cannot tell which to set. */
  #ambiguous = new Set<string>()

  constructor(mappings: Array<{ erpSku: string; skuCode: string }> = []) {
    for (const { erpSku, skuCode } of mappings) {
      const erp = String(erpSku ?? '').trim()
      const shop = String(skuCode ?? '').trim()
      if (!erp || !shop) continue
      const known = this.#toShop.get(erp)
      if (known !== undefined && known !== shop) {
        // Importing such an item would have to guess its SKU: refuse the whole mapping.
        throw new Error(`SKU mapping conflict: ERP SKU ${erp} maps to both ${known} and ${shop}`)
      }
      this.#toShop.set(erp, shop)
      const erpKnown = this.#toErp.get(shop)
      if (erpKnown !== undefined && erpKnown !== erp) this.#ambiguous.add(shop)
      else this.#toErp.set(shop, erp)
    }
  }

  /** The connector's mappings; none when it declares no `skuMappings`. */
  static async load(
    connector: ErpConnector,
    beforeCall: () => Promise<void>
  ): Promise<SkuMappings> {
    if (!connector.skuMappings) return new SkuMappings()
    await beforeCall()
    return new SkuMappings(await connector.skuMappings())
  }

  get size() {
    return this.#toShop.size
  }

  /** The shop's SKU code for an ERP SKU code on an imported order line. */
  toShop(erpSku: string): string {
    return this.#toShop.get(erpSku) ?? erpSku
  }

  /** The ERP's SKU code for a shop SKU in a stock push. */
  toErp(skuCode: string): string {
    if (this.#ambiguous.has(skuCode)) {
      throw new Error(`SKU ${skuCode} is mapped to several ERP SKUs: set their stock in the ERP`)
    }
    return this.#toErp.get(skuCode) ?? skuCode
  }
}
