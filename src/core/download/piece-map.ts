// Which pieces of the file are missing, owned by a link, or done, how far each is written, and who delivered it.

export const NO_OWNER = -1
export const UNKNOWN_MIRROR = -1

/**
 * Bytes of a piece are always written as a prefix (links start at a piece's frontier), so one
 * `filled` count per piece tells exactly where a cut link's remainder continues.
 */
export class PieceMap {
  readonly count: number
  /** Bytes claimed for writing from the piece start. */
  readonly filled: Float64Array
  /** Claimed writes not yet finished on disk. */
  readonly pending: Uint32Array
  readonly done: Uint8Array
  readonly owner: Int32Array
  /** The mirror that delivered each piece (the first one, when a cut split it). */
  readonly deliveredBy: Int32Array
  /** Extra contributors of pieces that several mirrors wrote. */
  readonly extraContributors = new Map<number, Set<number>>()
  doneCount = 0
  doneBytes = 0

  constructor(readonly size: number, readonly pieceLength: number) {
    this.count = Math.max(1, Math.ceil(size / pieceLength))
    this.filled = new Float64Array(this.count)
    this.pending = new Uint32Array(this.count)
    this.done = new Uint8Array(this.count)
    this.owner = new Int32Array(this.count).fill(NO_OWNER)
    this.deliveredBy = new Int32Array(this.count).fill(UNKNOWN_MIRROR)
  }

  start(piece: number): number {
    return piece * this.pieceLength
  }

  end(piece: number): number {
    return Math.min(this.size, (piece + 1) * this.pieceLength)
  }

  lengthOf(piece: number): number {
    return this.end(piece) - this.start(piece)
  }

  pieceAt(offset: number): number {
    return Math.min(this.count - 1, Math.floor(offset / this.pieceLength))
  }

  /** The next byte to write in a piece. */
  frontier(piece: number): number {
    return this.start(piece) + this.filled[piece]!
  }

  get complete(): boolean {
    return this.doneCount === this.count
  }

  markDone(piece: number, mirror: number): void {
    if (this.done[piece]) return
    this.done[piece] = 1
    this.filled[piece] = this.lengthOf(piece)
    this.deliveredBy[piece] = mirror
    this.doneCount++
    this.doneBytes += this.lengthOf(piece)
  }

  /** Forgets a piece's bytes so it is fetched again (bad hash, blamed mirror). */
  reset(piece: number): void {
    if (this.done[piece]) {
      this.doneCount--
      this.doneBytes -= this.lengthOf(piece)
    }
    this.done[piece] = 0
    this.filled[piece] = 0
    this.deliveredBy[piece] = UNKNOWN_MIRROR
    this.extraContributors.delete(piece)
  }

  addContributor(piece: number, mirror: number): void {
    const first = this.deliveredBy[piece]!
    if (first === UNKNOWN_MIRROR) this.deliveredBy[piece] = mirror
    else if (first !== mirror) {
      let extra = this.extraContributors.get(piece)
      if (!extra) this.extraContributors.set(piece, (extra = new Set()))
      extra.add(mirror)
    }
  }

  contributors(piece: number): number[] {
    const first = this.deliveredBy[piece]!
    const list = first === UNKNOWN_MIRROR ? [] : [first]
    for (const mirror of this.extraContributors.get(piece) ?? []) list.push(mirror)
    return list
  }

  /** Bytes written or claimed, done or not: what a progress bar shows. */
  get claimedBytes(): number {
    let total = 0
    for (let piece = 0; piece < this.count; piece++) total += this.filled[piece]!
    return total
  }

  /** True when a piece still needs bytes and nobody is fetching it. */
  isFree(piece: number): boolean {
    return !this.done[piece] && this.owner[piece] === NO_OWNER && this.filled[piece]! < this.lengthOf(piece)
  }

  /** The longest run of free pieces, as [first, end), or undefined. */
  longestFreeRun(): [number, number] | undefined {
    let best: [number, number] | undefined
    let runStart = -1
    for (let piece = 0; piece <= this.count; piece++) {
      const free = piece < this.count && this.isFree(piece)
      if (free && runStart < 0) runStart = piece
      if (!free && runStart >= 0) {
        if (!best || piece - runStart > best[1] - best[0]) best = [runStart, piece]
        runStart = -1
      }
    }
    return best
  }

  setOwner(first: number, end: number, owner: number): void {
    this.owner.fill(owner, first, end)
  }

  /** Releases the pieces in [first, end) that `owner` still holds. */
  release(first: number, end: number, owner: number, to = NO_OWNER): void {
    for (let piece = first; piece < end; piece++) if (this.owner[piece] === owner) this.owner[piece] = to
  }

  /** Indices of done pieces, for the control file. */
  donePieces(): number[] {
    const list: number[] = []
    for (let piece = 0; piece < this.count; piece++) if (this.done[piece]) list.push(piece)
    return list
  }
}
