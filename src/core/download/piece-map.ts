// Which pieces of the file are missing, owned by a link, or done, how far each is written, and who delivered it.

export const NO_OWNER = -1
export const UNKNOWN_MIRROR = -1

/** The done pieces and their deliverers at one moment, for the control file. */
export type PieceSnapshot = {doneCount: number; done: Uint8Array; deliveredBy: Int32Array}

/**
 * Bytes of a piece are always written as a prefix (links start at a piece's frontier), so one
 * `filled` count per piece tells exactly where a cut link's remainder continues. The map is the only
 * writer of its arrays: links take and release pieces, the piece writer claims bytes and completes
 * pieces, and the end checks reset them, each through a method.
 */
export class PieceMap {
  readonly count: number
  /** Bytes claimed for writing from the piece start. */
  readonly #filled: Float64Array
  /** Claimed writes not yet finished on disk. */
  readonly #pending: Uint32Array
  readonly #done: Uint8Array
  /** The link that holds each piece, or NO_OWNER. */
  readonly #owner: Int32Array
  /** The mirror that delivered each piece (the first one, when a cut split it). */
  readonly #deliveredBy: Int32Array
  /** Extra contributors of pieces that several mirrors wrote. */
  readonly #extraContributors = new Map<number, Set<number>>()
  #doneCount = 0
  #doneBytes = 0

  constructor(readonly size: number, readonly pieceLength: number) {
    this.count = Math.max(1, Math.ceil(size / pieceLength))
    this.#filled = new Float64Array(this.count)
    this.#pending = new Uint32Array(this.count)
    this.#done = new Uint8Array(this.count)
    this.#owner = new Int32Array(this.count).fill(NO_OWNER)
    this.#deliveredBy = new Int32Array(this.count).fill(UNKNOWN_MIRROR)
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
    return this.start(piece) + this.#filled[piece]!
  }

  get doneCount(): number {
    return this.#doneCount
  }

  get doneBytes(): number {
    return this.#doneBytes
  }

  get complete(): boolean {
    return this.#doneCount === this.count
  }

  isDone(piece: number): boolean {
    return this.#done[piece] === 1
  }

  /** True when every byte of the piece is claimed by a write (done or not). */
  isClaimed(piece: number): boolean {
    return this.#filled[piece]! >= this.lengthOf(piece)
  }

  ownerOf(piece: number): number {
    return this.#owner[piece]!
  }

  /** The mirror that delivered the piece (the first one, when several wrote it), or UNKNOWN_MIRROR. */
  deliverer(piece: number): number {
    return this.#deliveredBy[piece]!
  }

  contributors(piece: number): number[] {
    const first = this.#deliveredBy[piece]!
    const list = first === UNKNOWN_MIRROR ? [] : [first]
    for (const mirror of this.#extraContributors.get(piece) ?? []) list.push(mirror)
    return list
  }

  /** Bytes written or claimed, done or not: what a progress bar shows. */
  get claimedBytes(): number {
    let total = 0
    for (let piece = 0; piece < this.count; piece++) total += this.#filled[piece]!
    return total
  }

  /** True when a piece still needs bytes and nobody is fetching it. */
  isFree(piece: number): boolean {
    return !this.#done[piece] && this.#owner[piece] === NO_OWNER && this.#filled[piece]! < this.lengthOf(piece)
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

  /** Gives `link` the pieces in [first, end) that are free, or that `from` (a link it steals from) holds. */
  take(first: number, end: number, link: number, from?: number): void {
    for (let piece = first; piece < end; piece++) if (this.isFree(piece) || this.#owner[piece] === from) this.#owner[piece] = link
  }

  /** Releases the pieces in [first, end) that `owner` still holds, to `to` (a hedge partner) or to nobody. */
  release(first: number, end: number, owner: number, to = NO_OWNER): void {
    for (let piece = first; piece < end; piece++) if (this.#owner[piece] === owner) this.#owner[piece] = to
  }

  /** A write into the piece begins: `mirror` contributed to it, and the piece cannot complete until endWrite. */
  beginWrite(piece: number, mirror: number): void {
    this.#pending[piece]!++
    const first = this.#deliveredBy[piece]!
    if (first === UNKNOWN_MIRROR) this.#deliveredBy[piece] = mirror
    else if (first !== mirror) {
      let extra = this.#extraContributors.get(piece)
      if (!extra) this.#extraContributors.set(piece, (extra = new Set()))
      extra.add(mirror)
    }
  }

  /** Claims the next `bytes` of the piece at its frontier, so no other link writes them. */
  claim(piece: number, bytes: number): void {
    this.#filled[piece]! += bytes
  }

  /** A write into the piece landed (or failed); true when the piece is now whole on disk and not yet done. */
  endWrite(piece: number): boolean {
    this.#pending[piece]!--
    return !this.#done[piece] && this.#pending[piece] === 0 && this.isClaimed(piece)
  }

  /** Marks a piece done; its deliverer is the first mirror that wrote to it, else `mirror`. */
  markDone(piece: number, mirror: number): void {
    if (this.#done[piece]) return
    this.#done[piece] = 1
    this.#filled[piece] = this.lengthOf(piece)
    if (this.#deliveredBy[piece] === UNKNOWN_MIRROR) this.#deliveredBy[piece] = mirror
    this.#doneCount++
    this.#doneBytes += this.lengthOf(piece)
  }

  /** Forgets a piece's bytes so it is fetched again (bad hash, blamed mirror). */
  reset(piece: number): void {
    if (this.#done[piece]) {
      this.#doneCount--
      this.#doneBytes -= this.lengthOf(piece)
    }
    this.#done[piece] = 0
    this.#filled[piece] = 0
    this.#deliveredBy[piece] = UNKNOWN_MIRROR
    this.#extraContributors.delete(piece)
  }

  /** A piece that failed its hash: forgotten and freed for any link; returns the mirrors that had written it. */
  discard(piece: number): number[] {
    const contributors = this.contributors(piece)
    this.reset(piece)
    this.#owner[piece] = NO_OWNER
    return contributors
  }

  /** Copies of the done pieces and their deliverers, taken before an fsync so that only what it covers is recorded. */
  snapshot(): PieceSnapshot {
    return {doneCount: this.#doneCount, done: this.#done.slice(), deliveredBy: this.#deliveredBy.slice()}
  }
}
