// When no free pieces are left: which busy span an idle link takes part of, or which tail it duplicates, judged by when each would finish.
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {Assignment, SchedulerLimits} from './assignment.js'

/** A link younger than this is judged by its mirror's speed, not its own: its own is still a guess. */
export const HEDGE_GRACE_MS = 1500
/** An idle mirror hedges a live link when the victim would take this many times as long as the duplicate. */
const IDLE_HEDGE_FACTOR = 1.5
/**
 * A live link is hedged only when the duplicate would end at least this much sooner. Rates are smoothed
 * over a second, so a smaller predicted gain is within their error, and the duplicate's bytes are not
 * free (caps at 256 KiB pieces: a 190 KB tail hedged, and its link ended 1 ms later).
 */
const MIN_HEDGE_GAIN_SECONDS = 0.25
/** What a new request costs before its first byte, when the mirror has not been measured yet. */
const DEFAULT_SETUP_SECONDS = 0.5

/**
 * A hedge whose partner still runs sends duplicates. One whose partner was cut (a stalled or collapsed
 * mirror's link) inherited the span and is the only link doing that work: it counts as work, or the
 * rest of the download looks nearly done and no idle mirror takes part of it (stall bench: a 20 Mbit/s
 * mirror idle for the last 2.5 s while a 10 Mbit/s hedge carried a stopped mirror's 18 MB).
 */
function duplicating(link: Link): boolean {
  return link.hedge && link.partner !== undefined
}

export function setupSeconds(mirror: MirrorState): number {
  return mirror.speed.setupMs === undefined ? DEFAULT_SETUP_SECONDS : mirror.speed.setupMs / 1000
}

/** A link's speed: its own once it has run for the grace period, before that its mirror's per-link speed. */
function expectedRate(link: Link, now: number): number | undefined {
  if (now - link.startedAt >= HEDGE_GRACE_MS && link.rate > 0) return link.rate
  return link.mirror.speed.linkRate > 0 ? link.mirror.speed.linkRate : undefined
}

/**
 * How a new link on `mirror` would fare: its mirror's total rate, and the seconds before it could
 * start on new work. A server's bandwidth is often shared by all its connections, so new work is
 * counted behind what the mirror's other links still hold, duplicates it is already sending
 * included; for servers that limit each connection instead this is pessimistic, which only makes
 * the thief take less now and more later. An idle mirror is judged by the best of its per-link rate
 * and what its last lone link got, which is the whole server where the connections share it.
 * `backlog` is its own work, without duplicates. Undefined while the mirror's speed is unknown.
 */
function thiefOutlook(mirror: MirrorState, links: readonly Link[]): {capacity: number; ready: number; backlog: number} | undefined {
  const capacity = mirror.links > 0 ? busyCapacity(mirror) : Math.max(mirror.speed.linkRate, mirror.speed.soloRate)
  if (!(capacity > 0)) return undefined
  let backlog = 0
  let hedging = 0
  for (const link of links) {
    if (link.mirror !== mirror || link.cutReason) continue
    if (duplicating(link)) hedging += link.remaining
    else backlog += link.remaining
  }
  return {capacity, ready: setupSeconds(mirror) + (backlog + hedging) / capacity, backlog}
}

/**
 * A busy mirror's rate: its measured throughput, which a link that just started or ended does not
 * disturb; before that is known, the sum of its links' rates. (Counting only the links' smoothed rates
 * made a 10 MB/s mirror look like 7 while one of its links ramped up, and it then refused work it
 * could have done.)
 */
function busyCapacity(mirror: MirrorState): number {
  return mirror.speed.throughput > 0 ? mirror.speed.throughput : mirror.speed.rate > 0 ? mirror.speed.rate : mirror.speed.linkRate
}

/** Seconds until all links together would finish what they hold, at their mirrors' speeds. */
export function horizon(links: readonly Link[]): number {
  let remaining = 0
  // Per sending mirror: its throughput once measured, else the sum of its links' rates.
  const rates = new Map<MirrorState, number>()
  for (const link of links) {
    if (link.cutReason || duplicating(link)) continue
    remaining += link.remaining
    rates.set(link.mirror, (rates.get(link.mirror) ?? 0) + link.rate)
  }
  let rate = 0
  for (const [mirror, sum] of rates) rate += mirror.speed.throughput > 0 ? mirror.speed.throughput : sum
  return rate > 0 ? remaining / rate : Infinity
}

/**
 * The back part of the span that would finish last, sized so that it and the new link end together:
 * a fast thief takes most of a slow link's span, a slow thief little or nothing. Never more than the
 * thief can finish before all links together would be done, so a slow mirror that frees a link near
 * the end does not take pieces a fast one will be free to take a moment later. Splits fall on piece
 * boundaries, the victim keeps the piece it is writing, and a split that does not bring the finish
 * closer by more than a request costs is not made. The split falls after the bytes already on their
 * way to the victim.
 */
export function steal(map: PieceMap, mirror: MirrorState, links: readonly Link[], limits: SchedulerLimits): Assignment | undefined {
  const now = Date.now()
  let victim: Link | undefined
  let lead: Link | undefined
  let victimRate = 0
  let victimReach = 0
  let worst = 0
  for (const link of links) {
    // A hedged pair is one span, judged through the link that owns it and split at whichever is further along.
    if (link.whole || link.cutReason || (link.hedge && link.partner)) continue
    const ahead = link.partner && !link.partner.cutReason && link.partner.position > link.position ? link.partner : link
    const rate = pairRate(link, now)
    const reach = Math.min(link.end - 1, ahead.position + inFlight(ahead, rate))
    if (Math.ceil(link.end / map.pieceLength) - map.pieceAt(reach) - 1 < limits.minSplitPieces) continue
    // Unmeasured links and mirrors (the first seconds of a run): split the largest span in half.
    const seconds = rate === undefined ? ahead.remaining : ahead.remaining / rate
    if (seconds > worst) {
      worst = seconds
      victim = link
      lead = ahead
      victimRate = rate ?? 0
      victimReach = reach
    }
  }
  if (!victim || !lead) return undefined
  const endPiece = Math.ceil(victim.end / map.pieceLength)
  const lowest = map.pieceAt(victimReach) + 1
  const pieceAfter = (bytes: number) => Math.round((victim.end - bytes) / map.pieceLength)
  let first: number
  const thief = thiefOutlook(mirror, links)
  if (victimRate > 0 && thief) {
    const {capacity, ready} = thief
    // Equal finish: (remaining - x) / victimRate = ready + x / capacity.
    const share = (lead.remaining / victimRate - ready) / (1 / victimRate + 1 / capacity)
    const limit = capacity * (horizon(links) - ready)
    if (!(share > 0) || !(limit > 0)) return undefined
    first = Math.max(lowest, pieceAfter(share), Math.ceil((victim.end - limit) / map.pieceLength))
    if (first > endPiece - limits.minSplitPieces) return undefined
    const kept = (map.start(first) - lead.position) / victimRate
    const taken = ready + (victim.end - map.start(first)) / capacity
    if (Math.max(kept, taken) >= worst - setupSeconds(mirror)) return undefined
  } else {
    first = Math.max(lowest, pieceAfter(lead.remaining / 2))
    if (first > endPiece - limits.minSplitPieces) return undefined
  }
  victim.end = map.start(first)
  // Seen on caps-rtt: a 20 Mbit mirror hedged the 10 Mbit one's last 2.9 MB, and the 80 Mbit mirror,
  // free a moment later, could neither hedge nor split the pair and waited 1.1 s for it.
  if (victim.partner) victim.partner.end = victim.end
  return {mirror, offset: map.frontier(first), end: map.end(endPiece - 1), first, endPiece, whole: false, stealFrom: victim}
}

/**
 * Bytes the link's server has sent that have not reached it yet: its rate times its mirror's measured
 * time to a first byte (the round trip and the server's queue). They arrive whatever the split, so a
 * split among them only throws them away. Seen on caps-https: in the last 0.1 s a fast mirror stole one
 * piece at a time from links two pieces from their end, and each steal discarded up to a queue's worth
 * (256-500 KB) of bytes already on their way, for a finish at most 50 ms sooner.
 */
function inFlight(link: Link, rate: number | undefined): number {
  const setupMs = link.mirror.speed.setupMs
  return rate !== undefined && setupMs !== undefined ? (rate * setupMs) / 1000 : 0
}

/** The faster of a link and its hedge partner, as expectedRate judges each. */
function pairRate(link: Link, now: number): number | undefined {
  const own = expectedRate(link, now)
  const partner = link.partner && !link.partner.cutReason ? expectedRate(link.partner, now) : undefined
  return own === undefined ? partner : partner === undefined ? own : Math.max(own, partner)
}

/**
 * The last resort: duplicate the tail of the link that would finish last, from its current byte. A
 * quiet link is always worth it. A live one only when this mirror has nothing else left to send and
 * would finish the tail in well under the victim's time: on a mirror that still has work, the
 * duplicate bytes share its bandwidth and delay that work, and the steals made as other links free
 * up split the tail without any duplicate (seen on the caps benchmark: a busy 80 Mbit mirror hedged a
 * 2.9 MB tail 1.4 s before the end, and 1 MB was downloaded twice). The first to reach the end wins;
 * each byte is written once, by whichever link brings it first.
 */
export function hedge(map: PieceMap, mirror: MirrorState, links: readonly Link[]): Assignment | undefined {
  const now = Date.now()
  let victim: Link | undefined
  let worst = 0
  for (const link of links) {
    if (link.partner || link.cutReason || link.whole || link.remaining === 0 || link.mirror === mirror) continue
    const quiet = now - link.lastByteAt > 1000 && now - link.startedAt >= HEDGE_GRACE_MS
    const rate = expectedRate(link, now)
    if (!quiet && rate === undefined) continue
    // A link whose mirror-mates just ended gets the mirror's whole delivery, while its own rate, smoothed
    // over a second, still shows its old share (caps-https: a 10 Mbit mirror's last link judged at 130 KB/s,
    // its 115 KB tail hedged and the link cut, when it had the server's 1.25 MB/s to itself).
    const seconds = quiet ? Infinity : link.remaining / Math.max(rate!, link.mirror.speed.throughput / Math.max(1, link.mirror.links))
    if (!victim || seconds > worst) {
      victim = link
      worst = seconds
    }
  }
  if (!victim) return undefined
  if (worst !== Infinity) {
    const thief = thiefOutlook(mirror, links)
    if (!thief || thief.backlog > 0) return undefined
    const duplicate = thief.ready + victim.remaining / thief.capacity
    if (worst < IDLE_HEDGE_FACTOR * duplicate || worst - duplicate < MIN_HEDGE_GAIN_SECONDS) return undefined
    // A slower mirror wins against a live link of a faster one only when that link's estimate is wrong
    // (a young link judged by a stale rate): seen on caps, a 10 Mbit mirror hedged a 6 MiB span the
    // 80 Mbit one had just started, and lost it 0.6 s later with the bytes it had sent.
    if (victim.mirror.speed.throughput / Math.max(1, victim.mirror.links) > thief.capacity) return undefined
  }
  // From the first byte not yet handed to the writer: the victim's position may run ahead of it by a
  // batch it has not flushed, and bytes past the frontier are never written, so a hedge started at the
  // position wrote nothing, "won", and its range was fetched again after the victim's cut.
  let piece = map.pieceAt(Math.max(0, victim.position - 1))
  while (piece > 0 && !map.isClaimed(piece - 1) && map.ownerOf(piece - 1) === victim.id) piece--
  if (map.isClaimed(piece) && piece + 1 < map.count) piece++
  const offset = map.frontier(piece)
  if (offset >= victim.end) return undefined
  return {mirror, offset, end: victim.end, first: piece, endPiece: Math.ceil(victim.end / map.pieceLength), whole: false, hedgeOf: victim}
}
