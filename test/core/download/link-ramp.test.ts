// The link ramp: a mirror gets another link only while that raises its aggregate rate; proved on the ramp alone and on local servers.
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {fetchFile} from '../../../src/core/download/engine.js'
import {LinkRamp} from '../../../src/core/download/link-ramp.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, peakLinks, temporaryDirectory, transportFactories} from './helpers.js'

const WINDOW = 1000

/** Feeds `ramp` one warm window at `rate` bytes/s with `links` links; returns its decision. */
function window(ramp: LinkRamp, state: {now: number; bytes: number}, rate: number, links: number, limit = 4) {
  let step
  for (let tick = 0; tick < 4; tick++) {
    state.now += WINDOW / 4
    state.bytes += rate / 4
    step = ramp.sample(state.now, state.bytes, WINDOW / 4, links, 0, limit, WINDOW) ?? step
  }
  return step
}

describe('link ramp', () => {
  it('keeps a mirror whose rate does not rise with a second link at one link', () => {
    const ramp = new LinkRamp()
    const state = {now: WINDOW, bytes: 0}
    expect(window(ramp, state, 1_000_000, 1)).toMatchObject({links: 2, settled: false})
    expect(window(ramp, state, 1_050_000, 2)).toMatchObject({links: 1, before: 1_000_000, after: 1_050_000, settled: true})
    expect(window(ramp, state, 5_000_000, 1)).toBeUndefined()
    expect(ramp.allowed).toBe(1)
  })

  it('adds links while each one raises the rate, up to the limit', () => {
    const ramp = new LinkRamp()
    const state = {now: WINDOW, bytes: 0}
    expect(window(ramp, state, 100_000, 1, 3)?.links).toBe(2)
    expect(window(ramp, state, 200_000, 2, 3)?.links).toBe(3)
    expect(window(ramp, state, 300_000, 3, 3)).toMatchObject({links: 3, settled: true})
    expect(ramp.allowed).toBe(3)
  })

  it('measures only while the mirror runs the links it is allowed, once the newest is warm', () => {
    const ramp = new LinkRamp()
    const state = {now: WINDOW, bytes: 0}
    window(ramp, state, 1_000_000, 1)
    // The probe link has not started (or has no first byte yet): nothing is measured, whatever arrives.
    expect(window(ramp, state, 9_000_000, 1)).toBeUndefined()
    expect(ramp.sample(state.now + 10, state.bytes + 10_000_000, 10, 2, undefined, 4, WINDOW)).toBeUndefined()
    state.bytes += 10_000_000
    expect(ramp.sample(state.now + 20, state.bytes, 10, 2, state.now, 4, WINDOW)).toBeUndefined()
    state.now += 20
    expect(window(ramp, state, 1_000_000, 2)).toMatchObject({links: 1, settled: true})
  })

  it('never probes past --per-mirror', () => {
    const ramp = new LinkRamp()
    expect(ramp.sample(0, 0, 250, 1, 0, 1, WINDOW)).toMatchObject({links: 1, settled: true})
  })
})

const SIZE = 3 * 1024 * 1024
const content = makeContent(SIZE, 21)

describe('link ramp on local servers', () => {
  const servers: HttpMirror[] = []
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    // One server capped as a whole (its connections share it, as behind a saturated uplink), one that limits each response.
    servers.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 768 * 1024}}))
    servers.push(await startHttpMirror({files: {'/f.bin': content}, faults: {responseBandwidth: 96 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()))
    await directory.remove()
  })

  it('gives more links to the mirror whose rate rises with them, and none beyond the probe to the saturated one', async () => {
    const [shared, perLink] = servers.map((server) => `${server.url}f.bin`) as [string, string]
    const events = collector()
    const output = join(directory.path, 'ramp.bin')
    // Short windows keep the test short; the relative-speed cut is off so that the slow links are judged by the ramp alone.
    await fetchFile({urls: [shared, perLink], output, pieceLength: 64 * 1024, perMirror: 4, sampleMs: 50, rampWindowMs: 300, relativeSpeed: 0, crossCheck: 0, transportFactories}, {onEvent: events.onEvent, signal: AbortSignal.timeout(30_000)})
    expect(await fileSha256(output)).toBe(sha256Hex(content))
    const most = peakLinks(events.events)
    const steps = events.of('mirror-links')
    const sharedSteps = steps.filter((step) => step.mirror === 0)
    // The shared server was probed with a second link, which did not raise its rate: back to one, for good.
    expect(sharedSteps.at(-1)).toMatchObject({links: 1, settled: true})
    expect(most.get(0)).toBeLessThanOrEqual(2)
    // The per-link server's rate rose with each link it got.
    expect(Math.max(...steps.filter((step) => step.mirror === 1).map((step) => step.links))).toBeGreaterThanOrEqual(3)
    expect(most.get(1)).toBeGreaterThanOrEqual(3)
  })
})
