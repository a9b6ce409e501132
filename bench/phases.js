// Splits a mirrorkit run into phases from its `--progress json` events: start-up, transfer, end checks, exit.

/**
 * `stderr` holds one JSON event per line, each with an ISO `time`; `spawnedAt` and `exitedAt` are
 * epoch milliseconds of the process. Returns seconds per phase, or undefined without events.
 */
export function mirrorkitPhases(stderr, spawnedAt, exitedAt) {
  const events = []
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue
    try {
      const event = JSON.parse(line)
      if (event.time) events.push({...event, at: Date.parse(event.time)})
    } catch {
      // A line cut by the tail buffer, or a log line: not an event.
    }
  }
  const start = events.find((event) => event.type === 'start')
  if (!start) return undefined
  const firstCheck = events.find((event) => event.type === 'check')
  const done = events.find((event) => event.type === 'done')
  const linkEnds = events.filter((event) => ['link-end', 'link-cut', 'link-error'].includes(event.type) && (!firstCheck || event.at <= firstCheck.at))
  const transferEnd = linkEnds.at(-1)?.at ?? firstCheck?.at ?? done?.at
  const seconds = (from, to) => (from !== undefined && to !== undefined ? Math.max(0, (to - from) / 1000) : undefined)
  return {
    startup: seconds(spawnedAt, start.at),
    transfer: seconds(start.at, transferEnd),
    checks: seconds(transferEnd, done?.at),
    exit: seconds(done?.at, exitedAt),
    links: events.filter((event) => event.type === 'link-start').length,
    steals: events.filter((event) => event.type === 'steal').length,
    hedges: events.filter((event) => event.type === 'hedge-start').length,
    cuts: countBy(events.filter((event) => event.type === 'link-cut'), (event) => event.reason),
    errors: countBy(events.filter((event) => event.type === 'link-error'), (event) => event.code),
    linksPerMirror: countBy(events.filter((event) => event.type === 'link-start'), (event) => event.mirror),
    quarantined: events.filter((event) => event.type === 'mirror-quarantined').map((event) => event.mirror),
  }
}

function countBy(list, key) {
  const counts = {}
  for (const item of list) counts[key(item)] = (counts[key(item)] ?? 0) + 1
  return counts
}
