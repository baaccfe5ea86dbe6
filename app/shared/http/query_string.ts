/**
 * A query string without its empty values, for the validators of GET filter
 * forms. A browser submits every field of a form, the unused ones as `key=`
 * (an empty select, number or date field), which a validator refuses; an
 * empty field means "any".
 */
export function withoutEmptyValues(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(
      ([, value]) => value !== '' && value !== null && value !== undefined
    )
  )
}
