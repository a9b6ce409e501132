// A token bucket shared by every connection of one local mirror, so a server's aggregate bandwidth is capped fairly.

type Waiter = {bytes: number; resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort?: () => void}

/** Seconds of tokens an idle bucket may save up: small, so a connection that starts first gets no big head start. */
const BURST_SECONDS = 0.02
const MINIMUM_BURST_BYTES = 16 * 1024
/** Seconds of lateness repaid to waiting callers after the event loop was starved; more would be a visible burst. */
const CATCH_UP_SECONDS = 0.5

/**
 * Grants bytes at `bytesPerSecond` in the order they were asked for; callers that take small
 * chunks (16 KiB) therefore share the rate fairly. A grant may overdraw the bucket, and the debt
 * delays the next caller, so chunks larger than the burst still average out to the rate.
 */
export class Throttle {
  private rate: number
  private tokens = 0
  private refilledAt = performance.now()
  private readonly queue: Waiter[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(bytesPerSecond: number) {
    this.rate = normaliseRate(bytesPerSecond)
  }

  get bytesPerSecond(): number {
    return this.rate
  }

  /** Changes the rate for everything not yet granted, including callers already waiting. */
  setRate(bytesPerSecond: number): void {
    this.refill()
    this.rate = normaliseRate(bytesPerSecond)
    if (this.tokens > this.capacity) this.tokens = this.capacity
    this.reschedule()
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's reason if it aborts first. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.rate === Infinity) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {bytes, resolve, reject, signal}
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter)
          if (index >= 0) this.queue.splice(index, 1)
          reject(signal.reason)
          this.reschedule()
        }
        signal.addEventListener('abort', waiter.onAbort, {once: true})
      }
      if (this.queue.length === 0) this.refill()
      this.queue.push(waiter)
      this.pump()
    })
  }

  private get capacity(): number {
    return Math.max(MINIMUM_BURST_BYTES, this.rate * BURST_SECONDS)
  }

  /**
   * Adds the tokens earned since the last refill. While callers wait, a late timer owes them the
   * tokens of its lateness (up to half a second's worth), so the average rate survives a loaded
   * event loop; tokens saved while nobody asked are capped to the short burst.
   */
  private refill(): void {
    const now = performance.now()
    if (this.rate !== Infinity) {
      const earned = this.tokens + ((now - this.refilledAt) / 1000) * this.rate
      this.tokens = Math.min(this.queue.length > 0 ? this.rate * CATCH_UP_SECONDS : this.capacity, earned)
    }
    this.refilledAt = now
  }

  private pump(): void {
    this.refill()
    while (this.queue.length > 0 && (this.tokens >= 0 || this.rate === Infinity)) {
      const waiter = this.queue.shift() as Waiter
      if (this.rate !== Infinity) this.tokens -= waiter.bytes
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort)
      waiter.resolve()
    }
    this.reschedule()
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.queue.length === 0) return
    if (this.rate === Infinity) {
      queueMicrotask(() => this.pump())
      return
    }
    this.refill()
    const debt = Math.max(0, -this.tokens)
    const delay = Math.max(1, Math.ceil((debt / this.rate) * 1000))
    this.timer = setTimeout(() => this.pump(), delay)
  }
}

function normaliseRate(bytesPerSecond: number): number {
  if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond)) return Infinity
  return bytesPerSecond
}
