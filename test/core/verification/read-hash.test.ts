// hashRange on a local mirror: exact hashes of ranges, and a stalled mirror reported as ETIMEDOUT after the idle limit.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {TransportSet} from '../../../src/core/transports.js'
import {hashRange} from '../../../src/core/verification/read-hash.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const content = makeContent(300_000, 6)
const transports = new TransportSet()
let mirror: HttpMirror
let stalling: HttpMirror

beforeAll(async () => {
  mirror = await startHttpMirror({files: {'/f.bin': content}})
  stalling = await startHttpMirror({files: {'/f.bin': content}, faults: {stallAfter: 50_000}})
})
afterAll(async () => {
  await transports.close()
  await Promise.all([mirror.close(), stalling.close()])
})

describe('hashRange', () => {
  it('hashes exactly the asked range, or the whole file', async () => {
    const url = new URL(`${mirror.url}f.bin`)
    const signal = AbortSignal.timeout(10_000)
    const range = await hashRange(transports.for(url), url, {offset: 1000, length: 5000}, 'sha256', signal)
    expect(range).toEqual({hex: sha256Hex(content.subarray(1000, 6000)), bytes: 5000})
    expect((await hashRange(transports.for(url), url, undefined, 'sha256', signal)).hex).toBe(sha256Hex(content))
  })

  it('gives up on a stalled read after the idle limit with ETIMEDOUT', async () => {
    const url = new URL(`${stalling.url}f.bin`)
    const started = performance.now()
    await expect(hashRange(transports.for(url), url, undefined, 'sha256', AbortSignal.timeout(10_000), 300)).rejects.toMatchObject({code: 'ETIMEDOUT'})
    expect(performance.now() - started).toBeLessThan(3000)
  })
})
