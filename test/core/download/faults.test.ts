// The engine against misbehaving mirrors: slow, stalled, reset, ignoring Range, lying Content-Range, changing size.
import {afterEach, describe, expect, it} from 'vitest'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import type {FetchOptions} from '../../../src/core/download/options.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 11)
const expected = sha256Hex(content)
const PIECE = 64 * 1024

const opened: Array<{close: () => Promise<void>}> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()))
})

async function mirror(faults: HttpFaults = {}): Promise<HttpMirror> {
  const started = await startHttpMirror({files: {'/f.bin': content}, faults})
  opened.push(started)
  return started
}

async function run(mirrors: HttpMirror[], options: Partial<FetchOptions> = {}, during?: (event: ReturnType<typeof collector>) => void) {
  const directory = await temporaryDirectory()
  opened.push({close: directory.remove})
  const events = collector()
  const output = join(directory.path, 'out.bin')
  const onEvent = (event: Parameters<typeof events.onEvent>[0]) => {
    events.onEvent(event)
    during?.(events)
  }
  const summary = await fetchFile(
    {urls: mirrors.map((m) => `${m.url}f.bin`), output, pieceLength: PIECE, connections: 2, perMirror: 1, graceMs: 500, sampleMs: 100, crossCheck: 1, transportFactories, ...options},
    {onEvent},
  )
  return {summary, events, output, served: mirrors.reduce((sum, m) => sum + m.stats.bytesSent, 0)}
}

describe('fetchFile with faulty mirrors', () => {
  it('cuts a link below --lowest-speed and continues its remainder from the exact byte', async () => {
    const fast = await mirror({bandwidth: 1024 * 1024})
    const slow = await mirror({bandwidth: 24 * 1024})
    const {events, output, served} = await run([fast, slow], {lowestSpeed: 100_000})
    expect(await fileSha256(output)).toBe(expected)
    const cut = events.of('link-cut').find((event) => event.mirror === 1 && event.reason === 'slow')
    expect(cut).toBeDefined()
    expect(cut!.offset % PIECE).not.toBe(0)
    expect(events.of('link-start').some((start) => start.offset === cut!.offset && start.mirror === 0)).toBe(true)
    // No byte twice beyond what was in flight when links were cut, plus the one cross-checked piece.
    expect(served).toBeLessThan(SIZE + 1024 * 1024)
  })

  it('ends as a network timeout (exit 5), not "no mirror", when the only mirror stalls before any byte', async () => {
    const stalling = await mirror({stallAfter: 0})
    const failure = await run([stalling], {stallTimeoutMs: 500, maxTries: 1}).catch((error: unknown) => error)
    expect(failure).toMatchObject({code: 'ETIMEDOUT', exitCode: 5})
  })

  it('cuts a stalled link and benches its mirror', async () => {
    const good = await mirror({bandwidth: 2 * 1024 * 1024})
    const stalling = await mirror({stallAfter: 100_000})
    const {events, output} = await run([good, stalling], {stallTimeoutMs: 700})
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('link-cut').some((event) => event.mirror === 1 && event.reason === 'stall')).toBe(true)
    expect(events.of('mirror-benched').some((event) => event.mirror === 1 && event.code === 'ETIMEDOUT')).toBe(true)
  })

  it('benches a mirror that resets mid-stream and retries it later', async () => {
    const good = await mirror({bandwidth: 2 * 1024 * 1024})
    const resetting = await mirror({resetAfter: 150_000})
    const {events, output} = await run([good, resetting])
    expect(await fileSha256(output)).toBe(expected)
    const errors = events.of('link-error').filter((event) => event.mirror === 1)
    expect(errors.length).toBeGreaterThan(0)
    expect(['ESHORT', 'ECONNRESET']).toContain(errors[0]!.code)
    expect(events.of('mirror-benched').some((event) => event.mirror === 1)).toBe(true)
  })

  it('benches a throttling mirror (503) for its Retry-After, then uses it again', async () => {
    const good = await mirror({bandwidth: 512 * 1024})
    const busy = await mirror({bandwidth: 512 * 1024})
    let throttled = false
    let healthy = false
    const {events, output} = await run([good, busy], {connections: 4, perMirror: 2}, (seen) => {
      if (!throttled && seen.of('link-start').some((event) => event.mirror === 1)) {
        throttled = true
        busy.setFaults({status: 503, retryAfter: 1})
      }
      // Healthy again once benched, so its return after the Retry-After is what is tested.
      if (throttled && !healthy && seen.of('mirror-benched').some((event) => event.mirror === 1)) {
        healthy = true
        busy.setFaults({bandwidth: 512 * 1024})
      }
    })
    expect(await fileSha256(output)).toBe(expected)
    const benched = events.of('mirror-benched').find((event) => event.mirror === 1 && event.code === 'ETHROTTLED')
    expect(benched?.seconds).toBe(1)
    const after = events.events.slice(events.events.indexOf(benched!))
    expect(after.some((event) => event.type === 'link-start' && event.mirror === 1)).toBe(true)
  })

  it('benches a second mirror whose first stat answers 503, stats it again later and uses it', async () => {
    const good = await mirror({bandwidth: 512 * 1024})
    const busy = await mirror({status: 503, retryAfter: 1})
    // Healthy from the start of the transfer: its first stat (503) is behind it, its second is ahead.
    let changed = false
    const {events, output, summary} = await run([good, busy], {connections: 4, perMirror: 2}, (seen) => {
      if (!changed && seen.of('start').length > 0) {
        changed = true
        busy.setFaults({bandwidth: 512 * 1024})
      }
    })
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-rejected')).toEqual([])
    const benched = events.of('mirror-benched').find((event) => event.mirror === 1 && event.code === 'ETHROTTLED')
    expect(benched?.seconds).toBe(1)
    expect(events.of('link-start').some((event) => event.mirror === 1)).toBe(true)
    expect(summary.mirrors[1]!.bytes).toBeGreaterThan(0)
  })

  it('rejects a deferred mirror whose second stat shows another size', async () => {
    const good = await mirror({bandwidth: 512 * 1024})
    const busy = await mirror({status: 503, retryAfter: 1})
    // Another size from the start of the transfer: its first stat (503) is behind it, its second is ahead.
    let changed = false
    const {events, output, summary} = await run([good, busy], {connections: 4, perMirror: 2}, (seen) => {
      if (!changed && seen.of('start').length > 0) {
        changed = true
        busy.setFaults({size: SIZE - 1})
      }
    })
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-rejected').map((event) => event.mirror)).toEqual([1])
    expect(summary.mirrors[1]!.bytes).toBe(0)
  })

  it('stops asking ranges of a mirror that answers 200, without writing its bytes', async () => {
    const good = await mirror()
    const whole = await mirror({ignoreRange: true})
    const {events, output, summary} = await run([good, whole])
    expect(await fileSha256(output)).toBe(expected)
    // With If-Range, a 200 may mean "changed" too: a fresh stat tells it apart, so the mirror stays as a whole-stream fallback.
    expect(events.of('link-error').some((event) => event.mirror === 1 && ['ERANGE_UNSUPPORTED', 'ECHANGED'].includes(event.code))).toBe(true)
    expect(summary.mirrors[1]!.pieces).toBe(0)
    expect(summary.mirrors[1]!.state).toBe('whole-only')
  })

  it('serves a whole stream from a mirror without ranges when it is the only one', async () => {
    const whole = await mirror({ignoreRange: true})
    const {output} = await run([whole])
    expect(await fileSha256(output)).toBe(expected)
  })

  it('quarantines a mirror whose Content-Range does not match the request', async () => {
    const good = await mirror()
    const liar = await mirror({wrongContentRange: true})
    const {events, output, summary} = await run([good, liar])
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined').some((event) => event.mirror === 1)).toBe(true)
    expect(summary.mirrors[1]!.state).toBe('quarantined')
  })

  it('takes the spans of a mirror that collapses mid-run away at once, and uses it again once a probe finds it back', async () => {
    const large = makeContent(8 * 1024 * 1024, 12)
    const steady = await startHttpMirror({files: {'/f.bin': large}, faults: {bandwidth: 400 * 1024}})
    const fading = await startHttpMirror({files: {'/f.bin': large}, faults: {bandwidth: 2 * 1024 * 1024}})
    opened.push(steady, fading)
    let degraded = false
    let restored = false
    let restoredAt = -1
    const {events, output} = await run([steady, fading], {connections: 4, perMirror: 2, pieceLength: 256 * 1024}, (seen) => {
      const progress = seen.of('progress').at(-1)
      // Degraded once it has shown its speed for over a second; back to full speed once the collapse took its links.
      if (!degraded && progress && progress.mirrors[1]!.bytes > 3 * 1024 * 1024) {
        degraded = true
        fading.setFaults({bandwidth: 20 * 1024})
      }
      if (degraded && !restored && seen.of('link-cut').some((cut) => cut.mirror === 1 && cut.reason === 'relative')) {
        restored = true
        restoredAt = seen.events.length
        fading.setFaults({bandwidth: 2 * 1024 * 1024})
      }
    })
    expect(await fileSha256(output)).toBe(sha256Hex(large))
    expect(restored).toBe(true)
    // Every link it had when it collapsed was cut, not left holding its span at 1 % until a steal.
    const cutAt = events.events.findIndex((event) => event.type === 'link-cut' && event.mirror === 1)
    const startedBefore = events.of('link-start').filter((start) => start.mirror === 1 && events.events.indexOf(start) < cutAt).map((start) => start.link)
    const endedBefore = events.events.slice(0, cutAt).flatMap((event) => (event.type === 'link-end' && event.mirror === 1 ? [event.link] : []))
    const caught = startedBefore.filter((link) => !endedBefore.includes(link))
    const cut = events.of('link-cut').filter((event) => event.mirror === 1 && event.reason === 'relative').map((event) => event.link)
    expect(caught.every((link) => cut.includes(link))).toBe(true)
    // A probe found it back: it carried more of the file after its recovery than a probe's first second could.
    const later = events.events.slice(restoredAt)
    const backLinks = later.filter((event) => event.type === 'link-start' && event.mirror === 1)
    expect(backLinks.length).toBeGreaterThan(0)
    const last = events.of('progress').at(-1)!
    const atRestore = (later.find((event) => event.type === 'progress') as {mirrors: Array<{bytes: number}>} | undefined)?.mirrors[1]!.bytes ?? 0
    expect(last.mirrors[1]!.bytes - atRestore).toBeGreaterThan(1024 * 1024)
  }, 60_000)

  it('detects a mirror whose file changes mid-run and finishes from the others', async () => {
    const primary = await mirror({bandwidth: 384 * 1024})
    const changing = await mirror({bandwidth: 2 * 1024 * 1024})
    let changed = false
    const {events, output} = await run([primary, changing], {}, (seen) => {
      if (!changed && seen.of('link-start').length >= 2) {
        changed = true
        // Its next request (a steal from the slow primary) sees a new ETag and size.
        changing.setFaults({bandwidth: 2 * 1024 * 1024, size: SIZE - 300_000, etag: '"changed"'})
      }
    })
    expect(await fileSha256(output)).toBe(expected)
    const quarantined = events.of('mirror-quarantined').find((event) => event.mirror === 1)
    expect(quarantined?.reason).toMatch(/changed|size|Content-Range/i)
  })
})
