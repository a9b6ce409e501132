// Incremental piece hashes: each in-flight piece is hashed as its bytes are claimed, and checked when it completes.
import {createHash, type Hash} from 'node:crypto'
import type {PieceHashes} from '../model.js'

export class PieceVerifier {
  private readonly hashers = new Map<number, Hash>()
  checked = 0
  failed = 0

  constructor(readonly pieces: PieceHashes) {}

  update(piece: number, data: Uint8Array): void {
    let hasher = this.hashers.get(piece)
    if (!hasher) this.hashers.set(piece, (hasher = createHash(this.pieces.algorithm)))
    hasher.update(data)
  }

  /** True when the piece's bytes match its reference hash; forgets the piece's hasher either way. */
  check(piece: number): boolean {
    const hasher = this.hashers.get(piece)
    this.hashers.delete(piece)
    const expected = this.pieces.hashes[piece]
    this.checked++
    const ok = hasher !== undefined && expected !== undefined && hasher.digest('hex') === expected.toLowerCase()
    if (!ok) this.failed++
    return ok
  }
}
