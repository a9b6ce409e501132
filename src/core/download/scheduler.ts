// Decides what an idle link does next: which mirror, and which span (a free run, else part of a busy span or a hedge, from endgame.ts).
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {Assignment, SchedulerLimits} from './assignment.js'
import {hedge, steal} from './endgame.js'

/**
 * Mirrors that may take a new ranged link now, best first: one whose stat already opened a read (its
 * first link continues it), then fewest links, then fastest measured, then rank order.
 */
export function mirrorsWithRoom(mirrors: readonly MirrorState[], now: number, limits: SchedulerLimits): MirrorState[] {
  const open = mirrors.filter((mirror) => !mirror.wholeOnly && !mirror.unverified && mirror.isUsableAt(now, limits.maxTries) && mirror.links < mirror.linkRoom(limits.perMirror))
  const fresh = open.filter((mirror) => mirror.cooldownUntil <= now && !mirror.speed.collapsed)
  // A mirror cooling down after a slow cut, or collapsed far below its best, is used only when no
  // other mirror is alive: otherwise a busy fast mirror will pick up the remainder when one of its links frees up.
  const othersAlive = mirrors.some((mirror) => mirror.cooldownUntil <= now && !mirror.speed.collapsed && !mirror.wholeOnly && mirror.isAlive(limits.maxTries))
  const pool = fresh.length > 0 || othersAlive ? fresh : open
  return pool.sort((a, b) => Number(b.opened !== undefined) - Number(a.opened !== undefined) || a.links - b.links || b.speed.linkRate - a.speed.linkRate || a.order - b.order)
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
