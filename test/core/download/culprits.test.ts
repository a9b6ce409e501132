// The vote after a failed checksum: pieces compared in the hunt's order until one names a culprit, every piece only when none does.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {FIRST_PER_MIRROR, vote} from '../../../src/core/download/culprits.js'
import type {EndCheckContext} from '../../../src/core/download/end-check-context.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'
import {huntOrder} from '../../../src/core/download/piece-sample.js'
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

  /** Every piece on disk came from mirror 0; `badPieces` there hold other bytes; mirrors 1 and 2 serve the true file. */
  async function votesWith(...badPieces: number[]) {
    return votesAmong(3, badPieces)
  }

  async function votesAmong(mirrorCount: number, badPieces: number[]) {
    const onDisk = Uint8Array.from(content)
    for (const piece of badPieces) onDisk[piece * PIECE + 100]! ^= 0xff
    const part = await filledSink(onDisk)
    const map = deliveredByMirrorZero()
    const mirrors = [...Array(mirrorCount).keys()].map((id) => new MirrorState(id, new URL(`${server.url}f.bin?mirror=${id}`), transport, id))
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
      return await vote(context, 0)
    } finally {
      await part.remove()
    }
  }

  const order = huntOrder(deliveredByMirrorZero(), FIRST_PER_MIRROR, SEED)

  it('stops soon after the piece that names the culprit, far from every piece', async () => {
    const comparison = await votesWith(order[40]!, order[200]!)
    expect(comparison.blamed).toEqual(new Set([0]))
    // The second bad piece was never reached; pieces already under way when the vote came in still count.
    expect(comparison.badPieces).toEqual([order[40]])
    expect(comparison.compared).toBeGreaterThanOrEqual(41)
    expect(comparison.compared).toBeLessThan(PIECES / 2)
  })

  it('names the culprit within the first quota when a piece there is bad', async () => {
    const comparison = await votesWith(order[3]!, order[200]!)
    expect(comparison.blamed).toEqual(new Set([0]))
    expect(comparison.badPieces).toEqual([order[3]])
    expect(comparison.compared).toBeLessThan(PIECES / 2)
  })

  it('compares every piece when the only bad one comes last', async () => {
    const comparison = await votesWith(order.at(-1)!)
    expect(comparison.blamed).toEqual(new Set([0]))
    expect(comparison.compared).toBe(PIECES)
  })

  it('compares every piece and names nobody when all agree', async () => {
    const comparison = await votesWith()
    expect(comparison.blamed.size).toBe(0)
    expect(comparison.badPieces).toEqual([])
    expect(comparison.compared).toBe(PIECES)
  })

  it('stops at the first two-way contradiction when no third mirror can vote', async () => {
    const comparison = await votesAmong(2, [order[3]!, order[200]!])
    expect(comparison.blamed.size).toBe(0)
    expect(comparison.ties).toEqual([[0, 1]])
    expect(comparison.compared).toBeLessThan(PIECES / 2)
  })
})
