// Decides what an idle link does next: which mirror, and which span (a free run, the back half of a busy span, or a hedge).
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'

export type Assignment = {
  mirror: MirrorState
  offset: number
  end: number
  /** Pieces [first, endPiece) the new link will own. */
  first: number
  endPiece: number
  whole: boolean
  stealFrom?: Link
  hedgeOf?: Link
}

export type SchedulerLimits = {perMirror: number; maxTries: number; minSplitPieces: number}

/** Mirrors that may take a new ranged link now, best first: fewest links, then fastest measured, then rank order. */
export function mirrorsWithRoom(mirrors: readonly MirrorState[], now: number, limits: SchedulerLimits): MirrorState[] {
  const open = mirrors.filter((mirror) => !mirror.wholeOnly && !mirror.unverified && mirror.isUsableAt(now, limits.maxTries) && mirror.links < limits.perMirror)
  const fresh = open.filter((mirror) => mirror.cooldownUntil <= now)
  // A mirror cooling down after a slow cut is used only when no other mirror is alive: otherwise
  // a busy fast mirror will pick up the remainder when one of its links frees up.
  const othersAlive = mirrors.some((mirror) => mirror.cooldownUntil <= now && !mirror.wholeOnly && mirror.isAlive(limits.maxTries))
  const pool = fresh.length > 0 || othersAlive ? fresh : open
  return pool.sort((a, b) => a.links - b.links || b.linkRate - a.linkRate || a.order - b.order)
}

/** The next job for a link on `mirror`, or undefined when nothing is worth a request. */
export function nextSpan(map: PieceMap, mirror: MirrorState, links: readonly Link[], slots: number, limits: SchedulerLimits): Assignment | undefined {
  const run = map.longestFreeRun()
  if (run) {
    const [first, runEnd] = run
    // Share a free run among the links that are about to start, so the first one does not take it all.
    const take = Math.max(1, Math.ceil((runEnd - first) / Math.max(1, slots)))
    const endPiece = Math.min(runEnd, first + take)
    return {mirror, offset: map.frontier(first), end: map.end(endPiece - 1), first, endPiece, whole: false}
  }
  return steal(map, mirror, links, limits) ?? hedge(map, mirror, links)
}

/** The back half of the span that would take longest to finish, when that half is worth a request. */
function steal(map: PieceMap, mirror: MirrorState, links: readonly Link[], limits: SchedulerLimits): Assignment | undefined {
  let victim: Link | undefined
  let worst = 0
  for (const link of links) {
    if (link.whole || link.partner || link.cutReason) continue
    const current = map.pieceAt(link.position)
    const endPiece = Math.ceil(link.end / map.pieceLength)
    const ahead = endPiece - current - 1
    if (Math.floor(ahead / 2) < limits.minSplitPieces) continue
    const seconds = link.remaining / Math.max(link.rate, 1)
    if (seconds > worst) {
      worst = seconds
      victim = link
    }
  }
  if (!victim) return undefined
  const endPiece = Math.ceil(victim.end / map.pieceLength)
  const ahead = endPiece - map.pieceAt(victim.position) - 1
  const first = endPiece - Math.floor(ahead / 2)
  victim.end = map.start(first)
  return {mirror, offset: map.frontier(first), end: map.end(endPiece - 1), first, endPiece, whole: false, stealFrom: victim}
}

/** A link younger than this is never hedged: its rate is still a guess, and small files would be fetched twice. */
export const HEDGE_GRACE_MS = 1500
/** What a new request costs before its first byte, in seconds, counted against the hedge. */
const HEDGE_SETUP_SECONDS = 0.5

/**
 * End game: duplicate the tail of the slowest link from its current byte, when that link has
 * gone quiet, or when it would take well over twice as long as this mirror to finish it.
 */
function hedge(map: PieceMap, mirror: MirrorState, links: readonly Link[]): Assignment | undefined {
  const now = Date.now()
  let victim: Link | undefined
  for (const link of links) {
    if (link.partner || link.cutReason || link.whole || link.remaining === 0 || link.mirror === mirror) continue
    if (now - link.startedAt < HEDGE_GRACE_MS) continue
    if (!victim || link.rate < victim.rate) victim = link
  }
  if (!victim) return undefined
  const quiet = now - victim.lastByteAt > 1000
  if (!quiet) {
    const expected = mirror.linkRate
    if (!(expected > 0)) return undefined
    const slowSeconds = victim.remaining / Math.max(victim.rate, 1)
    const fastSeconds = victim.remaining / expected + HEDGE_SETUP_SECONDS
    if (slowSeconds < 2 * fastSeconds) return undefined
  }
  const piece = map.pieceAt(victim.position)
  const offset = Math.max(victim.position, map.frontier(piece))
  if (offset >= victim.end) return undefined
  return {mirror, offset, end: victim.end, first: piece, endPiece: Math.ceil(victim.end / map.pieceLength), whole: false, hedgeOf: victim}
}
