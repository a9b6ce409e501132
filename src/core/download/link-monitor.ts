// Samples every link's rate several times a second (EWMA) and decides which links to cut: stalled, below the floor, or far below their peers.
import type {CutReason} from './events.js'
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'

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

/** Rates react within about a second but ignore one late chunk. */
const SMOOTHING_MS = 1000

export function smooth(previous: number, sample: number, elapsedMs: number, first: boolean): number {
  if (first) return sample
  const weight = 1 - Math.exp(-elapsedMs / SMOOTHING_MS)
  return previous + weight * (sample - previous)
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Updates link and mirror rates from the bytes counted since the last sample. */
export function sampleRates(links: readonly Link[], mirrors: readonly MirrorState[], elapsedMs: number): void {
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
  for (const mirror of mirrors) {
    const rates = perMirror.get(mirror)
    mirror.rate = rates ? rates.reduce((sum, rate) => sum + rate, 0) : 0
    if (rates) mirror.linkRate = mirror.rate / rates.length
    sampleThroughput(mirror, rates?.length ?? 0, elapsedMs)
  }
}

/** The mirror's own rate, counted only over intervals it was sending from start to end (so idle time and ramp-up do not dilute it). */
function sampleThroughput(mirror: MirrorState, active: number, elapsedMs: number): void {
  const sample = ((mirror.bytes - mirror.sampledBytes) * 1000) / Math.max(1, elapsedMs)
  if (active > 0 && mirror.sampledLinks > 0) {
    mirror.throughput = smooth(mirror.throughput, sample, elapsedMs, mirror.throughput === 0)
    if (active === 1 && mirror.sampledLinks === 1) mirror.soloRate = smooth(mirror.soloRate, sample, elapsedMs, mirror.soloRate === 0)
  }
  mirror.sampledBytes = mirror.bytes
  mirror.sampledLinks = active
}

/** The links to cut now, with why. */
export function decideCuts(links: readonly Link[], mirrors: readonly MirrorState[], now: number, rules: MonitorRules): Array<{link: Link; reason: CutReason}> {
  const cuts: Array<{link: Link; reason: CutReason}> = []
  const settled = links.filter((link) => link.firstByteAt !== undefined && now - link.firstByteAt >= rules.graceMs)
  const typical = median(settled.map((link) => link.rate))
  for (const link of links) {
    if (link.cutReason) continue
    const quietFor = now - link.lastByteAt
    if (quietFor > rules.stallTimeoutMs || (link.hedge && link.partner !== undefined && quietFor > HEDGE_QUIET_MS)) {
      cuts.push({link, reason: 'stall'})
      continue
    }
    if (!settled.includes(link)) continue
    if (rules.lowestSpeed > 0 && link.rate < rules.lowestSpeed) {
      cuts.push({link, reason: 'slow'})
      continue
    }
    if (settled.length >= 2 && link.rate < rules.relativeSpeed * typical && link.remaining > rules.minRemaining) {
      // Only worth it when another mirror with room is known to be much faster per link.
      const better = mirrors.some(
        (mirror) =>
          mirror !== link.mirror &&
          mirror.isUsableAt(now, rules.maxTries) &&
          !mirror.wholeOnly &&
          mirror.links < rules.perMirror &&
          mirror.linkRate * rules.relativeSpeed > link.rate,
      )
      if (better) cuts.push({link, reason: 'relative'})
    }
  }
  return cuts
}
