// Timing-bound (npm run test:timing): the throughput probe measures a 1 MB/s cap within bounds, stops once steady, and keeps the first-byte delay out of the rate.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEFAULT_THROUGHPUT, measureThroughput} from '../../../src/core/ranking/throughput.js'
import {TransportSet} from '../../../src/core/transports.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const SIZE = 4 * 1024 * 1024
const transports = new TransportSet()
let steady: HttpMirror

beforeAll(async () => {
  steady = await startHttpMirror({files: {'/f.bin': makeContent(SIZE, 2)}, faults: {bandwidth: 1_000_000, firstByteDelayMs: 150}})
})
afterAll(async () => {
  await transports.close()
  await steady.close()
})

const settings = {...DEFAULT_THROUGHPUT, minMs: 300, maxMs: 2000, windowMs: 50, steadyWindows: 4, cvThreshold: 0.2}
const read = (mirror: HttpMirror) => {
  const url = new URL(`${mirror.url}f.bin`)
  return measureThroughput(transports.for(url), url, SIZE, settings, AbortSignal.timeout(20_000))
}

describe('measureThroughput (timing)', () => {
  it('measures the capped rate, stops once steady, and keeps the first-byte delay out of the rate', async () => {
    const result = await read(steady)
    expect(result.ttfbMs).toBeGreaterThanOrEqual(140)
    expect(result.bytesPerSecond).toBeGreaterThan(600_000)
    expect(result.bytesPerSecond).toBeLessThan(1_200_000)
    // Steady well before the 2 s budget: the probe reads what it needs, not a fixed amount.
    expect(result.durationMs).toBeLessThan(1500)
    expect(result.cv).toBeLessThan(0.2)
  })
})
