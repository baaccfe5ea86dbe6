import { allocateInteger } from '#app/shared/kernel/money'

/**
 * Points (积分), one way: whole numbers. Earning rates that produce
 * fractions state their rounding where they are defined (the loyalty
 * rules), never here.
 */
export class Points {
  private constructor(readonly value: number) {}

  static of(value: number): Points {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Points must be whole, got ${value}`)
    return new Points(value)
  }

  static zero = new Points(0)

  plus(other: Points): Points {
    return Points.of(this.value + other.value)
  }

  minus(other: Points): Points {
    return Points.of(this.value - other.value)
  }

  /** Split proportionally to weights, summing exactly (e.g. a partial refund's reversal per lot). */
  allocate(weights: number[]): Points[] {
    return allocateInteger(this.value, weights).map((value) => new Points(value))
  }

  isNegative() {
    return this.value < 0
  }

  toJSON() {
    return this.value
  }
}
