// Scenarios "degrade" and "stall": the fastest mirror drops to 1% of its cap, or goes silent, 3 s into the download.
import {contentFile} from '../content-file.js'
import {idealSeconds} from '../ideal.js'
import {runTrial} from '../trial.js'
import {CAPS, CAPS_SUM, extraArguments, pickClients, shapedSize, timeLimitMs} from './shared.js'

const FAULT_AT_SECONDS = 3
const DEGRADED_FACTOR = 0.01

export const degradeDescription = 'the 80 Mbit/s mirror drops to 1% of its cap after 3 s: ideal time / wall time'
export const stallDescription = 'the 80 Mbit/s mirror stops sending after 3 s (socket left open): ideal time / wall time'

export const runDegrade = (context) =>
  runFaultScenario(context, 'degrade', {at: FAULT_AT_SECONDS, mirror: 0, action: 'degrade', factor: DEGRADED_FACTOR}, CAPS[0] * (1 - DEGRADED_FACTOR))

export const runStall = (context) => runFaultScenario(context, 'stall', {at: FAULT_AT_SECONDS, mirror: 0, action: 'stall'}, CAPS[0])

/** `lost` is the capacity (bytes/s) that disappears at the fault; the ideal client moves everything else at full rate. */
async function runFaultScenario(context, name, event, lost) {
  const content = await contentFile(shapedSize(context.options))
  const schedule = [{from: 0, rate: CAPS_SUM}, {from: event.at, rate: CAPS_SUM - lost}]
  const ideal = idealSeconds(content.size, schedule)
  const rows = []
  for (const clientName of pickClients(context, ['mirrorkit', 'mirrorkitNoCheck', 'aria2Tuned'])) {
    context.log(`${name}: ${clientName} (${content.size / 2 ** 20} MiB, ideal ${ideal.toFixed(1)} s)`)
    const row = await runTrial({
      clientName,
      content,
      caps: CAPS,
      events: [event],
      shaper: context.shaper,
      timeoutMs: timeLimitMs(ideal),
      keep: context.options.keep,
      extra: extraArguments(context, clientName),
    })
    rows.push({...row, bytes: content.size, idealSeconds: ideal, fraction: row.verified ? ideal / row.wallSeconds : 0})
  }
  return {bytes: content.size, idealSeconds: ideal, schedule, rows}
}
