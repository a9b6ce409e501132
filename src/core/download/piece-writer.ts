// Turns chunks from links into positional writes: each byte is written once, at its piece's frontier, and pieces complete when their writes land.
import {freeChunks} from '../handed-over.js'
import type {Link} from './link.js'
import type {FileSink} from './file-sink.js'
import type {PieceMap} from './piece-map.js'
import type {PieceVerifier} from './piece-verifier.js'

export type PieceWriterHooks = {
  /** A piece's bytes are all on disk (not yet fsynced) and its hash, if any, matched. */
  pieceDone(piece: number, mirror: number): void
  /** A piece failed its hash; it is already reset to missing. */
  pieceBad(piece: number, contributors: number[]): void
}

export class PieceWriter {
  constructor(
    private readonly map: PieceMap,
    private readonly sink: FileSink,
    private readonly verifier: PieceVerifier | undefined,
    private readonly hooks: PieceWriterHooks,
  ) {}

  /**
   * Writes the part of the contiguous `chunks` (starting at `offset`) that no other link wrote
   * first, one vectored write per piece. Claims happen synchronously, so a hedge pair never
   * writes the same byte twice. The chunks are the writer's: once written, their memory is freed.
   */
  readonly write = async (link: Link, offset: number, chunks: readonly Uint8Array[]): Promise<void> => {
    const {map} = this
    const mirror = link.mirror.id
    const writes: Array<Promise<void>> = []
    const touched: number[] = []
    let open: {piece: number; start: number; parts: Uint8Array[]} | undefined
    const flush = () => {
      if (!open) return
      writes.push(this.sink.writev(open.parts, open.start))
      touched.push(open.piece)
      open = undefined
    }
    let position = offset
    for (const data of chunks) {
      let index = 0
      while (index < data.length) {
        const piece = map.pieceAt(position)
        const take = Math.min(data.length - index, map.end(piece) - position)
        const frontier = map.frontier(piece)
        if (!map.isDone(piece) && position <= frontier && position + take > frontier) {
          const part = data.subarray(index + (frontier - position), index + take)
          if (open?.piece !== piece) {
            flush()
            open = {piece, start: frontier, parts: []}
            map.beginWrite(piece, mirror)
          }
          open.parts.push(part)
          map.claim(piece, part.length)
          this.verifier?.update(piece, part)
        } else flush()
        position += take
        index += take
      }
    }
    flush()
    let failure: unknown
    const results = await Promise.allSettled(writes)
    freeChunks(chunks)
    for (const [i, result] of results.entries()) {
      const written = touched[i]!
      const whole = map.endWrite(written)
      if (result.status === 'rejected') failure ??= result.reason
      else if (whole) this.settle(written, mirror)
    }
    if (failure !== undefined) throw failure
  }

  /** A piece whose bytes are all on disk: done, or discarded when its hash fails. */
  private settle(piece: number, mirror: number): void {
    if (this.verifier && !this.verifier.check(piece)) {
      this.hooks.pieceBad(piece, this.map.discard(piece))
      return
    }
    this.map.markDone(piece, mirror)
    this.hooks.pieceDone(piece, mirror)
  }
}
