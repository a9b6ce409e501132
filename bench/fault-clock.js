// Starts a scenario's fault timers when the client is spawned (what a user waits for), or optionally when the first body byte leaves any mirror.

/** Often enough that "3 s after the first byte" is accurate to a few tens of milliseconds. */
const POLL_MS = 25

/**
 * Fires each event `event.at` seconds after the clock starts: the client's spawn, or with `clock`
 * 'first-byte' the moment any mirror has sent body data (`mirror.hasSentData()`), which leaves the
 * client's start-up out of the fault's timing. Returns {cancel(), firstByteAt()}; times are performance.now() values.
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
        const sent = await Promise.all(mirrors.map((mirror) => mirror.hasSentData()))
        if (!cancelled && firstByteAt === undefined && sent.some(Boolean)) {
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
