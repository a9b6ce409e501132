// Tests the summary statistics against values worked out by hand.
import {describe, expect, it} from 'vitest'
import {coefficientOfVariation, marginOfError, median, quantile, standardDeviation} from '../../src/core/stats.js'

describe('stats', () => {
  it('computes median and interpolated quantiles', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([1, 2, 3, 4])).toBe(2.5)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1)
    expect(Number.isNaN(median([]))).toBe(true)
  })

  it('computes sample standard deviation, margin of error and CV', () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9]
    expect(standardDeviation(values)).toBeCloseTo(2.138, 3)
    // t(7) = 2.365; 2.365 * 2.138 / sqrt(8)
    expect(marginOfError(values)).toBeCloseTo(1.788, 2)
    expect(coefficientOfVariation(values)).toBeCloseTo(2.138 / 5, 3)
    expect(standardDeviation([3])).toBe(0)
    expect(marginOfError([3])).toBe(0)
  })
})
