// After the transfer: re-reads pieces from other mirrors to blame the mirror behind a bad file, or to cross-check when there is no reference hash.
import type {FileSink} from './file-sink.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'

const READ_TIMEOUT_MS = 30_000

/** A seeded generator, so the same run samples the same pieces. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

/** Up to `perMirror` pieces delivered by each mirror (every piece for 'all'), in seeded random order. */
export function samplePieces(map: PieceMap, perMirror: number | 'all', seed: number): number[] {
  const byMirror = new Map<number, number[]>()
  for (let piece = 0; piece < map.count; piece++) {
    const list = byMirror.get(map.deliveredBy[piece]!) ?? []
    list.push(piece)
    byMirror.set(map.deliveredBy[piece]!, list)
  }
  const next = random(seed)
  const chosen: number[] = []
  for (const list of byMirror.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      ;[list[i], list[j]] = [list[j]!, list[i]!]
    }
    chosen.push(...(perMirror === 'all' ? list : list.slice(0, perMirror)))
  }
  return chosen.sort((a, b) => a - b)
}

async function readPiece(mirror: MirrorState, map: PieceMap, piece: number, signal: AbortSignal): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  const options = {signal: AbortSignal.any([signal, AbortSignal.timeout(READ_TIMEOUT_MS)]), ...(mirror.etag === undefined ? {} : {etag: mirror.etag})}
  for await (const chunk of mirror.transport.read(mirror.url, {offset: map.start(piece), length: map.lengthOf(piece)}, options)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export type Comparison = {
  /** Pieces that were compared with a second mirror. */
  compared: number
  /** Mirror ids outvoted by two others. */
  blamed: Set<number>
  /** Pieces whose bytes on disk were outvoted. */
  badPieces: number[]
  /** Two mirrors disagree and nobody else could vote: [deliverer, other]. */
  ties: Array<[number, number]>
}

/** Compares each piece on disk with the same range from another mirror; on a mismatch, a third mirror votes when there is one. */
export async function comparePieces(
  pieces: readonly number[],
  map: PieceMap,
  sink: FileSink,
  mirrors: readonly MirrorState[],
  signal: AbortSignal,
): Promise<Comparison> {
  const result: Comparison = {compared: 0, blamed: new Set(), badPieces: [], ties: []}
  const usable = mirrors.filter((mirror) => mirror.status === 'active' && !mirror.wholeOnly && !mirror.unverified)
  for (const piece of pieces) {
    const deliverer = map.deliveredBy[piece]!
    // Voters must not have sent any of the bytes on disk; a hedge or a cut can mix two senders.
    const contributors = map.contributors(piece)
    // The fastest other mirrors answer first; the primary breaks ties, so it goes first among equals.
    const others = usable.filter((mirror) => !contributors.includes(mirror.id)).sort((a, b) => b.linkRate - a.linkRate || a.id - b.id)
    const [second, third] = others
    if (!second) continue
    const local = await sink.read(map.start(piece), map.lengthOf(piece))
    let remote: Buffer
    try {
      remote = await readPiece(second, map, piece, signal)
    } catch {
      if (signal.aborted) throw signal.reason
      continue
    }
    result.compared++
    if (local.equals(remote)) continue
    const judge = third ? await readPiece(third, map, piece, signal).catch(() => undefined) : undefined
    if (judge?.equals(remote)) {
      // A mixed piece is refetched, but only a sole sender is blamed.
      if (contributors.length === 1) result.blamed.add(deliverer)
      result.badPieces.push(piece)
    } else if (judge?.equals(local)) result.blamed.add(second.id)
    else if (contributors.length <= 1) result.ties.push([deliverer, second.id])
    else result.badPieces.push(piece)
  }
  return result
}
