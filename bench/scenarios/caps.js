// Scenario "caps": four mirrors capped at 80/40/20/10 Mbit/s; how much of the 150 Mbit/s sum each client uses.
import {contentFile} from '../content-file.js'
import {runTrial} from '../trial.js'
import {CAPS, CAPS_SUM, extraArguments, interleaved, medianRows, pickClients, shapedSize, timeLimitMs} from './shared.js'

export const description = 'four capped mirrors (80/40/20/10 Mbit/s): throughput as a fraction of the sum of the caps'

export async function run(context) {
  const content = await contentFile(shapedSize(context.options))
  const ideal = content.size / CAPS_SUM
  const clientNames = pickClients(context, ['mirrorkit', 'mirrorkitNoCheck', 'aria2Tuned', 'aria2Defaults', 'axel'])
  const runs = await interleaved(context, clientNames, async (clientName, round) => {
    context.log(`caps: ${clientName} (${content.size / 2 ** 20} MiB, ideal ${ideal.toFixed(1)} s, round ${round} of ${context.options.repeat})`)
    const row = await runTrial({
      clientName,
      content,
      caps: CAPS,
      shaper: context.shaper,
      timeoutMs: timeLimitMs(ideal, context.options.quick),
      keep: context.options.keep,
      extra: extraArguments(context, clientName),
    })
    return {
      ...row,
      bytes: content.size,
      idealSeconds: ideal,
      fraction: row.verified ? ideal / row.wallSeconds : 0,
      transferFraction: row.verified && row.transferSeconds ? ideal / row.transferSeconds : undefined,
    }
  })
  return {bytes: content.size, idealSeconds: ideal, rows: medianRows(runs, 'fraction'), runs}
}
