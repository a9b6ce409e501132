// How fast one mirror is during a download: its links' rates, its own throughput, and what a new request costs before its first byte.
import {CollapseWatch} from './mirror-collapse.js'

/** Rates react within about a second but ignore one late chunk. */
const SMOOTHING_MS = 1000
/** Weight of the newest time-to-first-byte sample. */
const SETUP_WEIGHT = 0.3
/** Throughput measured for less than this is not yet a peak to compare with (a burst at the start). */
const PEAK_AFTER_MS = 1000

/** An exponentially weighted moving average over time: `first` takes the sample as it is. */
export function smooth(previous: number, sample: number, elapsedMs: number, first: boolean): number {
  if (first) return sample
  const weight = 1 - Math.exp(-elapsedMs / SMOOTHING_MS)
  return previous + weight * (sample - previous)
}

/** Written only by the link monitor's samples and by requests' first bytes; everyone else reads. */
export class MirrorSpeed {
  #rate = 0
  #linkRate: number
  #throughput = 0
  #soloRate = 0
  #sampledBytes = 0
  #sampledLinks = 0
  #setupMs: number | undefined
  #deliveredAt = 0
  #measuredMs = 0
  #peak = 0
  #peakPerLink = 0
  readonly #collapse = new CollapseWatch()

  /** `rankedRate`: rank's single-stream probe, the best guess of a link's speed until links measure it. */
  constructor(rankedRate?: number) {
    this.#linkRate = rankedRate ?? 0
  }

  /** Sum of its links' smoothed rates at the last sample. */
  get rate(): number {
    return this.#rate
  }

  /** Its links' smoothed rate per link at the last sample, to predict a new link's speed. */
  get linkRate(): number {
    return this.#linkRate
  }

  /**
   * Smoothed bytes per second of the whole mirror, from its own byte count over intervals in which it
   * had links from start to end. Unlike the sum of its links' rates, it does not drop while a new link
   * ramps up or when a link ends, so it is what the endgame counts on as the mirror's capacity.
   */
  get throughput(): number {
    return this.#throughput
  }

  /** The same, over intervals in which one link had the mirror to itself: what one new link may get once it is idle. */
  get soloRate(): number {
    return this.#soloRate
  }

  /**
   * Its delivery over its last second of sending fell to a fraction of the best it showed, both in all
   * and per link: the server slowed down (a shared server under load, a degraded route), not just
   * fewer links on it. It stays so until a probe link measures it back (mirror-collapse.ts).
   */
  get collapsed(): boolean {
    return this.#collapse.collapsed
  }

  /** While collapsed: links started before this were caught by the collapse; the one started after it is the probe. */
  get probeAt(): number {
    return this.#collapse.probeAt
  }

  /** No new link for it now: collapsed, unless its probe is due and none of its links runs. */
  keepsOut(now: number, links: number): boolean {
    return this.#collapse.keepsOut(now, links)
  }

  /** When a sample last found new bytes from it, on any link (ended ones included); 0 before that. */
  get deliveredAt(): number {
    return this.#deliveredAt
  }

  /** Smoothed milliseconds from a request to its first byte: what a new link costs before it moves data. */
  get setupMs(): number | undefined {
    return this.#setupMs
  }

  /** One monitor sample: the smoothed rates of the links it has now, and the bytes it has sent in all. */
  sample(linkRates: readonly number[], bytes: number, elapsedMs: number, now = Date.now()): void {
    this.#rate = linkRates.reduce((sum, rate) => sum + rate, 0)
    // Collapsed, the links it caught still carry rates smoothed from before; they may lower its per-link speed, never raise it.
    if (linkRates.length > 0) this.#linkRate = this.collapsed ? Math.min(this.#linkRate, this.#rate / linkRates.length) : this.#rate / linkRates.length
    // Counted only over intervals it was sending from start to end, so idle time and ramp-up do not dilute it.
    const active = linkRates.length
    const sample = ((bytes - this.#sampledBytes) * 1000) / Math.max(1, elapsedMs)
    if (active > 0 && this.#sampledLinks > 0) {
      this.#throughput = smooth(this.#throughput, sample, elapsedMs, this.#throughput === 0)
      if (active === 1 && this.#sampledLinks === 1) this.#soloRate = smooth(this.#soloRate, sample, elapsedMs, this.#soloRate === 0)
      this.#measuredMs += elapsedMs
      if (this.#measuredMs >= PEAK_AFTER_MS) {
        this.#peak = Math.max(this.#peak, this.#throughput)
        this.#peakPerLink = Math.max(this.#peakPerLink, this.#throughput / active)
      }
      const collapsedAt = this.#collapse.observe(elapsedMs, bytes - this.#sampledBytes, active, now, this.#peak, this.#peakPerLink)
      if (collapsedAt !== undefined) {
        // What it delivers now, not a smoothed memory of its best: the endgame sizes steals and hedges
        // from these. At least a byte a second, since a speed of 0 reads there as "not measured yet".
        const delivering = Math.max(1, collapsedAt)
        this.#throughput = delivering
        this.#rate = delivering
        this.#linkRate = delivering / active
        this.#soloRate = Math.min(this.#soloRate, delivering)
      }
    }
    if (bytes > this.#sampledBytes) this.#deliveredAt = now
    this.#sampledBytes = bytes
    this.#sampledLinks = active
  }

  /** Records one request's time to first byte. */
  noteSetup(milliseconds: number): void {
    this.#setupMs = this.#setupMs === undefined ? milliseconds : this.#setupMs + SETUP_WEIGHT * (milliseconds - this.#setupMs)
  }
}
