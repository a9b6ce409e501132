// Scenario "relay": curl through the delay relay from one capped mirror at a time, to show the relay carries each cap and is not the bottleneck.
import {contentFile} from '../content-file.js'
import {runTrial} from '../trial.js'
import {ROUND_TRIPS_MS} from './shaped.js'
import {CAPS, interleaved, medianRows, timeLimitMs} from './shared.js'

export const description = `curl from each capped nginx alone through the relay (${ROUND_TRIPS_MS.join('/')} ms): fraction of that mirror's cap`
const MEBIBYTES = 16

export async function run(context) {
  const content = await contentFile(MEBIBYTES)
  const runs = []
  for (const [index, cap] of CAPS.entries()) {
    const roundTrip = ROUND_TRIPS_MS[index]
    runs.push(
      ...(await interleaved(context, ['curl'], async (clientName, round) => {
        context.log(`relay: curl from the ${(cap * 8e-6).toFixed(0)} Mbit/s mirror, ${roundTrip} ms away (round ${round} of ${context.options.repeat})`)
        const ideal = content.size / cap
        const row = await runTrial({clientName, content, mirrors: [{protocol: 'http', cap, roundTrip}], context, timeoutMs: timeLimitMs(ideal)})
        // The handshake's and the request's round trips are the relay's delay, not its throughput.
        const afterRoundTrips = row.verified ? ideal / (row.wallSeconds - (2 * roundTrip) / 1000) : 0
        return {...row, client: `curl-${index}`, label: `curl, ${(cap * 8e-6).toFixed(0)} Mbit/s, ${roundTrip} ms`, bytes: content.size, idealSeconds: ideal, fraction: row.verified ? ideal / row.wallSeconds : 0, afterRoundTrips}
      })),
    )
  }
  return {bytes: content.size, rows: medianRows(runs, 'fraction'), runs}
}
