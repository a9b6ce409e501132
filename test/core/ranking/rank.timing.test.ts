// Timing-bound (npm run test:timing): rankMirrors measures each capped mirror's rate within 30 % and its round trip, on every repetition.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadHostHistory} from '../../../src/core/ranking/history.js'
import {rankMirrors} from '../../../src/core/ranking/rank.js'
import {sortCandidates} from '../../../src/core/ranking/score.js'
import {DELAYS, rankOptions, setOf, SPEEDS, useCappedMirrors} from './capped-mirrors.js'

const fixture = useCappedMirrors()

describe('rankMirrors (timing)', () => {
  it('orders by real download speed on every repetition, and by round trip when sorted by rtt', async () => {
    const {urls, directory} = fixture
    const historyPath = join(directory, 'hosts.json')
    for (let repetition = 0; repetition < 3; repetition++) {
      const signal = AbortSignal.timeout(30_000)
      const ranked = await rankMirrors(setOf(urls), rankOptions(fixture.transports, {historyPath}), {signal})
      const seen = ranked.candidates.map((candidate) => `${candidate.url} ${candidate.rank?.bytesPerSecond} B/s ping ${candidate.rank?.protocolMs?.median} ms`).join('\n')
      expect(ranked.candidates.map((candidate) => candidate.url), seen).toEqual(urls)
      for (const [index, candidate] of ranked.candidates.entries()) {
        const rate = candidate.rank!.bytesPerSecond!
        // Within a generous band of the cap: the probe measures the link, not a burst.
        expect(rate, seen).toBeGreaterThan(SPEEDS[index]! * 0.7)
        expect(rate, seen).toBeLessThan(SPEEDS[index]! * 1.3)
        expect(candidate.rank!.ttfbMs!).toBeGreaterThanOrEqual(DELAYS[index]! * 0.9)
        if (repetition > 0) expect(candidate.rank!.historyBytesPerSecond).toBeDefined()
      }
      // The same measurements sorted by round trip follow the delays instead.
      const byRtt = sortCandidates(ranked.candidates, 'rtt')
      expect(byRtt.map((candidate) => candidate.url), seen).toEqual([...urls].reverse())
      const protocol = byRtt.map((candidate) => candidate.rank!.protocolMs!.median)
      expect(protocol[3]! - protocol[0]!, seen).toBeGreaterThan(90)
    }
    const history = await loadHostHistory(historyPath)
    expect(Object.keys(history)).toHaveLength(4)
    expect(Object.values(history).every((record) => record.samples === 3)).toBe(true)
  }, 60_000)
})
