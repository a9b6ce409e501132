// The throughput probe on local mirrors: stalls count as slowness, no first byte is a timeout, ranges start at random offsets.
// (The measured rate against a cap is timing-bound: throughput.timing.test.ts, run by `npm run test:timing`.)
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEFAULT_THROUGHPUT, measureThroughput, probeRange} from '../../../src/core/ranking/throughput.js'
import {TransportSet} from '../../../src/core/transports.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const SIZE = 4 * 1024 * 1024
const content = makeContent(SIZE, 2)
const transports = new TransportSet()
let stalling: HttpMirror
let silent: HttpMirror

beforeAll(async () => {
  stalling = await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 2_000_000, stallAfter: 100_000}})
  silent = await startHttpMirror({files: {'/f.bin': content}, faults: {firstByteDelayMs: 5000}})
})
afterAll(async () => {
  await transports.close()
  await Promise.all([stalling.close(), silent.close()])
})

const settings = {...DEFAULT_THROUGHPUT, minMs: 300, maxMs: 2000, windowMs: 50, steadyWindows: 4, cvThreshold: 0.2}
const read = (mirror: HttpMirror, overrides = {}) => {
  const url = new URL(`${mirror.url}f.bin`)
  return measureThroughput(transports.for(url), url, SIZE, {...settings, ...overrides}, AbortSignal.timeout(20_000))
}

describe('measureThroughput', () => {
  it('counts a stall as slowness up to the deadline instead of reporting the rate before it', async () => {
    const result = await read(stalling, {maxMs: 600})
    // 100 kB arrived, then nothing until the 600 ms deadline: about 160 kB/s, far under the 2 MB/s cap.
    expect(result.bytesPerSecond).toBeLessThan(400_000)
    expect(result.durationMs).toBeGreaterThanOrEqual(590)
  })

  it('fails with ETIMEDOUT when no byte comes in time', async () => {
    await expect(read(silent, {firstByteTimeoutMs: 300})).rejects.toMatchObject({code: 'ETIMEDOUT'})
  })

  it('reads from a random offset inside the file', () => {
    expect(probeRange(SIZE, 1024, () => 0.5)).toEqual({offset: Math.floor(0.5 * (SIZE - 1024 + 1)), length: 1024})
    expect(probeRange(100, 1024, () => 0.9)).toEqual({offset: 0, length: 100})
    expect(probeRange(undefined, 1024, () => 0.9)).toBeUndefined()
  })
})
