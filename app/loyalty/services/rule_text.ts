import { DomainError } from '#app/shared/errors/domain_error'
import { ITEM_RULE_SCOPES, type ItemRule } from '#app/loyalty/services/earning_rules'

interface ShopName {
  id: number
  name: string
}

/**
 * SKU / category / shop rules as staff type them, one per line:
 * `sku:QZ-1 200`, `category:酒水 0` (0 = excluded), `shop:天猫旗舰店 150`.
 * Shops are named; they are stored by id.
 */
export function parseItemRules(text: string | null | undefined, shops: ShopName[]): ItemRule[] {
  const rules: ItemRule[] = []
  const lines = (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
  for (const [index, line] of lines.entries()) {
    const match = /^(sku|category|shop)\s*[:：]\s*(.+?)\s+(\d{1,5})\s*%?$/i.exec(line)
    const fail = () =>
      new DomainError('E_RULE_INVALID', 'loyalty.errors.item_rule_line', 422, {
        line: index + 1,
        text: line,
      })
    if (!match) throw fail()
    const scope = match[1].toLowerCase() as ItemRule['scope']
    if (!ITEM_RULE_SCOPES.includes(scope)) throw fail()
    let value = match[2].trim()
    if (scope === 'shop') {
      const shop = shops.find((s) => s.name === value || String(s.id) === value)
      if (!shop) throw fail()
      value = String(shop.id)
    }
    rules.push({ scope, match: value, percent: Number(match[3]) })
  }
  return rules
}

export function formatItemRules(rules: ItemRule[] | undefined, shops: ShopName[]): string {
  return (rules ?? [])
    .map((rule) => {
      const value =
        rule.scope === 'shop'
          ? (shops.find((s) => String(s.id) === rule.match)?.name ?? rule.match)
          : rule.match
      return `${rule.scope}:${value} ${rule.percent}`
    })
    .join('\n')
}
