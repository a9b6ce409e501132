// Scenarios "unshaped" and "unshaped-https": one uncapped nginx; CPU per byte of each client, and whether mirrorkit's memory stays flat as files grow.
import {contentFile} from '../content-file.js'
import {runTrial} from '../trial.js'
import {extraArguments, interleaved, medianRows, pickClients, timeLimitMs} from './shared.js'

export const description = 'one uncapped nginx: MB per CPU second, and mirrorkit peak RSS at a small and a big file'
export const httpsDescription = 'one uncapped nginx over HTTPS: MB per CPU second, and mirrorkit peak RSS'

export const run = (context) => runUnshaped(context, 'http')
export const runHttps = (context) => runUnshaped(context, 'https')

async function runUnshaped(context, protocol) {
  const big = await contentFile(context.options.quick ? 512 : (context.options.unshapedSize ?? 1024))
  const small = await contentFile(context.options.quick ? 64 : 256)
  const trial = async (clientName, content, round) => {
    context.log(`unshaped ${protocol}: ${clientName} (${content.size / 2 ** 20} MiB, round ${round} of ${context.options.repeat})`)
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
  const runs = await interleaved(context, clientNames, (clientName, round) => trial(clientName, big, round))
  if (clientNames.includes('mirrorkit') && small.size !== big.size) {
    runs.push(...(await interleaved(context, ['mirrorkit'], (clientName, round) => trial(clientName, small, round))))
  }
  const rows = medianRows(runs, 'cpuSeconds')
  const rss = rows.filter((row) => row.client === 'mirrorkit').map((row) => ({bytes: row.bytes, peakRssMB: row.peakRssMB}))
  return {rows, runs, mirrorkitRss: rss}
}
