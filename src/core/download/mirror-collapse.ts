// Decides when a mirror has collapsed far below its own best (judged on its last second of delivery), and when one probe link may test whether it came back.

/** A mirror whose delivery, in all and per link, fell below this share of its best has collapsed. */
export const COLLAPSE_SHARE = 0.25
/**
 * The sending time a verdict looks back over: long enough that a retransmission timeout on a
 * healthy server (200 ms, then 400) does not count, short enough that a real fault shows within
 * about a second (a smoothed rate with a one-second constant needed 1.4 s to fall to a quarter).
 */
export const COLLAPSE_WINDOW_MS = 1000
/** A collapsed mirror gets one probe link this long after the verdict, then twice as long after each probe that finds it still down. */
export const PROBE_FIRST_MS = 2000
const PROBE_MAX_MS = 16_000

type Interval = {start: number; ms: number; bytes: number; links: number}

/**
 * Fed by MirrorSpeed's samples; only intervals in which the mirror was sending from start to end
 * count, so while it has no link the last verdict stands until a probe link measures it again.
 */
export class CollapseWatch {
  #recent: Interval[] = []
  #collapsed = false
  #probeAt = 0
  #probeWait = PROBE_FIRST_MS

  /** Far below its best over its last window of sending, or not measured since it was. */
  get collapsed(): boolean {
    return this.#collapsed
  }

  /**
   * While collapsed: when the next probe link may start. A link on the mirror that started before it
   * is one of the links the collapse caught (or a probe that failed); one started at or after it is the probe.
   */
  get probeAt(): number {
    return this.#probeAt
  }

  /** True while no new link should go to it: collapsed, and its probe is not due or already running. */
  keepsOut(now: number, links: number): boolean {
    return this.#collapsed && (now < this.#probeAt || links > 0)
  }

  /**
   * One interval of `ms` in which it sent `bytes` over `links` links, ending at `now`; `peak` and
   * `peakPerLink` are its best smoothed rates so far. Returns the window's rate when this sample
   * declared the collapse (what it delivers now, for the speeds the endgame plans with).
   */
  observe(ms: number, bytes: number, links: number, now: number, peak: number, peakPerLink: number): number | undefined {
    this.#recent.push({start: now - ms, ms, bytes, links})
    let total = this.#recent.reduce((sum, interval) => sum + interval.ms, 0)
    while (this.#recent.length > 1 && total - this.#recent[0]!.ms >= COLLAPSE_WINDOW_MS) total -= this.#recent.shift()!.ms
    if (total < COLLAPSE_WINDOW_MS || !(peak > 0)) return undefined
    const rate = (this.#recent.reduce((sum, interval) => sum + interval.bytes, 0) * 1000) / total
    const perLink = (this.#recent.reduce((sum, interval) => sum + interval.bytes / interval.links, 0) * 1000) / total
    const low = rate < COLLAPSE_SHARE * peak && perLink < COLLAPSE_SHARE * peakPerLink
    if (!low) {
      // Back, on a probe or on links the collapse did not cut (none faster, or they were silent).
      this.#collapsed = false
      return undefined
    }
    if (!this.#collapsed) {
      this.#collapsed = true
      this.#probeWait = PROBE_FIRST_MS
      this.#probeAt = now + this.#probeWait
      return rate
    }
    // A whole window measured on the probe and still down: its link is cut (it started before the next probe time), and the next probe waits longer.
    if (this.#recent[0]!.start >= this.#probeAt) {
      this.#probeWait = Math.min(PROBE_MAX_MS, 2 * this.#probeWait)
      this.#probeAt = now + this.#probeWait
    }
    return undefined
  }
}
