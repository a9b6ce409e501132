// Starts a scenario's fault timers either when the client is spawned or when the first body byte leaves any mirror.

/** Often enough that "3 s after the first byte" is accurate to a few tens of milliseconds. */
const POLL_MS = 25

/**
 * Fires each event `event.at` seconds after the clock starts. With `clock` 'first-byte' the clock
 * starts when any mirror has sent body bytes, so a client's start-up time does not decide whether
 * it ever sees the fault. Returns {cancel(), firstByteAt()}; times are performance.now() values.
 */
export function scheduleFaults({events, clock, mirrors, fire}) {
  const timers = []
  let poller
  let firstByteAt
  let cancelled = false
  const arm = () => {
    for (const event of events) timers.push(setTimeout(() => fire(event), event.at * 1000))
  }
  if (events.length === 0) {
    // Nothing to schedule.
  } else if (clock === 'spawn') {
    arm()
  } else {
    let polling = false
    poller = setInterval(async () => {
      if (polling || cancelled || firstByteAt !== undefined) return
      polling = true
      try {
        const stats = await Promise.all(mirrors.map((mirror) => mirror.stats()))
        if (!cancelled && firstByteAt === undefined && stats.some((each) => each.bytesSent > 0)) {
          firstByteAt = performance.now()
          clearInterval(poller)
          arm()
        }
      } catch {
        // A mirror that cannot answer is shutting down; the run is ending.
      } finally {
        polling = false
      }
    }, POLL_MS)
  }
  return {
    cancel() {
      cancelled = true
      clearInterval(poller)
      timers.forEach(clearTimeout)
    },
    firstByteAt: () => firstByteAt,
  }
}
