// Which done pieces the end checks re-read from other mirrors, and in what order: seeded, so a run repeats exactly.
import type {PieceMap} from './piece-map.js'

/**
 * A seeded xorshift generator. The seed goes through an integer hash first: from a small seed (the
 * checks use 1, 2, 3...) xorshift's first draw is about seed x 0.00006 and its second seed x 0.016,
 * so every shuffle began with the same swaps, and neighbouring rounds' samples were alike.
 */
function random(seed: number): () => number {
  let state = Math.imul((seed >>> 0) ^ 0x9e37_79b9, 0x85eb_ca6b)
  state ^= state >>> 13
  state = Math.imul(state, 0xc2b2_ae35)
  state ^= state >>> 16
  state = state >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

function shuffle<T>(list: T[], next: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[list[i], list[j]] = [list[j]!, list[i]!]
  }
  return list
}

/** Done pieces grouped by the mirror that delivered each, minus `covered`, and how many of each mirror's `covered` holds. */
function byDeliverer(map: PieceMap, covered: ReadonlySet<number>): {lists: Map<number, number[]>; coveredBy: Map<number, number>} {
  const lists = new Map<number, number[]>()
  const coveredBy = new Map<number, number>()
  for (let piece = 0; piece < map.count; piece++) {
    if (!map.isDone(piece)) continue
    const mirror = map.deliverer(piece)
    if (covered.has(piece)) {
      coveredBy.set(mirror, (coveredBy.get(mirror) ?? 0) + 1)
      continue
    }
    const list = lists.get(mirror) ?? []
    list.push(piece)
    lists.set(mirror, list)
  }
  return {lists, coveredBy}
}

/**
 * Up to `perMirror` done pieces delivered by each mirror (every one for 'all'), in seeded random order,
 * minus what `covered` (pieces compared earlier) already holds for that mirror; sorted by piece.
 */
export function samplePieces(map: PieceMap, perMirror: number | 'all', seed: number, covered: ReadonlySet<number> = new Set()): number[] {
  const {lists, coveredBy} = byDeliverer(map, covered)
  const next = random(seed)
  const chosen: number[] = []
  for (const [mirror, list] of lists) {
    shuffle(list, next)
    chosen.push(...(perMirror === 'all' ? list : list.slice(0, Math.max(0, perMirror - (coveredBy.get(mirror) ?? 0)))))
  }
  return chosen.sort((a, b) => a - b)
}

/**
 * Every done piece once, in the order a culprit hunt compares them: first `perMirror` of each mirror's
 * (so a mirror that sent few pieces is looked at early), then all the rest shuffled together, so each
 * remaining byte is as likely to come next whichever mirror sent it. A wrong copy is as likely to be
 * wrong in any of its bytes, so the mirror that sent the most is the likeliest place to find it.
 */
export function huntOrder(map: PieceMap, perMirror: number, seed: number): number[] {
  const first = samplePieces(map, perMirror, seed)
  const chosen = new Set(first)
  const rest: number[] = []
  for (let piece = 0; piece < map.count; piece++) if (map.isDone(piece) && !chosen.has(piece)) rest.push(piece)
  return [...first, ...shuffle(rest, random(seed + 0x1_0000))]
}
