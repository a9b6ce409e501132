// The vote after a failed checksum: samples widened step by step until one shows a culprit, never every piece when a wider sample finds it.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {samplePieces} from '../../../src/core/download/compare-pieces.js'
import {BLAME_STEPS, vote} from '../../../src/core/download/culprits.js'
import type {EndCheckContext} from '../../../src/core/download/end-check-context.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'
import {HttpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, filledSink} from './helpers.js'

const PIECE = 4096
const PIECES = 256
const SEED = 5
const content = makeContent(PIECES * PIECE, 77)

/** A map of the whole file, every piece delivered by mirror 0. */
function deliveredByMirrorZero(): PieceMap {
  const map = new PieceMap(content.length, PIECE)
  for (let piece = 0; piece < map.count; piece++) map.markDone(piece, 0)
  return map
}

describe('vote', () => {
  const transport = new HttpTransport()
  let server: HttpMirror

  beforeAll(async () => {
    server = await startHttpMirror({files: {'/f.bin': content}})
  })
  afterAll(async () => {
    await transport.close()
    await server.close()
  })

  /** Every piece on disk came from mirror 0; `badPiece` there holds other bytes; mirrors 1 and 2 serve the true file. */
  async function votesWith(badPiece: number) {
    const onDisk = Uint8Array.from(content)
    onDisk[badPiece * PIECE + 100]! ^= 0xff
    const part = await filledSink(onDisk)
    const map = deliveredByMirrorZero()
    const mirrors = [0, 1, 2].map((id) => new MirrorState(id, new URL(`${server.url}f.bin?mirror=${id}`), transport, id))
    const context: EndCheckContext = {
      map,
      sink: part.sink,
      mirrors,
      checksums: [],
      crossCheck: 2,
      seed: SEED,
      emit: collector().onEvent,
      refetch: async () => undefined,
      signal: AbortSignal.timeout(20_000),
    }
    try {
      return {comparison: await vote(context, 0)}
    } finally {
      await part.remove()
    }
  }

  it('finds a bad piece that the first sample missed in the next, wider one, without comparing every piece', async () => {
    const map = deliveredByMirrorZero()
    const first = samplePieces(map, BLAME_STEPS[0]!, SEED)
    const second = samplePieces(map, BLAME_STEPS[1]!, SEED, new Set(first))
    expect(first).toHaveLength(16)
    expect(second).toHaveLength(48)
    const {comparison} = await votesWith(second[7]!)
    expect(comparison.blamed).toEqual(new Set([0]))
    expect(comparison.badPieces).toEqual([second[7]])
    expect(comparison.compared).toBe(64)
  })

  it('stops at the first sample when it already shows the culprit', async () => {
    const map = deliveredByMirrorZero()
    const first = samplePieces(map, BLAME_STEPS[0]!, SEED)
    const {comparison} = await votesWith(first[3]!)
    expect(comparison.blamed).toEqual(new Set([0]))
    expect(comparison.compared).toBe(16)
  })

  it('compares every piece when no sample shows anything', async () => {
    const map = deliveredByMirrorZero()
    const sampled = new Set(samplePieces(map, BLAME_STEPS[1]!, SEED))
    const outside = [...Array(PIECES).keys()].find((piece) => !sampled.has(piece))!
    const {comparison} = await votesWith(outside)
    expect(comparison.blamed).toEqual(new Set([0]))
    expect(comparison.compared).toBe(PIECES)
  })
})
