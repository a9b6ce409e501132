// Spaces out requests to one service: each wait() returns no sooner than `intervalMs` after the previous one.
import {setTimeout as sleep} from 'node:timers/promises'

export class RateGate {
  private next = 0

  constructor(private readonly intervalMs: number) {}

  async wait(signal: AbortSignal): Promise<void> {
    const now = Date.now()
    const start = Math.max(now, this.next)
    this.next = start + this.intervalMs
    if (start > now) await sleep(start - now, undefined, {signal})
  }
}
