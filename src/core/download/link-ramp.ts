// How many links one mirror may carry: it starts with one and gets another only while that raises the mirror's aggregate rate.

/**
 * A probe link is kept when the mirror's rate rose by at least this share. One server's connections
 * often share one queue (a saturated uplink): there a second link adds only drops and starvation, and
 * the rate moves by a few percent either way; where each connection is limited, it nearly doubles.
 */
export const RAMP_GAIN = 0.15

/**
 * How long a probe link must run for the ramp to judge it: a third of a window to warm up and the
 * window, twice over, since a probe often gets more than its even share at first (caps-rtt: sized for
 * 1.24 MB/s it got 1.57, and ended 20 ms before the decision, so a second probe paid a new request).
 */
export function probeMs(windowMs: number): number {
  return (windowMs / 3 + windowMs) * 2
}

/** One decision, for the `mirror-links` event: the rate before and after the last probe, and the links now allowed. */
export type RampStep = {links: number; before: number; after: number; settled: boolean}

/**
 * The ramp of one mirror. Rates are measured over a window (long enough for a shared FIFO to show what
 * the links get together), only while the mirror runs as many links as it is allowed and after the
 * newest has had its first bytes for a third of a window; gaps between one span and the next request
 * count, since they are part of what the links deliver.
 */
export class LinkRamp {
  #allowed = 1
  #settled = false
  /** The rate measured with one link fewer than allowed; 0 before the first window. */
  #before = 0
  #bytes = 0
  #elapsedMs = 0
  #seenBytes = 0

  /** Links the mirror may run now (the caller applies --per-mirror and the publisher's cap on top). */
  get allowed(): number {
    return this.#allowed
  }

  /** The ramp stopped: a probe did not raise the rate, or the limit was reached. */
  get settled(): boolean {
    return this.#settled
  }

  /**
   * One monitor tick. `bytes` is all the mirror has sent so far; `links` its running links now;
   * `newestFirstByteAt` when the youngest of them got its first byte (undefined while one waits for
   * it); `limit` the most links it may ever have. Returns the decision when a window ended in one.
   */
  sample(now: number, bytes: number, elapsedMs: number, links: number, newestFirstByteAt: number | undefined, limit: number, windowMs: number): RampStep | undefined {
    const delta = bytes - this.#seenBytes
    this.#seenBytes = bytes
    if (this.#settled) return undefined
    if (this.#allowed >= limit) return this.#settle(this.#before)
    if (links < this.#allowed) return undefined
    // The window opens once the newest link is warm; after that, links that end and restart stay in it.
    if (this.#elapsedMs === 0 && (newestFirstByteAt === undefined || now - newestFirstByteAt < windowMs / 3)) return undefined
    this.#bytes += delta
    this.#elapsedMs += elapsedMs
    if (this.#elapsedMs < windowMs) return undefined
    const rate = (this.#bytes * 1000) / this.#elapsedMs
    this.#bytes = 0
    this.#elapsedMs = 0
    const before = this.#before
    if (before > 0 && rate < before * (1 + RAMP_GAIN)) {
      // The probe did not pay: back to one link fewer. The extra link finishes its span; only no new one replaces it.
      this.#allowed--
      return this.#settle(rate)
    }
    this.#before = rate
    if (this.#allowed + 1 > limit) return this.#settle(rate)
    this.#allowed++
    return {links: this.#allowed, before, after: rate, settled: false}
  }

  #settle(after: number): RampStep {
    this.#settled = true
    return {links: this.#allowed, before: this.#before, after, settled: true}
  }
}
