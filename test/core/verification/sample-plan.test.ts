// Tests that sample ranges are reproducible from a seed, spread over the file, and never overlap.
import {describe, expect, it} from 'vitest'
import {pieceRange, planSamplePieces, planSampleRanges} from '../../../src/core/verification/sample-plan.js'

describe('planSampleRanges', () => {
  it('gives the same ranges for the same seed and different ones for another seed', () => {
    const a = planSampleRanges(1 << 24, 4, 65536, 42)
    expect(planSampleRanges(1 << 24, 4, 65536, 42)).toEqual(a)
    expect(planSampleRanges(1 << 24, 4, 65536, 43).ranges).not.toEqual(a.ranges)
  })

  it('puts one range in each stratum, inside the file, without overlap', () => {
    const size = 1_000_003
    for (let seed = 0; seed < 50; seed++) {
      const {ranges} = planSampleRanges(size, 5, 4096, seed)
      expect(ranges).toHaveLength(5)
      ranges.forEach((range, index) => {
        expect(range.offset).toBeGreaterThanOrEqual(Math.floor((index * size) / 5))
        expect(range.offset + range.length).toBeLessThanOrEqual(Math.floor(((index + 1) * size) / 5))
      })
    }
  })

  it('reads the whole file when the samples would cover it anyway', () => {
    expect(planSampleRanges(1000, 4, 512, 1)).toEqual({ranges: [{offset: 0, length: 1000}], coveredBytes: 1000, fraction: 1})
  })
})

describe('planSamplePieces', () => {
  it('chooses distinct pieces reproducibly', () => {
    const pieces = planSamplePieces(100, 4, 7)
    expect(new Set(pieces).size).toBe(4)
    expect(planSamplePieces(100, 4, 7)).toEqual(pieces)
    expect(planSamplePieces(3, 10, 7)).toEqual([0, 1, 2])
  })

  it('cuts the last piece short', () => {
    expect(pieceRange(2, 100, 250)).toEqual({offset: 200, length: 50})
  })
})
