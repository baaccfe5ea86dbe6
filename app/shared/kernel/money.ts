/**
 * Money, one way: an integer number of fen (分). Never a float: amounts are
 * parsed from text straight into fen and split with integer arithmetic.
 */
export class Money {
  private constructor(readonly fen: number) {}

  static fen(fen: number): Money {
    if (!Number.isSafeInteger(fen)) throw new RangeError(`Money needs whole fen, got ${fen}`)
    return new Money(fen)
  }

  static zero = new Money(0)

  /**
   * Parses what people and spreadsheets write: `1,234.50`, `¥12`, `￥ 12.3`,
   * full-width digits, a leading minus. Null when it is not an amount or
   * has more than two decimals (we never round money silently).
   */
  static parseYuan(input: string | number | null | undefined): Money | null {
    if (input === null || input === undefined) return null
    const text = String(input)
      .replace(/[０-９．，－]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
      .replace(/[¥￥元\s]/g, '')
      .replace(/,/g, '')
    const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text)
    if (!match) return null
    const [, minus, whole, decimals = ''] = match
    const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'))
    if (!Number.isSafeInteger(fen)) return null
    return new Money(minus ? -fen : fen)
  }

  plus(other: Money): Money {
    return Money.fen(this.fen + other.fen)
  }

  minus(other: Money): Money {
    return Money.fen(this.fen - other.fen)
  }

  /** this × numerator / denominator, rounded half away from zero to the fen. */
  times(numerator: number, denominator = 1): Money {
    return Money.fen(roundHalfAwayFromZero(this.fen * numerator, denominator))
  }

  /**
   * Splits into parts proportional to `weights` that add up to exactly this
   * amount (largest remainder; ties go to the earlier part). Used for an
   * order's paid amount across its items, or a partial refund.
   */
  allocate(weights: number[]): Money[] {
    return allocateInteger(this.fen, weights).map((fen) => new Money(fen))
  }

  isNegative() {
    return this.fen < 0
  }

  /** ¥1,234.50 */
  format(): string {
    const sign = this.fen < 0 ? '-' : ''
    const abs = Math.abs(this.fen)
    const whole = Math.floor(abs / 100).toLocaleString('en-US')
    return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`
  }

  /** 1234.50 — for CSV files and inputs. */
  toYuanString(): string {
    const sign = this.fen < 0 ? '-' : ''
    const abs = Math.abs(this.fen)
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
  }

  toJSON() {
    return this.fen
  }
}

export function roundHalfAwayFromZero(numerator: number, denominator: number): number {
  if (denominator === 0) throw new RangeError('Division by zero')
  const sign = Math.sign(numerator) * Math.sign(denominator)
  const n = Math.abs(numerator)
  const d = Math.abs(denominator)
  const quotient = Math.floor(n / d)
  const remainder = n - quotient * d
  return sign * (remainder * 2 >= d ? quotient + 1 : quotient)
}

/** Integer split proportional to non-negative weights, summing exactly to `total` (largest remainder). */
export function allocateInteger(total: number, weights: number[]): number[] {
  if (weights.length === 0) return []
  if (weights.some((weight) => weight < 0 || !Number.isFinite(weight))) {
    throw new RangeError('Weights must be non-negative numbers')
  }
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0) {
    // Nothing to weigh by: equal shares.
    return allocateInteger(
      total,
      weights.map(() => 1)
    )
  }
  const sign = total < 0 ? -1 : 1
  const abs = Math.abs(total)
  const exact = weights.map((weight) => (abs * weight) / sum)
  const shares = exact.map((value) => Math.floor(value))
  let left = abs - shares.reduce((a, b) => a + b, 0)
  const order = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index)
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) shares[order[i].index]++
  return shares.map((share) => share * sign)
}
