// rankMirrors against real local HTTP mirrors with bandwidth caps and first-byte delays: speed order, RTT order, failures last.
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {loadHostHistory} from '../../../src/core/ranking/history.js'
import {rankMirrors, type RankOptions} from '../../../src/core/ranking/rank.js'
import {sortCandidates} from '../../../src/core/ranking/score.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 9)
// Fastest mirror answers slowest, so a ranking that confused latency with bandwidth would fail both orders.
const SPEEDS = [4_000_000, 2_000_000, 1_000_000, 500_000]
const DELAYS = [180, 120, 60, 0]
const mirrors: HttpMirror[] = []
const transports = new TransportSet({}, [httpTransport])
let directory: string
let urls: string[]
let down: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-rank-'))
  for (const [index, bandwidth] of SPEEDS.entries()) {
    mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth, firstByteDelayMs: DELAYS[index]}}))
  }
  urls = mirrors.map((mirror) => `${mirror.url}f.bin`)
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  down = `http://127.0.0.1:${(server.address() as {port: number}).port}/f.bin`
  await new Promise((resolve) => server.close(resolve))
})
afterAll(async () => {
  await transports.close()
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

const options = (extra: Partial<RankOptions> = {}): RankOptions => ({
  rttSamples: 3,
  throughput: {minMs: 250, maxMs: 500, windowMs: 50, steadyWindows: 4, cvThreshold: 0.15, maxBytes: 1024 * 1024},
  timeoutMs: 2000,
  transports,
  ...extra,
})

function setOf(list: string[]): MirrorSet {
  // Shuffled input order, so the sorted output cannot be an accident of the input.
  const order = [2, 0, 3, 1].map((index) => list[index]!)
  return {version: 1, target: {name: 'f.bin', size: SIZE, checksums: []}, candidates: order.map((url) => ({url, foundBy: ['test']}))}
}

describe('rankMirrors', () => {
  it('orders by real download speed on every repetition, and by round trip when sorted by rtt', async () => {
    const historyPath = join(directory, 'hosts.json')
    for (let repetition = 0; repetition < 3; repetition++) {
      const signal = AbortSignal.timeout(30_000)
      const ranked = await rankMirrors(setOf(urls), options({historyPath}), {signal})
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

  it('puts failures last with their reason, skips mirrors verify rejected, and keeps the top N', async () => {
    const signal = AbortSignal.timeout(30_000)
    const set: MirrorSet = {
      version: 1,
      target: {name: 'f.bin', size: SIZE, checksums: []},
      candidates: [
        {url: down, foundBy: []},
        {url: urls[3]!, foundBy: [], verify: {status: 'mismatch', checks: [], checkedAt: '', summary: 'size differs'}},
        {url: urls[0]!, foundBy: []},
        {url: urls[2]!, foundBy: []},
      ],
    }
    const ranked = await rankMirrors(set, options({rttSamples: 1}), {signal})
    expect(ranked.candidates.map((candidate) => candidate.url)).toEqual([urls[0], urls[2], down, urls[3]])
    expect(ranked.candidates[2]!.rank).toMatchObject({error: {code: 'ECONNREFUSED'}})
    expect(ranked.candidates[3]!.rank).toBeUndefined()
    const top = await rankMirrors(set, options({top: 1, includeAll: true, rttSamples: 1, parallel: 4}), {signal})
    expect(top.candidates.map((candidate) => candidate.url)).toEqual([urls[0]])
  })
})
