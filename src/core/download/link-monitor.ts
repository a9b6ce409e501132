// Samples every link's rate several times a second (EWMA) and decides which links to cut: stalled, below the floor, or far below their peers.
import {horizon} from './endgame.js'
import type {CutReason} from './events.js'
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'
import {smooth} from './mirror-speed.js'

export type MonitorRules = {
  stallTimeoutMs: number
  graceMs: number
  lowestSpeed: number
  relativeSpeed: number
  perMirror: number
  maxTries: number
  /** A relative cut is pointless when the remainder is this small; the tail hedge handles it. */
  minRemaining: number
}

/**
 * A hedge is a spare copy, so a quiet one is given up on sooner than the stall timeout: while it
 * holds its partner, no other mirror may hedge that partner.
 */
export const HEDGE_QUIET_MS = 2000
/** A mirror that sent bytes this recently is slow, not stopped: a stopped one is left to the stall timeout. */
const STILL_SENDING_MS = 500

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Updates link and mirror rates from the bytes counted since the last sample. */
export function sampleRates(links: readonly Link[], mirrors: readonly MirrorState[], elapsedMs: number, now = Date.now()): void {
  const perMirror = new Map<MirrorState, number[]>()
  for (const link of links) {
    const delta = link.bytes - link.sampledBytes
    link.sampledBytes = link.bytes
    if (link.firstByteAt === undefined) continue
    const first = link.rate === 0 && delta > 0
    link.rate = smooth(link.rate, (delta * 1000) / Math.max(1, elapsedMs), elapsedMs, first)
    const rates = perMirror.get(link.mirror) ?? []
    rates.push(link.rate)
    perMirror.set(link.mirror, rates)
  }
  for (const mirror of mirrors) mirror.speed.sample(perMirror.get(mirror) ?? [], mirror.bytes, elapsedMs, now)
}

/** When each mirror last sent a byte, on its running links or on links that already ended. */
function lastBytes(links: readonly Link[]): Map<MirrorState, number> {
  const last = new Map<MirrorState, number>()
  for (const link of links) last.set(link.mirror, Math.max(last.get(link.mirror) ?? link.mirror.speed.deliveredAt, link.lastByteAt))
  return last
}

/**
 * A link's speed as the monitor judges it: the better of its own rate and its mirror's throughput
 * per link. One server's connections often share one queue, and one of them starved for a while by
 * its siblings is not slow while the mirror as a whole delivers.
 */
/** Seconds the links other than `except` need for what they hold (none: 0). */
function othersFinish(links: readonly Link[], except: Link): number {
  const others = links.filter((link) => link !== except && !link.cutReason && link.remaining > 0)
  return others.length === 0 ? 0 : horizon(others)
}

function judgedRate(link: Link): number {
  const {speed, links} = link.mirror
  return Math.max(link.rate, links > 0 ? speed.throughput / links : 0)
}

/**
 * A link its mirror's collapse caught (not the probe that tests whether it came back), on a mirror
 * that still sends but far below its own best, while another usable mirror is faster now.
 */
function collapsed(link: Link, mirrors: readonly MirrorState[], quietFor: number, now: number, rules: MonitorRules): boolean {
  const {mirror} = link
  if (!mirror.speed.collapsed || link.startedAt >= mirror.speed.probeAt || quietFor > STILL_SENDING_MS) return false
  return mirrors.some((other) => other !== mirror && !other.wholeOnly && other.isUsableAt(now, rules.maxTries) && !other.speed.collapsed && other.speed.throughput > mirror.speed.throughput)
}

/** The links to cut now, with why. */
export function decideCuts(links: readonly Link[], mirrors: readonly MirrorState[], now: number, rules: MonitorRules): Array<{link: Link; reason: CutReason}> {
  const cuts: Array<{link: Link; reason: CutReason}> = []
  const settled = links.filter((link) => link.firstByteAt !== undefined && now - link.firstByteAt >= rules.graceMs)
  const typical = median(settled.map((link) => judgedRate(link)))
  const lastByte = lastBytes(links)
  for (const link of links) {
    if (link.cutReason) continue
    const quietFor = now - link.lastByteAt
    // Stalled only when the whole mirror went quiet. A link starved behind its siblings in the
    // server's queue usually recovers; after twice the timeout it gives its span back, and the
    // mirror keeps its standing either way.
    const mirrorQuiet = now - lastByte.get(link.mirror)! > rules.stallTimeoutMs
    if (link.hedge && link.partner !== undefined && quietFor > HEDGE_QUIET_MS) {
      // A quiet spare copy is given up on; its mirror is benched only if it went quiet as a whole, not
      // when the copy is starved behind its siblings (seen on the degrade bench: a healthy mirror benched near the end).
      cuts.push({link, reason: now - lastByte.get(link.mirror)! > HEDGE_QUIET_MS ? 'stall' : 'starved'})
      continue
    }
    if (quietFor > rules.stallTimeoutMs && (mirrorQuiet || quietFor > 2 * rules.stallTimeoutMs)) {
      cuts.push({link, reason: mirrorQuiet ? 'stall' : 'starved'})
      continue
    }
    if (collapsed(link, mirrors, now - lastByte.get(link.mirror)!, now, rules)) {
      // Its spans go back to the map at once, for the mirrors still at speed; waiting for steals would leave them at the old pace's estimate.
      cuts.push({link, reason: 'relative'})
      continue
    }
    if (!settled.includes(link)) continue
    const rate = judgedRate(link)
    if (rules.lowestSpeed > 0 && rate < rules.lowestSpeed) {
      cuts.push({link, reason: 'slow'})
      continue
    }
    // A slow link that would still end before the rest costs the download nothing: cutting it threw away
    // its queued bytes for no gain (caps-https: a 10 Mbit mirror's last 0.3 MB moved 0.4 s before the end).
    if (settled.length >= 2 && rate < rules.relativeSpeed * typical && link.remaining > rules.minRemaining && link.remaining / rate > othersFinish(links, link)) {
      // Only worth it when another mirror with room is known to be much faster per link.
      const better = mirrors.some(
        (mirror) =>
          mirror !== link.mirror &&
          mirror.isUsableAt(now, rules.maxTries) &&
          !mirror.wholeOnly &&
          mirror.links < mirror.linkRoom(rules.perMirror) &&
          mirror.speed.linkRate * rules.relativeSpeed > rate,
      )
      if (better) cuts.push({link, reason: 'relative'})
    }
  }
  return cuts
}
