// The whole pipeline in one call (discover -> verify -> rank -> fetch) through the same core functions the stage commands use.
import type {TransportOptions} from '../plugins/types.js'
import {childSignal} from './child-signal.js'
import {discover, type DiscoverRequest} from './discovery/discover.js'
import {fetchFile} from './download/engine.js'
import type {FetchEvent} from './download/events.js'
import type {FetchOptions} from './download/options.js'
import type {FetchSummary} from './download/summary.js'
import {NoMirrorError} from './errors.js'
import type {MirrorSet} from './model.js'
import {rankMirrors, type RankEvent, type RankOptions} from './ranking/rank.js'
import {redactText, redactUrl} from './redact.js'
import {restoreCredentials} from './restore-credentials.js'
import {verifyMirrors, type VerifyEvent, type VerifyOptions} from './verification/verify.js'
import {DEFAULTS} from './defaults.js'

export type StageName = 'discover' | 'verify' | 'rank' | 'fetch'

export type PipelineRequest = {
  /** The primary URL, a metalink URL, or a bare file name, as for discover. */
  argument: string
  /** Where the file goes; default: the target's name inside `directory` (or the current directory). */
  output?: string
  directory?: string
  /** Applied to every stage (each stage's own transportOptions win). */
  transportOptions?: TransportOptions
  discover?: Omit<DiscoverRequest, 'argument'>
  /** The set discover already found for `argument` (get found it while looking for several files); discover is not run again. */
  discovered?: MirrorSet
  verify?: VerifyOptions
  rank?: RankOptions
  fetch?: Omit<FetchOptions, 'mirrorSet' | 'output' | 'directory' | 'urls'>
}

export type PipelineEvent =
  | {type: 'stage-start'; stage: StageName}
  | {type: 'stage-end'; stage: StageName; durationMs: number; set?: MirrorSet}
  | {type: 'verify'; event: VerifyEvent}
  | {type: 'rank'; event: RankEvent}
  | {type: 'fetch'; event: FetchEvent}

export type PipelineReport = {
  discover: MirrorSet
  verify: MirrorSet
  rank: MirrorSet
  fetch: FetchSummary
  /** Milliseconds each stage took. */
  durations: Record<StageName, number>
}

export type PipelineHooks = {signal: AbortSignal; onEvent?: (event: PipelineEvent) => void}

/**
 * Quick settings for a one-shot download: two samples per mirror and a one-second throughput probe,
 * because fetch keeps measuring while it runs and corrects a rough rank order.
 */
export const pipelineDefaults = {
  verify: {samples: DEFAULTS.getVerifySamples, sampleSize: DEFAULTS.sampleBytes},
  rank: {rttSamples: 3, throughput: {maxMs: DEFAULTS.getRankBudgetMs, maxBytes: 8 * 1024 * 1024}},
} as const

export const USABLE = new Set(['ok', 'unverified'])

/** Why no mirror survived verify, as one line naming each candidate's verdict. */
export function noneUsable(set: MirrorSet): NoMirrorError {
  const reasons = set.candidates.map((candidate) => `${redactUrl(candidate.url)}: ${candidate.verify?.status ?? 'unverified'} (${redactText(candidate.verify?.summary ?? '')})`)
  return new NoMirrorError(`no mirror passed verify${reasons.length > 0 ? ': ' + reasons.join('; ') : ' (discover found no candidates)'}`)
}

export async function runPipeline(request: PipelineRequest, hooks: PipelineHooks): Promise<PipelineReport> {
  const {signal, onEvent} = hooks
  const transportOptions = request.transportOptions ?? {}
  const durations = {discover: 0, verify: 0, rank: 0, fetch: 0}
  const stage = async <R>(name: StageName, work: () => Promise<R>, setOf?: (result: R) => MirrorSet): Promise<R> => {
    onEvent?.({type: 'stage-start', stage: name})
    const started = performance.now()
    const result = await work()
    durations[name] = Math.round(performance.now() - started)
    onEvent?.({type: 'stage-end', stage: name, durationMs: durations[name], ...(setOf ? {set: setOf(result)} : {})})
    return result
  }
  const asSet = (set: MirrorSet) => set
  // The stages hand back redacted URLs; the argument's password must survive into the next stage's requests.
  const known = [request.argument]
  const withCredentials = (set: MirrorSet) => restoreCredentials(set, known)

  const found = await stage(
    'discover',
    async () => request.discovered ?? discover({...request.discover, argument: request.argument, transportOptions: {...transportOptions, ...request.discover?.transportOptions}}, {signal}),
    asSet,
  )
  if (found.candidates.length === 0) throw noneUsable(found)
  const verified = await stage(
    'verify',
    () =>
      verifyMirrors(
        withCredentials(found),
        {...pipelineDefaults.verify, ...request.verify, transportOptions: {...transportOptions, ...request.verify?.transportOptions}},
        {signal, onEvent: (event) => onEvent?.({type: 'verify', event})},
      ),
    asSet,
  )
  if (!verified.candidates.some((candidate) => USABLE.has(candidate.verify?.status ?? 'unverified'))) throw noneUsable(verified)
  const rankOptions = request.rank ?? {}
  const ranked = await stage(
    'rank',
    () =>
      rankMirrors(
        withCredentials(verified),
        {
          ...pipelineDefaults.rank,
          ...rankOptions,
          throughput: {...pipelineDefaults.rank.throughput, ...rankOptions.throughput},
          transportOptions: {...transportOptions, ...rankOptions.transportOptions},
        },
        {signal, onEvent: (event) => onEvent?.({type: 'rank', event})},
      ),
    asSet,
  )
  // Every link adds abort listeners; a child signal keeps them off the caller's long-lived one.
  const fetchSignal = childSignal(signal)
  const summary = await stage('fetch', () =>
    fetchFile(
      {
        ...request.fetch,
        mirrorSet: withCredentials(ranked),
        ...(request.output === undefined ? {} : {output: request.output}),
        ...(request.directory === undefined ? {} : {directory: request.directory}),
        transport: {...transportOptions, ...request.fetch?.transport},
      },
      {signal: fetchSignal.signal, onEvent: (event) => onEvent?.({type: 'fetch', event})},
    ).finally(() => fetchSignal.dispose()),
  )
  return {discover: found, verify: verified, rank: ranked, fetch: summary, durations}
}
