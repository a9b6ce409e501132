// Scenarios "unshaped" and "unshaped-https": one uncapped nginx; CPU per byte of each client, and whether mirrorkit's memory stays flat as files grow.
import {contentFile} from '../content-file.js'
import {runTrial} from '../trial.js'
import {extraArguments, interleaved, medianRows, pickClients, timeLimitMs} from './shared.js'

export const description = 'one uncapped nginx: MB per CPU second, and mirrorkit peak RSS at a small and a big file'
export const httpsDescription = 'one uncapped nginx over HTTPS: MB per CPU second, and mirrorkit peak RSS'

/**
 * A 1 GiB round takes seconds, and one client's CPU seconds swing by 30% from run to run on this shared
 * machine (aria2c's too), so a ratio of two medians of 3 moved by 0.15 between full runs. When several
 * rounds are asked for, these scenarios run at least this many, an odd number so the median is one run.
 */
const MIN_ROUNDS_WHEN_REPEATED = 5

export const run = (context) => runUnshaped(context, 'http')
export const runHttps = (context) => runUnshaped(context, 'https')

async function runUnshaped(context, protocol) {
  const big = await contentFile(context.options.quick ? 512 : (context.options.unshapedSize ?? 1024))
  const small = await contentFile(context.options.quick ? 64 : 256)
  const rounds = context.options.repeat >= 3 ? Math.max(context.options.repeat, MIN_ROUNDS_WHEN_REPEATED) : context.options.repeat
  const trial = async (clientName, content, round, of = rounds) => {
    context.log(`unshaped ${protocol}: ${clientName} (${content.size / 2 ** 20} MiB, ${round === 0 ? 'warm-up, not counted' : `round ${round} of ${of}`})`)
    const row = await runTrial({
      clientName,
      content,
      mirrors: [{protocol, cap: undefined}],
      context,
      // Loopback moves a GiB in seconds; a client slower than 10 MB/s has a problem worth a timeout.
      timeoutMs: timeLimitMs(content.size / 10e6, context.options.quick),
      extra: extraArguments(context, clientName),
    })
    const megabytes = content.size / 1e6
    return {
      ...row,
      bytes: content.size,
      megabytesPerSecond: row.verified ? megabytes / row.wallSeconds : 0,
      megabytesPerCpuSecond: row.verified && row.cpuSeconds ? megabytes / row.cpuSeconds : 0,
      cpuSecondsPerGibibyte: row.cpuSeconds !== undefined ? row.cpuSeconds / (content.size / 2 ** 30) : undefined,
    }
  }
  const clientNames = pickClients(context, ['mirrorkit', 'aria2Tuned', 'curl'])
  // The first download after the shaped scenarios ran with twice the system time of the rest in two
  // full runs, and it was always mirrorkit's (first in every round): one untimed download goes first.
  if (rounds > 1) await trial(clientNames[0], big, 0)
  const runs = await interleaved(context, clientNames, (clientName, round) => trial(clientName, big, round), rounds)
  if (clientNames.includes('mirrorkit') && small.size !== big.size) {
    runs.push(...(await interleaved(context, ['mirrorkit'], (clientName, round) => trial(clientName, small, round, context.options.repeat))))
  }
  const rows = medianRows(runs, 'cpuSeconds')
  const rss = rows.filter((row) => row.client === 'mirrorkit').map((row) => ({bytes: row.bytes, peakRssMB: row.peakRssMB}))
  return {rows, runs, mirrorkitRss: rss}
}
