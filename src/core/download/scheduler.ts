// Decides what an idle link does next: which mirror, and which span (a free run, else part of a busy span or a hedge, from endgame.ts).
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {Assignment, SchedulerLimits} from './assignment.js'
import {hedge, setupSeconds, steal} from './endgame.js'

/**
 * Mirrors that may take a new ranged link now, best first: one whose stat already opened a read (its
 * first link continues it), then fewest links, then fastest measured, then rank order.
 */
export function mirrorsWithRoom(mirrors: readonly MirrorState[], now: number, limits: SchedulerLimits): MirrorState[] {
  const open = mirrors.filter((mirror) => !mirror.wholeOnly && !mirror.unverified && mirror.isUsableAt(now, limits.maxTries) && mirror.links < mirror.linkRoom(limits.perMirror))
  const fresh = open.filter((mirror) => mirror.cooldownUntil <= now && !mirror.speed.keepsOut(now, mirror.links))
  // A mirror cooling down after a slow cut, or collapsed far below its best (but for one probe link
  // now and then), is used only when no other mirror is alive: otherwise a busy fast mirror will pick
  // up the remainder when one of its links frees up.
  const othersAlive = mirrors.some((mirror) => mirror.cooldownUntil <= now && !mirror.speed.collapsed && !mirror.wholeOnly && mirror.isAlive(limits.maxTries))
  const pool = fresh.length > 0 || othersAlive ? fresh : open
  return pool.sort((a, b) => Number(b.opened !== undefined) - Number(a.opened !== undefined) || a.links - b.links || b.speed.linkRate - a.speed.linkRate || a.order - b.order)
}

/** The whole download's measured rate (bytes/s, over the usable mirrors) and the bytes no link has delivered yet. */
export type Pace = {rate: number; remaining: number}

/** The pace, once every mirror running links has been measured; undefined before (the first second of a run). */
export function paceOf(map: PieceMap, mirrors: readonly MirrorState[], now: number, maxTries: number): Pace | undefined {
  let rate = 0
  for (const mirror of mirrors) {
    if (mirror.wholeOnly || mirror.speed.collapsed || !mirror.isUsableAt(now, maxTries)) continue
    if (mirror.links > 0 && !(mirror.speed.throughput > 0)) return undefined
    rate += mirror.speed.throughput
  }
  return rate > 0 ? {rate, remaining: map.size - map.claimedBytes} : undefined
}

/**
 * Pieces a new link on `mirror` takes from a free run. Once the pace is known, what the link can send
 * by the time the whole download would end at that pace, so that spans end together and few need a
 * steal at the end (each steal ends its victim's request early, and the bytes already on their way are
 * lost with the connection). Before that, an equal share among the links about to start.
 *
 * A link that joins a mirror whose ramp is still deciding is a probe, and it gets only what it sends
 * while it is judged. Most servers share one uplink among their connections and the probe fails; given
 * a span to the end, it then ran beside the mirror's first link to the last second, where one of the
 * two starved the other behind their shared queue (caps-https: a 10 Mbit mirror's probe got a burst
 * every 0.58 s while its sibling got one every 0.1 s, and ended 0.3-0.5 s after every other link).
 */
function spanPieces(map: PieceMap, mirror: MirrorState, runPieces: number, slots: number, limits: SchedulerLimits, pace: Pace | undefined): number {
  const equal = Math.max(1, Math.ceil(runPieces / Math.max(1, slots)))
  const {throughput, soloRate} = mirror.speed
  if (!pace || !(throughput > 0)) return equal
  // A new link shares its server with the links already there.
  const rate = mirror.links === 0 ? Math.max(throughput, soloRate) : throughput / (mirror.links + 1)
  let seconds = pace.remaining / pace.rate - setupSeconds(mirror)
  if (mirror.links > 0 && !mirror.ramp.settled && limits.probeMs !== undefined) seconds = Math.min(seconds, limits.probeMs / 1000)
  return Math.min(runPieces, Math.max(1, Math.round((rate * seconds) / map.pieceLength)))
}

/** The next job for a link on `mirror`, or undefined when nothing is worth a request. */
export function nextSpan(map: PieceMap, mirror: MirrorState, links: readonly Link[], slots: number, limits: SchedulerLimits, pace?: Pace): Assignment | undefined {
  const run = map.longestFreeRun()
  if (run) {
    const [first, runEnd] = run
    // A collapsed mirror's probe, beside other mirrors' links, takes one piece: a mirror still down
    // holds little, one back asks again.
    const probe = mirror.speed.collapsed && links.some((link) => link.mirror !== mirror)
    const pieces = probe ? 1 : spanPieces(map, mirror, runEnd - first, slots, limits, pace)
    // A read that always runs to the end of the file (FTP's RETR) is stopped by closing it, and what the
    // server has sent by then is lost: 0.35 MB on a 40 Mbit vsftpd each time (mixed bench). From the back
    // of a run that ends the file, it ends there by itself.
    if (mirror.transport.openEndedReads && runEnd === map.count && !probe) {
      const start = Math.max(first, runEnd - pieces)
      return {mirror, offset: map.frontier(start), end: map.end(runEnd - 1), first: start, endPiece: runEnd, whole: false}
    }
    const endPiece = Math.min(runEnd, first + pieces)
    return {mirror, offset: map.frontier(first), end: map.end(endPiece - 1), first, endPiece, whole: false}
  }
  return steal(map, mirror, links, limits) ?? hedge(map, mirror, links)
}
