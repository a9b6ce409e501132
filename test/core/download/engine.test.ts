// The engine end to end on local HTTP mirrors: several mirrors, byte-identical output, and how work spreads.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdir, readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'
import {OPEN_BYTES} from '../../../src/plugins/transports/http.js'

const SIZE = 3 * 1024 * 1024 + 12345
const content = makeContent(SIZE, 7)
const expected = sha256Hex(content)

describe('fetchFile across mirrors', () => {
  const mirrors: HttpMirror[] = []
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    for (let i = 0; i < 3; i++) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 4 * 1024 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await directory.remove()
  })

  it('assembles identical bytes from three mirrors, each serving a share', async () => {
    const events = collector()
    const output = join(directory.path, 'three.bin')
    const summary = await fetchFile(
      {urls: mirrors.map((mirror) => `${mirror.url}f.bin`), output, pieceLength: 128 * 1024, connections: 6, perMirror: 2, crossCheck: 1, transportFactories},
      {onEvent: events.onEvent},
    )
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.size).toBe(SIZE)
    for (const mirror of summary.mirrors) expect(mirror.pieces).toBeGreaterThan(0)
    const served = mirrors.reduce((sum, mirror) => sum + mirror.stats.bytesSent, 0)
    // Cross-check re-reads a sample; stealing may cut a few chunks short. Nothing close to a second copy.
    expect(served).toBeLessThan(SIZE * 1.5)
    expect(summary.checks.some((check) => check.name === 'cross-check' && check.ok)).toBe(true)
    expect(events.of('done')).toHaveLength(1)
  })

  it('downloads from a single URL through the same engine, with a checksum', async () => {
    const output = join(directory.path, 'single.bin')
    const summary = await fetchFile({urls: [`${mirrors[0]!.url}f.bin`], output, pieceLength: 256 * 1024, checksums: [{algorithm: 'sha256', hex: expected}], transportFactories})
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.checks).toEqual([expect.objectContaining({name: 'checksum', ok: true})])
  })

  it('needs one request for a one-link download: the stat\'s GET is the link\'s read', async () => {
    const output = join(directory.path, 'one-request.bin')
    const requests = mirrors[1]!.stats.requests
    const events = collector()
    // Without the reference look-up, whose seven small requests reference.test.ts counts.
    await fetchFile({urls: [`${mirrors[1]!.url}f.bin`], output, pieceLength: 256 * 1024, connections: 1, crossCheck: 0, reference: {lookup: false}, transportFactories}, {onEvent: events.onEvent})
    expect(await fileSha256(output)).toBe(expected)
    expect(mirrors[1]!.stats.requests - requests).toBe(1)
    expect(events.of('link-start')).toEqual([expect.objectContaining({mirror: 0, offset: 0, length: SIZE})])
  })

  it('writes into an existing directory given as the output, under the target\'s name', async () => {
    const into = join(directory.path, 'into')
    await mkdir(into)
    const summary = await fetchFile({urls: [`${mirrors[0]!.url}f.bin`], output: into, pieceLength: 256 * 1024, crossCheck: 0, transportFactories})
    expect(summary.output).toBe(join(into, 'f.bin'))
    expect(await fileSha256(join(into, 'f.bin'))).toBe(expected)
    expect((await readdir(directory.path)).filter((name) => name.startsWith('into.'))).toEqual([])
  })
})

describe('the first mirror\'s opening read', () => {
  it('asks for only the first part of the file, so a first link whose span ends sooner or later wastes nothing', async () => {
    const size = 2 * OPEN_BYTES + 2 * 1024 * 1024
    const big = makeContent(size, 9)
    // The second mirror takes half the file as its link starts; the first link's half still runs past the opening read's end.
    const first = await startHttpMirror({files: {'/f.bin': big}, faults: {bandwidth: 16 * 1024 * 1024}})
    const second = await startHttpMirror({files: {'/f.bin': big}, faults: {bandwidth: 4 * 1024 * 1024}})
    const directory = await temporaryDirectory()
    try {
      const events = collector()
      const output = join(directory.path, 'big.bin')
      const summary = await fetchFile(
        {urls: [`${first.url}f.bin`, `${second.url}f.bin`], output, pieceLength: 256 * 1024, connections: 2, perMirror: 1, crossCheck: 0, reference: {lookup: false}, transportFactories},
        {onEvent: events.onEvent},
      )
      expect(await fileSha256(output)).toBe(sha256Hex(big))
      const opening = events.of('link-start').find((event) => event.link === 1)!
      expect(opening).toMatchObject({mirror: 0, offset: 0})
      expect(opening.length).toBeGreaterThan(OPEN_BYTES)
      // Every byte the first mirror sent was used: its reads all ended where they were asked to.
      expect(first.stats.bytesSent).toBe(summary.mirrors[0]!.bytes)
    } finally {
      await Promise.all([first.close(), second.close()])
      await directory.remove()
    }
  })

  it('ends the first link with an error, not a follow-up request, when the opening read breaks off', async () => {
    const size = OPEN_BYTES + 1024 * 1024
    const big = makeContent(size, 10)
    // The first mirror resets every answer after 150 kB, the opening read included.
    const first = await startHttpMirror({files: {'/f.bin': big}, faults: {resetAfter: 150_000}})
    const second = await startHttpMirror({files: {'/f.bin': big}, faults: {bandwidth: 16 * 1024 * 1024}})
    const directory = await temporaryDirectory()
    try {
      const events = collector()
      const output = join(directory.path, 'broken.bin')
      /** The first mirror's requests when its first link failed: the opening GET alone, no request for the rest. */
      let requestsAtFailure: number | undefined
      const onEvent = (event: Parameters<typeof events.onEvent>[0]) => {
        if (event.type === 'link-error' && event.link === 1) requestsAtFailure ??= first.stats.requests
        events.onEvent(event)
      }
      await fetchFile(
        {urls: [`${first.url}f.bin`, `${second.url}f.bin`], output, pieceLength: 256 * 1024, connections: 2, perMirror: 1, crossCheck: 0, reference: {lookup: false}, transportFactories},
        {onEvent},
      )
      expect(await fileSha256(output)).toBe(sha256Hex(big))
      expect(requestsAtFailure).toBe(1)
      const failed = events.of('link-error').find((event) => event.link === 1)
      expect(failed).toMatchObject({mirror: 0})
      expect(['ESHORT', 'ECONNRESET']).toContain(failed!.code)
      expect(events.of('mirror-benched').some((event) => event.mirror === 0)).toBe(true)
    } finally {
      await Promise.all([first.close(), second.close()])
      await directory.remove()
    }
  })
})
