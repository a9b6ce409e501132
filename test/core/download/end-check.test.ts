// The end checks' use of a cross-check made during the transfer: taken when its pieces are unchanged, dropped when one was refetched since.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {FileSink} from '../../../src/core/download/file-sink.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'
import type {EarlyCrossCheck, EndCheckContext} from '../../../src/core/download/end-check-context.js'
import {runEndChecks} from '../../../src/core/download/end-check.js'
import {HttpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, filledSink} from './helpers.js'

const PIECE = 64 * 1024
const content = makeContent(8 * PIECE, 52)

describe('runEndChecks with an early cross-check', () => {
  const transport = new HttpTransport()
  let server: HttpMirror
  let part: Awaited<ReturnType<typeof filledSink>>
  let sink: FileSink

  beforeAll(async () => {
    server = await startHttpMirror({files: {'/f.bin': content}})
    part = await filledSink(content)
    sink = part.sink
  })
  afterAll(async () => {
    await transport.close()
    await server.close()
    await part.remove()
  })

  /** Two honest mirrors; every piece on disk came from mirror 0. */
  function setup() {
    const map = new PieceMap(content.length, PIECE)
    for (let piece = 0; piece < map.count; piece++) map.markDone(piece, 0)
    const mirrors = [new MirrorState(0, new URL(`${server.url}f.bin`), transport, 0), new MirrorState(1, new URL(`${server.url}f.bin?second`), transport, 1)]
    const events = collector()
    let refetches = 0
    const context = (early: EarlyCrossCheck): EndCheckContext => ({
      map,
      sink,
      mirrors,
      checksums: [],
      crossCheck: 2,
      seed: 1,
      emit: events.onEvent,
      // The refetch a real transfer would do: the forgotten pieces come back from mirror 1.
      refetch: async () => {
        refetches++
        for (let piece = 0; piece < map.count; piece++) if (!map.isDone(piece)) map.markDone(piece, 1)
      },
      signal: AbortSignal.timeout(20_000),
      early: Promise.resolve(early),
    })
    return {map, mirrors, context, refetches: () => refetches}
  }

  /** What an early check that caught mirror 0 on piece 1 would have returned. */
  const caught = (deliverer: number): EarlyCrossCheck => ({pieces: [1], deliverers: [deliverer], comparison: {compared: 1, blamed: new Set([0]), badPieces: [1], ties: []}})

  it('acts on the early verdict when its pieces are as they were', async () => {
    const {mirrors, context, refetches} = setup()
    const checks = await runEndChecks(context(caught(0)))
    expect(checks[0]).toMatchObject({name: 'cross-check', ok: false, detail: expect.stringContaining('served different bytes')})
    expect(mirrors[0]!.status).toBe('quarantined')
    expect(refetches()).toBe(1)
  })

  it('drops the early verdict when a piece it compared was refetched from another mirror since', async () => {
    const {map, mirrors, context, refetches} = setup()
    map.reset(1)
    map.markDone(1, 1)
    const checks = await runEndChecks(context(caught(0)))
    // Compared afresh: both mirrors serve the same bytes, and nothing is said to have run during the download.
    expect(checks).toEqual([{name: 'cross-check', ok: true, detail: expect.not.stringContaining('while the download ran'), compared: expect.any(Object)}])
    expect(checks[0]!.detail).toMatch(/^\d+ of 8 pieces re-read from a second mirror/)
    expect(mirrors.map((mirror) => mirror.status)).toEqual(['active', 'active'])
    expect(refetches()).toBe(0)
  })
})
