// What the shaped scenarios share: the four mirrors' caps, the file size, the client list and the time limit.

/** 80/40/20/10 Mbit/s in bytes per second; the sum is 150 Mbit/s = 18.75 MB/s. */
export const CAPS = [10e6, 5e6, 2.5e6, 1.25e6]
export const CAPS_SUM = CAPS.reduce((sum, cap) => sum + cap, 0)

export function shapedSize(options) {
  return options.size ?? (options.quick ? 64 : 256)
}

/** The scenario's default clients (fewer with --quick), or those named by --clients; only installed ones. */
export function pickClients(context, defaults) {
  const quick = ['mirrorkit', 'aria2Tuned', 'curl']
  const wanted = context.options.clients ?? (context.options.quick ? defaults.filter((name) => quick.includes(name)) : defaults)
  return wanted.filter((name) => context.available.has(name))
}

/**
 * Generous enough for aria2's 60 s stall timeout, bounded so a hung client never hangs the
 * benchmark; --quick allows 30 s so a smoke run stays near two minutes even when a client hangs.
 */
export function timeLimitMs(idealSeconds, quick = false) {
  return Math.round(Math.max(quick ? 30 : 120, idealSeconds * 6) * 1000)
}

export function extraArguments(context, clientName) {
  return clientName.startsWith('mirrorkit') ? context.options.mirrorkitArgs : []
}

/**
 * Runs `trial(clientName)` for every client, `rounds` rounds (`--repeat` unless a scenario asks for
 * more), the clients taking turns within each round so that a slow moment of a shared machine hits all
 * of them alike. Returns every run.
 */
export async function interleaved(context, clientNames, trial, rounds = context.options.repeat) {
  const runs = []
  for (let round = 1; round <= rounds; round++) {
    for (const clientName of clientNames) runs.push({...(await trial(clientName, round)), round})
  }
  return runs
}

/**
 * One row per client and file size: the run with the median `key`, noting the spread over the rounds
 * and, for memory, the highest peak of any round (a target on peak RSS must hold in every run).
 */
export function medianRows(runs, key) {
  const groups = new Map()
  for (const run of runs) {
    const id = `${run.client}\u0000${run.bytes}`
    groups.set(id, [...(groups.get(id) ?? []), run])
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => (a[key] ?? Infinity) - (b[key] ?? Infinity))
    const median = sorted[(sorted.length - 1) >> 1]
    const values = group.map((run) => run[key]).filter((value) => typeof value === 'number')
    const peaks = group.map((run) => run.peakRssMB).filter((value) => typeof value === 'number')
    return {
      ...median,
      runs: group.length,
      spread: values.length > 1 ? [Math.min(...values), Math.max(...values)] : undefined,
      ...(peaks.length > 0 ? {peakRssMB: Math.max(...peaks)} : {}),
    }
  })
}
