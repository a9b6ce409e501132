// Repeats one timed probe with tinybench and summarises the durations it reports (median, p90, sd, margin of error).
import {AbortedError, MirrorError} from '../errors.js'
import type {SampleStats} from '../model.js'
import {quantile} from '../stats.js'

const round = (value: number) => Math.round(value * 1000) / 1000

/**
 * Runs `probe` `samples` times after one untimed wake-up call (DNS caches, ARP, server accept queues),
 * taking the duration the probe measured itself, so only the network step of interest is counted.
 */
export async function repeatProbe(probe: () => Promise<number>, samples: number, signal: AbortSignal): Promise<SampleStats> {
  // Loaded on first use: every command's start-up would otherwise pay for it (the CLI bundle imports the ranking code).
  const {Bench} = await import('tinybench')
  const bench = new Bench({
    iterations: samples,
    time: 0,
    warmup: true,
    warmupIterations: 1,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
    signal,
  })
  bench.add('probe', async () => ({overriddenDuration: await probe()}))
  try {
    await bench.run()
  } catch (error) {
    if (signal.aborted) throw new AbortedError(undefined, error)
    throw error
  }
  signal.throwIfAborted()
  const result = bench.tasks[0]!.result
  if (result.state === 'errored') throw result.error
  if (result.state !== 'completed') throw new MirrorError(`probe ended in state ${result.state}`, 'EPROBE')
  const {latency} = result
  return {
    median: round(latency.p50),
    p90: round(quantile(latency.samples ?? [], 0.9)),
    sd: round(latency.sd),
    moe: round(latency.moe),
    samples: latency.samplesCount,
  }
}
