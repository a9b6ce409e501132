// Fetches one file of a batch: a small one whole from the best host, a large one with the segmented engine, under a part name until it is verified.
import {rename, rm, stat} from 'node:fs/promises'
import {dirname} from 'node:path'
import {mkdir} from 'node:fs/promises'
import {controlPath} from '../download/control-file.js'
import {startFetch} from '../download/engine.js'
import type {FetchEvent} from '../download/events.js'
import {toDiskError} from '../download/file-sink.js'
import {fetchDefaults, type FetchOptions} from '../download/options.js'
import {orderCandidates} from '../download/mirror-setup.js'
import {ExitCode} from '../error-codes.js'
import {IntegrityError, MirrorError, NoMirrorError} from '../errors.js'
import {strongest} from '../hashing.js'
import type {MirrorSet} from '../model.js'
import type {TransportSet} from '../transports.js'
import type {PlannedFile} from './batch-plan.js'
import type {BatchFileResult} from './batch-report.js'
import {acquireBestHost} from './host-choice.js'
import type {HostMemory} from './host-memory.js'
import {hostOf, type LinkBudget} from './link-budget.js'
import type {DirectorySums} from './directory-sums.js'
import {fetchWhole} from './whole-fetch.js'

export type SharedPieces = {
  transports: TransportSet
  /** Checksum files of the files' directories, for files the input gives no checksum. */
  sums: DirectorySums
  budget: LinkBudget
  memory: HostMemory
  /** Files at most this large are fetched whole from one host. */
  wholeBelow: number
  /** The size to plan with when a file's size is not known yet. */
  typicalSize: () => number
  fetch: Omit<FetchOptions, 'urls' | 'mirrorSet' | 'output' | 'directory' | 'transports' | 'linkBudget' | 'connections' | 'perMirror'>
  onFetchEvent: (event: FetchEvent) => void
  onBytes: (count: number) => void
  signal: AbortSignal
}

type Outcome = Omit<BatchFileResult, 'name' | 'output' | 'durationMs'>

const exists = (path: string) => stat(path).then(() => true, () => false)

/** Downloads `file`; resolves with its result, never throws except when the batch is aborted. */
export async function runFileJob(planned: PlannedFile, shared: SharedPieces): Promise<Outcome> {
  const file = await withDirectoryReference(planned, shared)
  const {set} = file.item
  await mkdir(dirname(file.output), {recursive: true}).catch((error) => {
    throw toDiskError(error, dirname(file.output))
  })
  const size = set.target.size
  // A control file means an earlier run had begun it segmented: resume it so.
  if (!(await exists(controlPath(file.output))) && (size === undefined || size <= shared.wholeBelow)) {
    const whole = await fetchSmall(file, shared)
    if (whole.kind === 'done') return whole.outcome
    return fetchSegmented(file, {...set, target: {...set.target, size: whole.size}}, shared)
  }
  return fetchSegmented(file, set, shared)
}

/** A file without a checksum takes the one its directory's SHA256SUMS (or SHA512SUMS, CHECKSUMS) lists on its first mirror. */
async function withDirectoryReference(file: PlannedFile, shared: SharedPieces): Promise<PlannedFile> {
  const {set} = file.item
  const first = set.candidates[0]?.url
  if (set.target.checksums.length > 0 || first === undefined) return file
  const found = await shared.sums.lookUp(shared.transports.authenticate(new URL(first)).href)
  if (!found) return file
  return {...file, item: {...file.item, set: {...set, target: {...set.target, checksums: found.checksums}}}, reference: found.location}
}

type SmallResult = {kind: 'done'; outcome: Outcome} | {kind: 'large'; size: number}

async function fetchSmall(file: PlannedFile, shared: SharedPieces): Promise<SmallResult> {
  const {target} = file.item.set
  const part = `${file.output}.part`
  const remaining = orderCandidates(file.item.set).map((candidate) => shared.transports.authenticate(new URL(candidate.url)))
  const errors: MirrorError[] = []
  let received = 0
  while (remaining.length > 0) {
    const url = await acquireBestHost(remaining, target.size ?? shared.typicalSize(), shared.memory, shared.budget, shared.signal)
    remaining.splice(remaining.indexOf(url), 1)
    const host = hostOf(url)
    try {
      const result = await fetchWhole(shared.transports.for(url), url, part, {
        maxBytes: shared.wholeBelow,
        ...(target.size === undefined ? {} : {knownSize: target.size}),
        checksums: target.checksums,
        stallMs: shared.fetch.stallTimeoutMs ?? fetchDefaults.stallTimeoutMs,
        signal: shared.signal,
        onBytes: (count) => {
          received += count
          shared.onBytes(count)
        },
      })
      if (result.kind === 'large') return result
      shared.memory.recordRead(host, result.size, result.ttfbMs, result.bodyMs)
      await rename(part, file.output).catch((error) => {
        throw toDiskError(error, file.output)
      })
      const check = target.checksums.length > 0 ? `${strongest(target.checksums)!.algorithm} matches${file.reference ? ` (${file.reference})` : ''}` : 'no checksum given or published'
      return {kind: 'done', outcome: {status: 'done', method: 'whole', size: result.size, bytes: received, host, check}}
    } catch (error) {
      shared.signal.throwIfAborted()
      const failure = error instanceof MirrorError ? error : new MirrorError(String((error as Error)?.message ?? error), 'EINTERNAL')
      if (failure.exitCode === ExitCode.disk) throw failure
      // A file missing on one host, or bytes that fail the hash, say nothing about the host's health.
      if (failure.exitCode === ExitCode.network) shared.memory.recordFailure(host)
      errors.push(failure)
    } finally {
      shared.budget.release(host)
    }
  }
  await rm(part, {force: true})
  throw combine(errors)
}

/** One error for a file every mirror failed: missing everywhere, wrong everywhere, or the last network error. */
function combine(errors: readonly MirrorError[]): MirrorError {
  if (errors.length > 0 && errors.every((error) => error.code === 'ENOTFOUND')) return new NoMirrorError(`missing on every mirror (${errors.length} tried)`, 'ENOTFOUND')
  const integrity = errors.find((error) => error instanceof IntegrityError)
  if (integrity) return new IntegrityError(`${errors.filter((error) => error instanceof IntegrityError).length} of ${errors.length} mirrors sent bytes that fail the checksum; last: ${integrity.message}`)
  return errors.at(-1) ?? new NoMirrorError('no mirror to fetch it from')
}

async function fetchSegmented(file: PlannedFile, set: MirrorSet, shared: SharedPieces): Promise<Outcome> {
  // What earlier files taught about each host orders the mirrors; a host that keeps failing is left out while others remain.
  const healthy = set.candidates.filter((candidate) => !shared.memory.isBad(hostOf(candidate.url)))
  const candidates = (healthy.length > 0 ? healthy : set.candidates).map((candidate) => {
    const rate = shared.memory.rateOf(hostOf(candidate.url))
    return rate === undefined ? candidate : {...candidate, rank: {...candidate.rank, measuredAt: new Date().toISOString(), bytesPerSecond: rate, score: rate / 1e9}}
  })
  const running = startFetch(
    {
      ...shared.fetch,
      mirrorSet: {...set, candidates},
      output: file.output,
      connections: shared.budget.maxTotal,
      perMirror: shared.budget.perHost,
      transports: shared.transports,
      linkBudget: shared.budget,
    },
    {signal: shared.signal, onEvent: shared.onFetchEvent},
  )
  const summary = await running.result
  for (const mirror of summary.mirrors) {
    if (mirror.bytes > 0) shared.memory.recordThroughput(hostOf(mirror.url), mirror.rate)
    else if (mirror.lastError) shared.memory.recordFailure(hostOf(mirror.url))
  }
  const check = summary.checks.map((item) => `${item.name} ${item.ok ? 'ok' : 'FAILED'}`).join(', ') || undefined
  return {status: 'done', method: 'segmented', size: summary.size, bytes: summary.bytes, ...(check ? {check} : {})}
}
