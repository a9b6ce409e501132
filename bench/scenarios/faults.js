// Scenarios "degrade" and "stall": the fastest mirror drops to 1% of its cap, or goes silent, 3 s into the download.
import {contentFile} from '../content-file.js'
import {idealSeconds} from '../ideal.js'
import {runTrial} from '../trial.js'
import {CAPS, CAPS_SUM, extraArguments, interleaved, medianRows, pickClients, shapedSize, timeLimitMs} from './shared.js'

const FAULT_AT_SECONDS = 3
const DEGRADED_FACTOR = 0.01

export const degradeDescription = 'the 80 Mbit/s mirror drops to 1% of its cap after 3 s: ideal time / wall time'
export const stallDescription = 'the 80 Mbit/s mirror stops sending after 3 s (sockets left open): ideal time / wall time'

export const runDegrade = (context) =>
  runFaultScenario(context, 'degrade', {at: FAULT_AT_SECONDS, mirror: 0, action: 'degrade', factor: DEGRADED_FACTOR}, CAPS[0] * (1 - DEGRADED_FACTOR))

export const runStall = (context) => runFaultScenario(context, 'stall', {at: FAULT_AT_SECONDS, mirror: 0, action: 'stall'}, CAPS[0])

/**
 * `lost` is the capacity (bytes/s) that disappears at the fault. Each row's ideal uses the moment
 * the fault really hit, counted from the client's spawn: full capacity before, the rest after.
 */
async function runFaultScenario(context, name, event, lost) {
  const content = await contentFile(shapedSize(context.options))
  const clock = context.options.faultClock
  const idealFor = (faultAt) => idealSeconds(content.size, [{from: 0, rate: CAPS_SUM}, {from: faultAt, rate: CAPS_SUM - lost}])
  const ideal = idealFor(event.at)
  const clientNames = pickClients(context, ['mirrorkit', 'mirrorkitNoCheck', 'aria2Tuned'])
  const runs = await interleaved(context, clientNames, async (clientName, round) => {
    context.log(`${name}: ${clientName} (${content.size / 2 ** 20} MiB, fault ${event.at} s after ${clock === 'spawn' ? 'the spawn' : 'the first byte'}, round ${round} of ${context.options.repeat})`)
    const row = await runTrial({
      clientName,
      content,
      caps: CAPS,
      events: [event],
      faultClock: clock,
      shaper: context.shaper,
      timeoutMs: timeLimitMs(ideal, context.options.quick),
      keep: context.options.keep,
      extra: extraArguments(context, clientName),
    })
    const faultAt = row.faultsApplied.find((applied) => applied.appliedAt !== undefined)?.appliedAt
    // A client that finished before the fault hit had the whole capacity all along.
    const rowIdeal = faultAt === undefined ? content.size / CAPS_SUM : idealFor(faultAt)
    return {...row, bytes: content.size, faultAt, idealSeconds: rowIdeal, fraction: row.verified ? rowIdeal / row.wallSeconds : 0}
  })
  const rows = medianRows(runs, 'fraction')
  return {bytes: content.size, faultClock: clock, idealSecondsIfFaultAtSpawnPlus3: ideal, rows, runs}
}
