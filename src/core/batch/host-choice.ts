// Picks the mirror for a whole-file read: the host predicted to finish it first, waiting a little for a busy fast host rather than using a slow free one.
import type {HostMemory} from './host-memory.js'
import {hostOf, type LinkBudget} from './link-budget.js'

/** A free host this much slower than the best (or this many ms) is still taken at once. */
const SLACK_FRACTION = 0.5
const SLACK_MIN_MS = 30
/** Without any measurement yet, re-decide at least this often. */
const RECHECK_MS = 250

/**
 * Acquires a link slot on one of `urls` and returns that URL. A free host is taken when its predicted
 * time is within the slack of the best host's, busy or not; otherwise it waits for a slot to free, at
 * most the difference between the two predictions, then takes the free host anyway.
 */
export async function acquireBestHost(urls: readonly URL[], bytes: number, memory: HostMemory, budget: LinkBudget, signal: AbortSignal): Promise<URL> {
  const started = Date.now()
  for (;;) {
    signal.throwIfAborted()
    const now = Date.now()
    const healthy = urls.filter((url) => !memory.isBad(hostOf(url), now))
    const pool = healthy.length > 0 ? healthy : urls
    const predictions = pool.map((url) => ({url, host: hostOf(url), ms: memory.predictMs(hostOf(url), bytes)}))
    const known = predictions.flatMap((prediction) => (prediction.ms === undefined ? [] : [prediction.ms]))
    const best = known.length > 0 ? Math.min(...known) : 0
    // An unmeasured host is predicted as good as the best, so every host gets tried.
    const score = (ms: number | undefined) => ms ?? best
    const free = predictions.filter((prediction) => budget.hasRoom(prediction.host)).sort((a, b) => score(a.ms) - score(b.ms))
    const choice = free[0]
    const excess = choice ? score(choice.ms) - best : Infinity
    if (choice && (excess <= Math.max(SLACK_MIN_MS, SLACK_FRACTION * best) || now - started >= excess)) {
      budget.tryAcquire(choice.host)
      return choice.url
    }
    await budget.nextRelease(choice ? Math.max(5, excess - (now - started)) : RECHECK_MS, signal)
  }
}
