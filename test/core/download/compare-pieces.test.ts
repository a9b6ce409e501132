// Comparing pieces with other mirrors on its own: which range of each, several at once, and a voter that stalls is given up on and replaced.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {FileSink} from '../../../src/core/download/file-sink.js'
import {compareRange, comparePieces} from '../../../src/core/download/compare-pieces.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'
import {HttpTransport} from '../../../src/plugins/transports/http.js'
import {ftpTransport} from '../../../src/plugins/transports/ftp.js'
import {makeContent} from '../../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {filledSink, measure} from './helpers.js'

const PIECE = 64 * 1024
const content = makeContent(8 * PIECE, 41)

describe('comparePieces', () => {
  const transport = new HttpTransport()
  let good: HttpMirror
  let stalling: HttpMirror
  let part: Awaited<ReturnType<typeof filledSink>>
  let sink: FileSink

  beforeAll(async () => {
    good = await startHttpMirror({files: {'/f.bin': content}})
    stalling = await startHttpMirror({files: {'/f.bin': content}, faults: {stallAfter: 0}})
    part = await filledSink(content)
    sink = part.sink
  })
  afterAll(async () => {
    await transport.close()
    await Promise.all([good.close(), stalling.close()])
    await part.remove()
  })

  it('gives up on a voter that sends nothing and asks the next one, well before the read timeout', async () => {
    const map = new PieceMap(content.length, PIECE)
    for (let piece = 0; piece < map.count; piece++) map.markDone(piece, 0)
    const deliverer = new MirrorState(0, new URL(`${good.url}f.bin`), transport, 0)
    // The stalling voter looks fastest, so it is asked first.
    const stalled = new MirrorState(1, new URL(`${stalling.url}f.bin`), transport, 1, 100_000_000)
    const other = new MirrorState(2, new URL(`${good.url}f.bin?other`), transport, 2, 1_000_000)
    const started = Date.now()
    const result = await comparePieces([0, 3, 5, 7], map, sink, [deliverer, stalled, other], AbortSignal.timeout(25_000))
    expect(result).toMatchObject({compared: 4, badPieces: [], ties: []})
    expect(result.blamed.size).toBe(0)
    // One quiet spell (5 s) for the stalled voter, not the 30 s read timeout per piece.
    expect(Date.now() - started).toBeLessThan(15_000)
  }, 30_000)

  it('does not ask a voter that collapsed while another can answer (a stopped server would hold the check for the quiet spell)', async () => {
    const map = new PieceMap(content.length, PIECE)
    for (let piece = 0; piece < map.count; piece++) map.markDone(piece, 0)
    const deliverer = new MirrorState(0, new URL(`${good.url}f.bin`), transport, 0)
    const collapsed = new MirrorState(1, new URL(`${stalling.url}f.bin`), transport, 1)
    // Unmeasured: as slow as the collapsed one looks now, and later in the order.
    const other = new MirrorState(2, new URL(`${good.url}f.bin?second`), transport, 2)
    // It looked by far the fastest, then went silent on its links.
    for (let second = 0; second < 3; second++) measure(collapsed, [100_000_000], 100_000_000)
    collapsed.speed.sample([100_000_000], collapsed.bytes, 1000)
    expect(collapsed.speed.collapsed).toBe(true)
    const before = stalling.stats.requests
    const result = await comparePieces([1, 2], map, sink, [deliverer, collapsed, other], AbortSignal.timeout(25_000))
    expect(result).toMatchObject({compared: 2, badPieces: [], ties: []})
    expect(stalling.stats.requests).toBe(before)
  }, 30_000)

  it('asks an FTP voter only when no other can answer: a short FTP read costs a data connection and bytes sent past its end', async () => {
    const ftp: FtpMirror = await startFtpMirror({files: {'/f.bin': content}})
    const ftpClient = ftpTransport.create({})
    try {
      const map = new PieceMap(content.length, PIECE)
      for (let piece = 0; piece < map.count; piece++) map.markDone(piece, 0)
      const deliverer = new MirrorState(0, new URL(`${good.url}f.bin`), transport, 0)
      // The FTP mirror looks ten times faster and comes first in the order.
      const overFtp = new MirrorState(1, new URL(`${ftp.url}f.bin`), ftpClient, 1, 100_000_000)
      const overHttp = new MirrorState(2, new URL(`${good.url}f.bin?http`), transport, 2, 10_000_000)
      const result = await comparePieces([1, 2, 4], map, sink, [deliverer, overFtp, overHttp], AbortSignal.timeout(25_000))
      expect(result).toMatchObject({compared: 3, badPieces: [], ties: []})
      expect(ftp.stats.connections).toBe(0)
      // With the HTTP voter gone, the FTP one is asked and agrees.
      const alone = await comparePieces([3], map, sink, [deliverer, overFtp], AbortSignal.timeout(25_000))
      expect(alone).toMatchObject({compared: 1, badPieces: [], ties: []})
      expect(ftp.stats.connections).toBeGreaterThan(0)
    } finally {
      await ftpClient.close()
      await ftp.close()
    }
  }, 30_000)
})

describe('compareRange', () => {
  it('compares a fixed 64 KiB window of large pieces and whole small ones', () => {
    const map = {start: (piece: number) => piece * 1_048_576, lengthOf: (piece: number) => (piece === 3 ? 1000 : 1_048_576)} as unknown as PieceMap
    const first = compareRange(map, 1, 65_536)
    expect(first.length).toBe(65_536)
    expect(first.offset).toBeGreaterThanOrEqual(1_048_576)
    expect(first.offset + first.length).toBeLessThanOrEqual(2 * 1_048_576)
    expect(compareRange(map, 1, 65_536)).toEqual(first)
    expect(compareRange(map, 2, 65_536).offset - 2 * 1_048_576).not.toBe(first.offset - 1_048_576)
    expect(compareRange(map, 3, 65_536)).toEqual({offset: 3 * 1_048_576, length: 1000})
    expect(compareRange(map, 1)).toEqual({offset: 1_048_576, length: 1_048_576})
  })
})
