// Combining vantages: medians of the measured ones, round trips from the median vantage, every vantage kept, a failure everywhere stays a failure.
import {describe, expect, it} from 'vitest'
import {combineVantages} from '../../../src/core/queue/combine-vantages.js'
import type {Measurement} from '../../../src/core/model.js'

const at = '2026-12-06T00:00:00.000Z'
const stats = (median: number) => ({median, p90: median, sd: 0, moe: 0, samples: 1})
const measured = (vantage: string, score: number, bytesPerSecond: number, rtt: number): Measurement => ({measuredAt: at, vantage, score, predictedSeconds: score, bytesPerSecond, ttfbMs: rtt, protocolMs: stats(rtt)})

describe('combineVantages', () => {
  it('keeps a single vantage as it is', () => {
    const one = measured('a', 1, 100, 5)
    expect(combineVantages([one])).toBe(one)
  })

  it('takes medians over the vantages that measured the mirror, and keeps them all', () => {
    const entries = [measured('a', 1, 300, 5), measured('b', 9, 100, 90), measured('c', 2, 200, 20), {measuredAt: at, vantage: 'd', error: {code: 'ETIMEDOUT', message: 'slow'}}]
    const combined = combineVantages(entries)
    expect(combined).toMatchObject({score: 2, predictedSeconds: 2, bytesPerSecond: 200, ttfbMs: 20, combined: 'median of 4 vantages (3 measured it)'})
    expect(combined.protocolMs?.median).toBe(20)
    expect(combined.vantages).toBe(entries)
    expect(combined.error).toBeUndefined()
  })

  it('is a failure, with the first reason, when no vantage measured the mirror', () => {
    const combined = combineVantages([{measuredAt: at, vantage: 'a', error: {code: 'ECONNREFUSED', message: 'refused'}}, {measuredAt: at, vantage: 'b', error: {code: 'ETIMEDOUT', message: 'slow'}}])
    expect(combined.error).toEqual({code: 'ECONNREFUSED', message: 'failed from every vantage: refused'})
    expect(combined.score).toBeUndefined()
  })
})
