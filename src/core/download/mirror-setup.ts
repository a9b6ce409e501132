// Builds the mirror list of a download: URLs and MirrorSet candidates in rank order, stat of each, and the primary's view of the target.
import {deadlineSignal} from '../deadline-signal.js'
import {outputName} from '../output-name.js'
import {MirrorError, NoMirrorError, UsageError} from '../errors.js'
import type {Candidate, MirrorSet} from '../model.js'
import {parseUrl, type TransportSet} from '../transports.js'
import type {RemoteInfo} from '../../plugins/types.js'
import type {FetchEvent} from './events.js'
import {MirrorState} from './mirror-state.js'
import {openFirst} from './opened-read.js'
import {fetchDefaults} from './options.js'

export const STAT_TIMEOUT_MS = 20_000

/**
 * How long a mirror whose protocol differs from the first mirror's waits for the first stat before its
 * own. Loading ssh2 or basic-ftp blocks the event loop for ~0.1 s; done at once with the first stat, it
 * held the first answer, and so the start of every link, for that long (mixed bench: 0.33 s from spawn
 * to the start, against 0.1 s over HTTP alone).
 */
export const OTHER_PROTOCOL_WAIT_MS = 150
/** ...and then this long more, so the links' first requests are sent before the load blocks. */
const AFTER_FIRST_ANSWER_MS = 20

/** `remote` is the primary's own answer, whose digest and Link headers the reference look-up reads. */
export type TargetInfo = {name: string; size?: number; etag?: string; modifiedAt?: Date; primary: MirrorState; remote: RemoteInfo}

/** Candidates that verify did not reject, best first: rank score, then predicted time, then priority, then input order. */
export function orderCandidates(set: MirrorSet): Candidate[] {
  // A stale mirror serves an older version: right for that version, wrong for this download.
  const usable = set.candidates.filter((candidate) => !['mismatch', 'unreachable', 'stale'].includes(candidate.verify?.status ?? ''))
  const key = (candidate: Candidate) => candidate.rank?.score ?? (candidate.rank?.bytesPerSecond ? candidate.rank.bytesPerSecond / 1e9 : undefined)
  return usable
    .map((candidate, index) => ({candidate, index}))
    .sort((a, b) => {
      const [scoreA, scoreB] = [key(a.candidate), key(b.candidate)]
      if (scoreA !== undefined || scoreB !== undefined) return (scoreB ?? -Infinity) - (scoreA ?? -Infinity)
      return (a.candidate.priority ?? 999_999) - (b.candidate.priority ?? 999_999) || a.index - b.index
    })
    .map(({candidate}) => candidate)
}

function nameFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).at(-1) ?? ''
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

/** The primary first, then the other mirrors in order; duplicates removed. */
export function mirrorUrls(urls: readonly string[], set: MirrorSet | undefined): Array<{url: URL; rankedRate?: number; maxLinks?: number}> {
  const ordered = set ? orderCandidates(set) : []
  const list: Array<{url: URL; rankedRate?: number; maxLinks?: number}> = []
  const seen = new Set<string>()
  const add = (text: string, rankedRate?: number, maxLinks?: number) => {
    const url = parseUrl(text)
    if (seen.has(url.href)) return
    seen.add(url.href)
    list.push({url, ...(rankedRate === undefined ? {} : {rankedRate}), ...(maxLinks === undefined ? {} : {maxLinks})})
  }
  if (set?.target.primary && urls.length === 0) add(set.target.primary)
  for (const url of urls) add(url)
  for (const candidate of ordered) add(candidate.url, candidate.rank?.bytesPerSecond, candidate.maxConnections)
  if (list.length === 0) throw new UsageError('give at least one URL, or a MirrorSet with --input or on stdin', 'EUSAGE')
  return list
}

/**
 * Connections one origin may need: `perMirror` links for each mirror it serves (two mirror URLs may
 * share a server), plus one for the stat. Measured on 16 links over 4 mirrors: 20 sockets at most
 * with the limit, 21-25 without, as the pool opened new connections while aborted ones finished.
 */
export function connectionsPerOrigin(urls: readonly string[], set: MirrorSet | undefined, perMirror: number): number | undefined {
  let mirrors: Array<{url: URL}>
  try {
    mirrors = mirrorUrls(urls, set)
  } catch {
    // No usable URL: setUpMirrors reports it.
    return undefined
  }
  const mirrorsPerOrigin = new Map<string, number>()
  for (const {url} of mirrors) mirrorsPerOrigin.set(url.origin, (mirrorsPerOrigin.get(url.origin) ?? 0) + 1)
  return perMirror * Math.max(1, ...mirrorsPerOrigin.values()) + 1
}

/**
 * Stats every mirror at once; the first that answers (in order) is the primary and defines the target.
 * The download starts on the primary's answer: a mirror whose stat is still in flight then joins as soon
 * as it answers (the transfer awaits the same stat), so the farthest mirror never holds up the nearest.
 */
export async function setUpMirrors(
  urls: readonly string[],
  set: MirrorSet | undefined,
  transports: TransportSet,
  emit: (event: FetchEvent) => void,
  signal: AbortSignal,
  /** How long the first mirror's opening GET may go unanswered before a plain stat replaces it: the stall timeout. */
  openWaitMs: number = fetchDefaults.stallTimeoutMs,
  otherProtocolWaitMs: number = OTHER_PROTOCOL_WAIT_MS,
): Promise<{mirrors: MirrorState[]; target: TargetInfo}> {
  const entries = mirrorUrls(urls, set)
  const statSignal = deadlineSignal(signal, STAT_TIMEOUT_MS)
  // Filled in as stats settle; a mirror still undefined when the primary answers is pending, not failed.
  const settled: Array<PromiseSettledResult<RemoteInfo> | undefined> = entries.map(() => undefined)
  // The first mirror's stat also starts its download where the transport can (Transport.open).
  let first: Awaited<ReturnType<typeof openFirst>> | undefined
  const stats: Array<Promise<RemoteInfo>> = []
  let firstAnswered: Promise<unknown> = Promise.resolve()
  // Ends the waits of deferred stats when the set-up fails: a timer left behind would outlive the run.
  const abandoned = new AbortController()
  const firstProtocol = transports.for(entries[0]!.url).name
  const otherProtocol = (index: number) => index > 0 && transports.for(entries[index]!.url).name !== firstProtocol
  const attempts = entries.map(({url}, index) => {
    const transport = transports.for(url)
    const stat =
      index === 0 && transport.open
        ? openFirst(transport, url, {signal, waitMs: openWaitMs, statTimeoutMs: STAT_TIMEOUT_MS}).then((result) => {
            first = result
            return result.info
          })
        : otherProtocol(index)
          ? firstAnswered.then(() => transport.stat(url, {signal: AbortSignal.any([statSignal, abandoned.signal])}))
          : transport.stat(url, {signal: statSignal})
    if (index === 0 && entries.some((_, other) => otherProtocol(other))) firstAnswered = untilSettledOr(stat, otherProtocolWaitMs, AbortSignal.any([signal, abandoned.signal]))
    stats[index] = stat
    return stat.then(
      (value): PromiseSettledResult<RemoteInfo> => (settled[index] = {status: 'fulfilled', value}),
      (reason: unknown): PromiseSettledResult<RemoteInfo> => (settled[index] = {status: 'rejected', reason}),
    )
  })
  let primaryIndex = -1
  for (const [index, attempt] of attempts.entries()) {
    if ((await attempt).status === 'fulfilled') {
      primaryIndex = index
      break
    }
  }
  if (signal.aborted || primaryIndex < 0) abandoned.abort(new Error('the set-up failed'))
  if (signal.aborted) throw signal.reason
  if (primaryIndex < 0) throw primaryFailure(settled.map((outcome) => (outcome as PromiseRejectedResult).reason))
  const outcomes = [...settled]
  const info = (outcomes[primaryIndex] as PromiseFulfilledResult<RemoteInfo>).value
  // The primary gets id 0, the tie-breaker of cross-checks.
  const order = [primaryIndex, ...entries.keys()].filter((index, position) => position === 0 || index !== primaryIndex)
  const mirrors = order.map((index, id) => {
    const {url, rankedRate, maxLinks} = entries[index]!
    const mirror = new MirrorState(id, url, transports.for(url), index, rankedRate, maxLinks)
    const outcome = outcomes[index]
    if (outcome === undefined) {
      // Not a failure: the transfer awaits its stat and uses it once it answers.
      mirror.needsStat(stats[index])
    } else if (outcome.status === 'rejected') {
      const error = outcome.reason as MirrorError
      if (error instanceof MirrorError && error.retryable) {
        // Busy (503), reset or slow right now is not "unusable for the whole run": bench it and stat it again later.
        mirror.needsStat()
        mirror.noteFailure(error)
        const seconds = mirror.bench(Date.now(), error.code, error.message, error.retryAfter)
        emit({type: 'mirror-benched', mirror: mirror.id, url: mirror.displayUrl, code: error.code, seconds})
      } else {
        mirror.reject(`stat failed: ${error?.code ?? 'EINTERNAL'} ${error?.message ?? ''}`.trim(), {code: error?.code ?? 'EINTERNAL', message: String(error?.message ?? error)})
      }
    } else {
      const mismatch = mirror.stated(outcome.value, info.size)
      if (mismatch) mirror.reject(mismatch)
    }
    if (mirror.status === 'rejected') emit({type: 'mirror-rejected', mirror: mirror.id, url: mirror.displayUrl, reason: mirror.reason!})
    return mirror
  })
  const primary = mirrors[0]!
  // A first mirror that answered is the primary.
  if (first?.read) {
    primary.holdOpened(first.read)
    primary.speed.noteSetup(first.setupMs)
  }
  const name = outputName(set?.target.name || info.name || nameFromUrl(primary.url))
  return {
    mirrors,
    target: {name, ...(info.size === undefined ? {} : {size: info.size}), ...(info.etag ? {etag: info.etag} : {}), ...(info.modifiedAt ? {modifiedAt: info.modifiedAt} : {}), primary, remote: info},
  }
}

/** Resolves AFTER_FIRST_ANSWER_MS after `promise` settles or `ms` passed, whichever is first; never rejects. */
async function untilSettledOr(promise: Promise<unknown>, ms: number, cancel: AbortSignal): Promise<void> {
  const timers: NodeJS.Timeout[] = []
  const wait = (delay: number) => new Promise<void>((resolve) => (cancel.aborted ? resolve() : timers.push(setTimeout(resolve, delay))))
  const cancelled = new Promise<void>((resolve) => cancel.addEventListener('abort', () => resolve(), {once: true}))
  try {
    await Promise.race([Promise.race([promise.then(() => undefined, () => undefined), wait(ms)]).then(() => wait(AFTER_FIRST_ANSWER_MS)), cancelled])
  } finally {
    for (const timer of timers) clearTimeout(timer)
  }
}

function primaryFailure(errors: unknown[]): MirrorError {
  const mirrorErrors = errors.filter((error): error is MirrorError => error instanceof MirrorError)
  if (mirrorErrors.length > 0 && mirrorErrors.every((error) => error.code === 'ENOTFOUND')) {
    return new NoMirrorError(`the file is missing on every mirror (${mirrorErrors[0]!.message})`, 'ENOTFOUND', mirrorErrors[0])
  }
  return mirrorErrors[0] ?? new NoMirrorError(`no mirror answered (${String((errors[0] as Error)?.message ?? errors[0])})`)
}
