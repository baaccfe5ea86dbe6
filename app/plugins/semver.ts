/**
 * The subset of semver ranges plugin.json uses for `host`: exact versions,
 * comparators (`>=`, `>`, `<=`, `<`, `=`), caret and tilde ranges, `x`
 * wildcards, `*`, space-separated intersections and `||` unions.
 * Pre-release tags are compared but never satisfy a range without one.
 */
type Version = [number, number, number, string]

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/
const PARTIAL = /^v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:-([0-9A-Za-z.-]+))?$/

export function parseVersion(input: string): Version | null {
  const match = VERSION.exec(input.trim())
  if (!match) return null
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] ?? '']
}

export function isVersion(input: string): boolean {
  return parseVersion(input) !== null
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  if (a[3] === b[3]) return 0
  if (a[3] === '') return 1
  if (b[3] === '') return -1
  return a[3] < b[3] ? -1 : 1
}

type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: Version }

function wildcard(part: string | undefined) {
  return part === undefined || part === 'x' || part === '*'
}

/** One range term (`^1.2.3`, `>=1`, `1.x`) as comparators; null when malformed. */
function expand(term: string): Comparator[] | null {
  const match = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(term)
  if (!match) return null
  const op = match[1] ?? ''
  const partial = PARTIAL.exec(match[2])
  if (!partial) return null
  if (wildcard(partial[1])) return op === '' || op === '>=' || op === '=' ? [] : null
  const major = Number(partial[1])
  const minor = wildcard(partial[2]) ? null : Number(partial[2])
  const patch = wildcard(partial[3]) ? null : Number(partial[3])
  const pre = partial[4] ?? ''
  const low: Version = [major, minor ?? 0, patch ?? 0, pre]
  const bump = (m: number, n: number, p: number): Version => [m, n, p, '0']

  if (op === '^') {
    const upper =
      major > 0 || minor === null
        ? bump(major + 1, 0, 0)
        : minor > 0 || patch === null
          ? bump(major, minor + 1, 0)
          : bump(major, minor, patch + 1)
    return [
      { op: '>=', version: low },
      { op: '<', version: upper },
    ]
  }
  if (op === '~') {
    const upper = minor === null ? bump(major + 1, 0, 0) : bump(major, minor + 1, 0)
    return [
      { op: '>=', version: low },
      { op: '<', version: upper },
    ]
  }
  if (op === '' || op === '=') {
    if (minor === null)
      return [
        { op: '>=', version: low },
        { op: '<', version: bump(major + 1, 0, 0) },
      ]
    if (patch === null)
      return [
        { op: '>=', version: low },
        { op: '<', version: bump(major, minor + 1, 0) },
      ]
    return [{ op: '=', version: low }]
  }
  if ((op === '<=' || op === '>') && (minor === null || patch === null)) {
    // `<=1.2` means below 1.3; `>1.2` means from 1.3.
    const next = minor === null ? bump(major + 1, 0, 0) : bump(major, minor + 1, 0)
    return [{ op: op === '<=' ? '<' : '>=', version: next }]
  }
  return [{ op: op as Comparator['op'], version: low }]
}

function parseRange(range: string): Comparator[][] | null {
  const sets: Comparator[][] = []
  for (const alternative of range.split('||')) {
    const terms = alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
    if (terms.length === 0) {
      sets.push([])
      continue
    }
    const set: Comparator[] = []
    for (const term of terms) {
      const comparators = expand(term)
      if (!comparators) return null
      set.push(...comparators)
    }
    sets.push(set)
  }
  return sets
}

export function isValidRange(range: string): boolean {
  return range.trim().length > 0 && parseRange(range) !== null
}

function test(version: Version, comparator: Comparator): boolean {
  const order = compare(version, comparator.version)
  switch (comparator.op) {
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    case '>':
      return order > 0
    case '>=':
      return order >= 0
    case '=':
      return order === 0
  }
}

/** Whether `version` satisfies `range`. Malformed input never satisfies. */
export function satisfies(version: string, range: string): boolean {
  if (!isValidRange(range)) return false
  const parsed = parseVersion(version)
  const sets = parseRange(range)
  if (!parsed || !sets) return false
  return sets.some((set) => {
    if (!set.every((comparator) => test(parsed, comparator))) return false
    if (parsed[3] === '') return true
    // A pre-release only matches a comparator on the same major.minor.patch with a pre-release.
    return set.some(
      (c) =>
        c.version[3] !== '' &&
        c.version[3] !== '0' &&
        c.version[0] === parsed[0] &&
        c.version[1] === parsed[1] &&
        c.version[2] === parsed[2]
    )
  })
}
