// Spaces out requests to one service: a request starts no sooner than `intervalMs` after the previous one finished.
import {setTimeout as sleep} from 'node:timers/promises'

export class RateGate {
  private next = 0

  constructor(private readonly intervalMs: number) {}

  /** Runs `task` when the gate allows; counting from the end of the last task keeps the spacing true at the server too. */
  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const wait = this.next - Date.now()
    if (wait > 0) await sleep(wait, undefined, {signal})
    try {
      return await task()
    } finally {
      this.next = Date.now() + this.intervalMs
    }
  }
}
