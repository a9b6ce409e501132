// rankMirrors: measures round trips and throughput of each verified candidate, scores them, and sorts them best first.
import pLimit from 'p-limit'
import type {TransportOptions} from '../../plugins/types.js'
import {childSignal} from '../child-signal.js'
import {AbortedError, MirrorError} from '../errors.js'
import type {Candidate, ErrorInfo, Measurement, MirrorSet} from '../model.js'
import {redactText, redactUrl} from '../redact.js'
import {TransportSet, parseUrl} from '../transports.js'
import {historyFor, loadHostHistory, recordHostHistory, type HostHistory, type HostObservation} from './history.js'
import {measureRtt} from './rtt.js'
import {predictSeconds, roundTripMs, sortCandidates, type RankBy} from './score.js'
import {DEFAULT_THROUGHPUT, measureThroughput, type ThroughputOptions} from './throughput.js'

export type RankOptions = {
  by?: RankBy
  /** Keep only the best N candidates. */
  top?: number
  /** Mirrors measured at once. Default 1: parallel probes share the local link and skew each other. */
  parallel?: number
  /** Also measure candidates that verify found mismatched or unreachable. */
  includeAll?: boolean
  /** Round trips timed per probe kind. Default 5. */
  rttSamples?: number
  throughput?: Partial<ThroughputOptions>
  /** Milliseconds allowed per connection attempt. Default 5000. */
  timeoutMs?: number
  /** The host history file; undefined means history is neither read nor written. */
  historyPath?: string
  transports?: TransportSet
  transportOptions?: TransportOptions
}

export type RankEvent = {type: 'measured'; url: string; measurement: Measurement}
export type RankContext = {signal: AbortSignal; onEvent?: (event: RankEvent) => void}

const EXCLUDED = new Set(['mismatch', 'stale', 'unreachable'])

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof MirrorError) return {code: error.code, message: redactText(error.message)}
  return {code: 'EINTERNAL', message: redactText(error instanceof Error ? error.message : String(error))}
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits

/** Measures one candidate from here; a failure is recorded in the measurement, only the run's abort throws. */
export async function measureCandidate(
  candidate: Candidate, size: number | undefined, options: RankOptions, transports: TransportSet, history: HostHistory, signal: AbortSignal,
): Promise<Measurement> {
  const measurement: Measurement = {measuredAt: new Date().toISOString()}
  const remembered = historyFor(history, candidate.url)
  if (remembered?.bytesPerSecond !== undefined) measurement.historyBytesPerSecond = remembered.bytesPerSecond
  try {
    const url = parseUrl(candidate.url)
    const transport = transports.for(url)
    const timeoutMs = options.timeoutMs ?? 5000
    const rtt = await measureRtt(url, transport, {samples: options.rttSamples ?? 5, timeoutMs, insecure: options.transportOptions?.insecure, ca: options.transportOptions?.ca, signal})
    if (rtt.connectMs) measurement.connectMs = rtt.connectMs
    if (rtt.tlsMs) measurement.tlsMs = rtt.tlsMs
    if (rtt.protocolMs) measurement.protocolMs = rtt.protocolMs
    const settings = {...DEFAULT_THROUGHPUT, ...options.throughput}
    const throughput = await measureThroughput(transport, url, size ?? candidate.verify?.size, settings, signal)
    measurement.ttfbMs = round(throughput.ttfbMs)
    measurement.bytesPerSecond = Math.round(throughput.bytesPerSecond)
    if (throughput.cv !== undefined) measurement.throughputCv = round(throughput.cv)
    const predicted = predictSeconds(measurement, size ?? candidate.verify?.size, remembered)
    if (predicted !== undefined) measurement.predictedSeconds = measurement.score = predicted
  } catch (error) {
    if (signal.aborted) throw new AbortedError(undefined, error)
    measurement.error = errorInfo(error)
  }
  return measurement
}

function observation(candidate: Candidate): HostObservation | undefined {
  const rank = candidate.rank
  if (!rank) return undefined
  const rttMs = roundTripMs(rank)
  return {url: candidate.url, failed: rank.error !== undefined, ...(rank.bytesPerSecond !== undefined && {bytesPerSecond: rank.bytesPerSecond}), ...(rttMs !== undefined && {rttMs})}
}

/** Measures, scores and sorts the candidates (best first); a failing mirror is kept, last, with its reason. */
export async function rankMirrors(set: MirrorSet, options: RankOptions, context: RankContext): Promise<MirrorSet> {
  const {signal} = context
  const transports = options.transports ?? new TransportSet(options.transportOptions)
  try {
    const history = options.historyPath ? await loadHostHistory(options.historyPath, signal) : {}
    const candidates = set.candidates.map((candidate) => ({...candidate}))
    const limit = pLimit(Math.max(1, options.parallel ?? 1))
    for (const candidate of candidates) delete candidate.rank
    const measured = candidates.filter((candidate) => options.includeAll || !candidate.verify || !EXCLUDED.has(candidate.verify.status))
    await Promise.all(
      measured.map((candidate) =>
        limit(async () => {
          const child = childSignal(signal)
          try {
            candidate.rank = await measureCandidate(candidate, set.target.size, options, transports, history, child.signal)
          } finally {
            child.dispose()
          }
          context.onEvent?.({type: 'measured', url: redactUrl(candidate.url), measurement: candidate.rank})
        }),
      ),
    )
    if (options.historyPath) {
      const observations = candidates.map(observation).filter((value) => value !== undefined)
      await recordHostHistory(options.historyPath, observations, signal)
    }
    let sorted = sortCandidates(candidates, options.by ?? 'score')
    if (options.top !== undefined) sorted = sorted.slice(0, Math.max(0, options.top))
    // Like discover: the set is printed and piped, so no password leaves in it.
    const target = set.target.primary ? {...set.target, primary: redactUrl(set.target.primary)} : set.target
    return {...set, target, candidates: sorted.map((candidate) => ({...candidate, url: redactUrl(candidate.url)}))}
  } finally {
    if (!options.transports) await transports.close()
  }
}
