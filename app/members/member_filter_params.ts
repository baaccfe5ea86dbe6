import { withoutEmptyValues } from '#app/shared/http/query_string'

/**
 * The member list's filters as they travel in a query string or a form, so
 * that an export, a coupon batch or a segment started from a filtered list
 * carries exactly that filter (the page cursor stays behind).
 */
export const MEMBER_FILTER_KEYS = [
  'name',
  'phone',
  'province',
  'city',
  'tag',
  'shop',
  'category',
  'product',
  'tier',
  'minPoints',
  'maxPoints',
  'attribute',
  'attributeValue',
  'attributeMin',
  'attributeMax',
  'segment',
  'savedSegment',
  'lifecycle',
  'minSpent',
  'maxSpent',
  'minOrders',
  'maxOrders',
  'lastOrderFrom',
  'lastOrderTo',
  'lastOrderWithinDays',
  'lastOrderOverDays',
] as const

/** The filter keys present and non-empty in `input`; `sort` too when asked. */
export function memberFilterParams(
  input: Record<string, unknown>,
  options: { withSort?: boolean } = {}
): Record<string, unknown> {
  const keys: readonly string[] = options.withSort
    ? [...MEMBER_FILTER_KEYS, 'sort']
    : MEMBER_FILTER_KEYS
  return withoutEmptyValues(Object.fromEntries(keys.map((key) => [key, input[key]])))
}
