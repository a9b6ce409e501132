// Tests predicted download time, the history prior, and the ordering of measured, failed and unmeasured mirrors.
import {describe, expect, it} from 'vitest'
import type {Candidate} from '../../../src/core/model.js'
import {predictSeconds, sortCandidates} from '../../../src/core/ranking/score.js'

const measured = (url: string, bytesPerSecond: number, rtt: number, score?: number): Candidate => ({
  url,
  foundBy: [],
  rank: {measuredAt: '', bytesPerSecond, protocolMs: {median: rtt, p90: rtt, sd: 0, moe: 0, samples: 1}, score},
})

describe('predictSeconds', () => {
  it('adds time to first byte to size over rate', () => {
    expect(predictSeconds({measuredAt: '', ttfbMs: 100, bytesPerSecond: 1_000_000}, 4_000_000)).toBeCloseTo(4.1)
  })

  it('leans toward the remembered rate and pays for remembered failures', () => {
    const history = {bytesPerSecond: 2_000_000, failureRate: 0.5, samples: 3, updatedAt: ''}
    // rate (1 + 0.25 * 2) / 1.25 = 1.2 MB/s; 1.2e6 B / 1.2 MB/s = 1 s; doubled by a 50% failure rate
    expect(predictSeconds({measuredAt: '', ttfbMs: 0, bytesPerSecond: 1_000_000}, 1_200_000, history)).toBeCloseTo(2)
  })

  it('has no prediction for a failed measurement', () => {
    expect(predictSeconds({measuredAt: '', error: {code: 'ECONNREFUSED', message: ''}}, 10)).toBeUndefined()
  })
})

describe('sortCandidates', () => {
  const fast = measured('http://fast/', 4e6, 50, 1)
  const slow = measured('http://slow/', 1e6, 5, 4)
  const failed: Candidate = {url: 'http://down/', foundBy: [], rank: {measuredAt: '', error: {code: 'ECONNREFUSED', message: 'refused'}}}
  const skipped: Candidate = {url: 'http://bad/', foundBy: []}

  it('orders by score, throughput or round trip, failures then unmeasured last', () => {
    const input = [skipped, failed, slow, fast]
    expect(sortCandidates(input, 'score').map((c) => c.url)).toEqual(['http://fast/', 'http://slow/', 'http://down/', 'http://bad/'])
    expect(sortCandidates(input, 'throughput').map((c) => c.url).slice(0, 2)).toEqual(['http://fast/', 'http://slow/'])
    expect(sortCandidates(input, 'rtt').map((c) => c.url).slice(0, 2)).toEqual(['http://slow/', 'http://fast/'])
  })
})
