/**
 * What staff typed, made safe inside a LIKE pattern: `%`, `_` and the
 * escape character itself match as text (use with `escape '\'`). A bare
 * `%` typed into a search listed everybody.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&')
}
