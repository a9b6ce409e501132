// Waits for conditions, not for time: `until` polls a predicate up to a deadline; `holds` checks that something stays true (a stall stays stalled).
import {setTimeout as sleep} from 'node:timers/promises'

export type UntilOptions = {
  /** Milliseconds before giving up; the test then fails naming what it waited for. Default 10 s. */
  timeout?: number
  /** Milliseconds between polls. Default 10. */
  interval?: number
}

/** Resolves as soon as `predicate` holds; rejects with `what` once `timeout` passes without it. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, options: UntilOptions = {}): Promise<void> {
  const deadline = performance.now() + (options.timeout ?? 10_000)
  for (;;) {
    if (await predicate()) return
    if (performance.now() > deadline) throw new Error(`timed out after ${options.timeout ?? 10_000} ms waiting until ${what}`)
    await sleep(options.interval ?? 10)
  }
}

/**
 * Checks that `predicate` is true at every poll for `ms` milliseconds. Only for properties that say
 * nothing happens (no more bytes after a stall, no request after an abort), which no event can signal;
 * call it after `until` has waited for the state it checks.
 */
export async function holds(predicate: () => boolean, what: string, ms: number): Promise<void> {
  const end = performance.now() + ms
  while (performance.now() < end) {
    if (!predicate()) throw new Error(`stopped holding: ${what}`)
    await sleep(10)
  }
  if (!predicate()) throw new Error(`stopped holding: ${what}`)
}
