// verifyMirrors: checks every candidate against the target (name, size, digests, sampled ranges, optionally the whole file).
import {deadlineSignal, timeoutSignal} from '../deadline-signal.js'
import {randomInt} from 'node:crypto'
import pLimit from 'p-limit'
import type {RemoteInfo, Transport, TransportOptions} from '../../plugins/types.js'
import {childSignal} from '../child-signal.js'
import {AbortedError, MirrorError} from '../errors.js'
import type {Candidate, Check, ErrorInfo, MirrorSet, Target, Verdict} from '../model.js'
import {redactText, redactUrl} from '../redact.js'
import {TransportSet, parseUrl} from '../transports.js'
import {checkDigests} from './digests.js'
import {checkFull} from './full.js'
import {checkName} from './name.js'
import {completeTarget, fullReference, sampleReference, type FullReference, type Primary} from './references.js'
import {checkSamples, type SampleReference} from './sample.js'
import {checkSize} from './size.js'
import {checkStale} from './stale.js'
import {decideVerdict} from './verdict.js'
import {DEFAULTS, seconds} from '../defaults.js'

export type VerifyOptions = {
  /** The URL that defines the target; default: set.target.primary. */
  primary?: string
  ignoreName?: boolean
  /** Number of sampled ranges (or pieces); 0 disables sampling. Default 4. */
  samples?: number
  /** Bytes per sampled range. Default 64 KiB. */
  sampleSize?: number
  /** Seed for the sample offsets; default random (and reported in each verdict, so a run can be repeated). */
  seed?: number
  /** Download every mirror's whole file and hash it. */
  full?: boolean
  /** Mirrors checked at once. Default 4. */
  concurrency?: number
  /** Milliseconds allowed per mirror. Default 60 s, or 1 h with `full` (a whole download of a big file takes long). */
  timeoutMs?: number
  transports?: TransportSet
  transportOptions?: TransportOptions
}

export type VerifyEvent = {type: 'verdict'; url: string; verdict: Verdict}
export type VerifyContext = {signal: AbortSignal; onEvent?: (event: VerifyEvent) => void}

/** What every mirror is checked against; built once per run (or frozen once and shipped to queue workers). */
export type Plan = {target: Target; ignoreName: boolean; samples?: SampleReference; fullRef?: FullReference; notes: string[]; primaryUrl?: string}

export function timeoutFor(options: Pick<VerifyOptions, 'timeoutMs' | 'full'>): number {
  return options.timeoutMs ?? seconds(options.full ? DEFAULTS.verifyFullTimeoutSeconds : DEFAULTS.verifyTimeoutSeconds)
}

function errorInfo(error: unknown, timedOut: boolean): ErrorInfo {
  if (timedOut) return {code: 'ETIMEDOUT', message: 'verification timed out'}
  if (error instanceof MirrorError) return {code: error.code, message: redactText(error.message)}
  return {code: 'EINTERNAL', message: redactText(error instanceof Error ? error.message : String(error))}
}

async function inspect(url: URL, info: RemoteInfo, plan: Plan, isPrimary: boolean, transports: TransportSet, signal: AbortSignal) {
  const transport = transports.for(url)
  const checks: Check[] = []
  const notes: string[] = []
  const name = plan.ignoreName ? undefined : checkName(info, plan.target.name)
  const size = checkSize(info.size, plan.target.size)
  for (const check of [name, size, ...checkDigests(info.digests, plan.target.checksums)]) if (check) checks.push(check)
  // A mirror already known to differ is not worth reading bytes from, unless to learn that it is an older version.
  if (checks.some((check) => !check.ok)) return withStale({checks, notes}, info, plan, transport, url, signal)
  if (plan.samples && !(isPrimary && plan.samples.kind === 'primary')) {
    const outcome = await checkSamples(transport, url, plan.samples, signal)
    if (outcome.check) checks.push(outcome.check)
    if (outcome.note) notes.push(outcome.note)
  }
  if (plan.fullRef && !(isPrimary && plan.fullRef.against === 'primary')) {
    let expected
    try {
      expected = await plan.fullRef.checksum(signal)
    } catch (error) {
      if (signal.aborted) throw error
      notes.push(`no full check: the primary could not be read (${errorInfo(error, false).code})`)
    }
    if (expected) checks.push(await checkFull(transport, url, expected, plan.fullRef.against, signal))
  }
  return withStale({checks, notes}, info, plan, transport, url, signal)
}

type Inspection = {checks: Check[]; notes: string[]; stale?: Check}

/** When a check failed and the target lists older versions, whether the mirror holds one of them. */
async function withStale(found: Inspection, info: RemoteInfo, plan: Plan, transport: Transport, url: URL, signal: AbortSignal): Promise<Inspection> {
  const alternates = plan.target.alternates ?? []
  if (alternates.length === 0 || !found.checks.some((check) => check.name !== 'name' && !check.ok)) return found
  const stale = await checkStale(info, alternates, transport, url, signal)
  return stale ? {...found, stale} : found
}

/** The verdict on one candidate; a failing mirror is a verdict, only the run's own abort throws. */
export async function verifyCandidate(
  candidateUrl: string, plan: Plan, transports: TransportSet, options: Pick<VerifyOptions, 'timeoutMs' | 'full'>, outer: AbortSignal, primaryInfo?: RemoteInfo,
): Promise<Verdict> {
  const timeout = timeoutSignal(timeoutFor(options))
  const child = childSignal(outer)
  const signal = AbortSignal.any([child.signal, timeout])
  const isPrimary = candidateUrl === plan.primaryUrl
  try {
    const url = parseUrl(candidateUrl)
    const info = isPrimary && primaryInfo ? primaryInfo : await transports.for(url).stat(url, {signal})
    const {checks, notes, stale} = await inspect(url, info, plan, isPrimary, transports, signal)
    // Its bytes define the target, so it is only checked against what the user or the set said about it.
    if (isPrimary) notes.unshift('the primary')
    return decideVerdict({checks, notes: [...plan.notes, ...notes], size: info.size, modifiedAt: info.modifiedAt, finalUrl: redactUrl(info.finalUrl), ...(stale ? {stale} : {})})
  } catch (error) {
    if (outer.aborted) throw new AbortedError(undefined, error)
    return decideVerdict({checks: [], notes: [], error: errorInfo(error, timeout.aborted)})
  } finally {
    child.dispose()
  }
}

export type PreparedRun = {plan: Plan; candidates: Candidate[]; primaryInfo?: RemoteInfo}

/**
 * Stats the primary, completes the target and chooses the samples: the part of a run shared by every mirror.
 * `run` ends the primary's shared reads when the run ends.
 */
export async function prepareVerify(set: MirrorSet, options: VerifyOptions, transports: TransportSet, signal: AbortSignal, run: AbortSignal): Promise<PreparedRun> {
  const primaryUrl = options.primary ?? set.target.primary
  let target: Target = {...set.target, checksums: [...set.target.checksums]}
  if (primaryUrl) target.primary = primaryUrl
  const notes: string[] = []
  let primary: Primary | undefined
  let primaryInfo: RemoteInfo | undefined
  if (primaryUrl) {
    try {
      const url = parseUrl(primaryUrl)
      const transport = transports.for(url)
      primaryInfo = await transport.stat(url, {signal: deadlineSignal(signal, timeoutFor(options))})
      target = completeTarget(target, primaryInfo)
      primary = {transport, url, signal: AbortSignal.any([signal, run])}
    } catch (error) {
      if (signal.aborted) throw new AbortedError(undefined, error)
      notes.push(`the primary is unreachable (${errorInfo(error, false).code})`)
    }
  }
  const seed = options.seed ?? randomInt(0, 2 ** 31)
  const settings = {samples: options.samples ?? DEFAULTS.verifySamples, sampleSize: options.sampleSize ?? DEFAULTS.sampleBytes, seed}
  const samples = sampleReference(target, settings, primary)
  if (typeof samples === 'string' && settings.samples > 0) notes.push(samples)
  const plan: Plan = {target, ignoreName: options.ignoreName ?? false, notes, primaryUrl}
  if (typeof samples !== 'string') plan.samples = samples
  if (options.full) {
    const reference = fullReference(target, primary)
    if (reference) plan.fullRef = reference
    else notes.push('no full check: no checksum and no primary to compare with')
  }
  const candidates: Candidate[] = set.candidates.map((candidate) => ({...candidate}))
  if (primaryUrl && !candidates.some((candidate) => candidate.url === primaryUrl)) candidates.unshift({url: primaryUrl, foundBy: ['primary']})
  return primaryInfo ? {plan, candidates, primaryInfo} : {plan, candidates}
}

/** The set as printed and piped: like discover's, no password leaves in it. */
export function verifiedSet(set: MirrorSet, target: Target, candidates: Candidate[]): MirrorSet {
  const printed = target.primary ? {...target, primary: redactUrl(target.primary)} : target
  return {...set, target: printed, candidates: candidates.map((candidate) => ({...candidate, url: redactUrl(candidate.url)}))}
}

/** Verifies every candidate (and the primary) and returns the set with a verdict on each; never throws for one bad mirror. */
export async function verifyMirrors(set: MirrorSet, options: VerifyOptions, context: VerifyContext): Promise<MirrorSet> {
  const {signal} = context
  const transports = options.transports ?? new TransportSet(options.transportOptions)
  const run = new AbortController()
  try {
    const {plan, candidates, primaryInfo} = await prepareVerify(set, options, transports, signal, run.signal)
    const limit = pLimit(Math.max(1, options.concurrency ?? DEFAULTS.verifyConcurrency))
    await Promise.all(
      candidates.map((candidate) =>
        limit(async () => {
          candidate.verify = await verifyCandidate(candidate.url, plan, transports, options, signal, primaryInfo)
          context.onEvent?.({type: 'verdict', url: redactUrl(candidate.url), verdict: candidate.verify})
        }),
      ),
    )
    return verifiedSet(set, plan.target, candidates)
  } finally {
    run.abort()
    if (!options.transports) await transports.close()
  }
}
