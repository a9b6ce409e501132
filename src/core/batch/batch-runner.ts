// Runs a batch of files with one scheduler: N files at once under one link budget, one set of keep-alive connections and one memory of each host.
import {setMaxListeners} from 'node:events'
import type {TransportFactory} from '../../plugins/types.js'
import {fetchDefaults} from '../download/options.js'
import {AbortedError, MirrorError} from '../errors.js'
import {TransportSet} from '../transports.js'
import type {BatchItem} from './batch-input.js'
import {alreadyComplete, planOutputs, type PlannedFile} from './batch-plan.js'
import {worstExitCode, type ActiveFile, type BatchEvent, type BatchFileResult, type BatchSummary} from './batch-report.js'
import {runFileJob, type SharedPieces} from './file-job.js'
import {DirectorySums} from './directory-sums.js'
import {HostMemory} from './host-memory.js'
import {LinkBudget} from './link-budget.js'

export const batchDefaults = {
  /**
   * Files at once. Measured on the bench's batch-small (200 files, four capped mirrors 20-250 ms away),
   * wall seconds: 4 jobs 11.2-11.4 (one host only: its four links), 8 jobs 8.2-8.9, 16 jobs 7.1-8.4
   * (median 7.7 of 7 runs), 32 jobs 6.5-8.0 (more files wait for a fast host, but slow hosts end some
   * runs late), 64 jobs 7.4-8.3; 16 is also what aria2c is given.
   */
  jobs: 16,
  /**
   * Files up to this size are fetched whole, in one request to one host; larger ones are segmented.
   * Measured with `npm run bench -- --scenario batch-medium` (40 files of 1-16 MiB from four nginx
   * mirrors capped at 80/40/20/10 Mbit/s, 20/60/120/250 ms away, load average 5-9 on 2 cores), as a
   * fraction of the caps over 2-3 runs: 512K 0.66-0.68, 1M 0.67-0.68, 2M 0.69-0.73, 4M 0.78-0.80,
   * 8M 0.83-0.86, everything whole 0.67-0.83. Below it, a segmented file pays a stat of every mirror,
   * new connections and its own tail for little gain, since the other files keep the links busy;
   * above it, one host's single link becomes the batch's tail.
   */
  wholeBelow: 8 * 1024 * 1024,
  /** The size planned with before any file of the batch has told its own. */
  typicalSize: 256 * 1024,
  progressMs: 500,
} as const

export type BatchOptions = {
  items: readonly BatchItem[]
  /** Where files without a dir= go; default: the working directory. */
  directory?: string
  jobs?: number
  /** Links at once over the whole batch. */
  connections?: number
  /** Links at once to one host, over the whole batch. */
  perHost?: number
  wholeBelow?: number
  /** Engine settings for every file; `transport` also sets up the batch's shared transports. */
  fetch?: SharedPieces['fetch']
  transportFactories?: readonly TransportFactory[]
}

export type BatchHooks = {signal: AbortSignal; onEvent?: (event: BatchEvent) => void}

export async function runBatch(options: BatchOptions, hooks: BatchHooks): Promise<BatchSummary> {
  const files = planOutputs(options.items, options.directory ?? process.cwd())
  const started = Date.now()
  const connections = options.connections ?? fetchDefaults.connections
  const perHost = options.perHost ?? fetchDefaults.perMirror
  const transportOptions = {...options.fetch?.transport, connectionsPerOrigin: perHost + 1}
  const transports = options.transportFactories ? new TransportSet(transportOptions, options.transportFactories) : new TransportSet(transportOptions)
  const signal = hooks.signal
  setMaxListeners(0, signal)
  const emit = (event: BatchEvent) => hooks.onEvent?.(event)
  const results: Array<BatchFileResult | undefined> = files.map(() => undefined)
  const active = new Map<number, ActiveFile>()
  const sizes: number[] = []
  let bytes = 0
  const progress = setInterval(() => emit(progressOf(files.length, results, active, bytes, started)), batchDefaults.progressMs)
  const sums = new DirectorySums(transports, signal)
  const shared = (index: number): SharedPieces => ({
    transports,
    sums,
    budget,
    memory,
    wholeBelow: options.wholeBelow ?? batchDefaults.wholeBelow,
    typicalSize: () => (sizes.length > 0 ? sizes.reduce((sum, size) => sum + size, 0) / sizes.length : batchDefaults.typicalSize),
    fetch: options.fetch ?? {},
    onFetchEvent: (event) => {
      if (event.type === 'start' && event.size !== undefined) active.get(index)!.size = event.size
      if (event.type === 'progress') {
        const file = active.get(index)!
        bytes += Math.max(0, event.bytes - file.bytes)
        file.bytes = event.bytes
      }
      emit({type: 'fetch', file: index, name: files[index]!.name, event})
    },
    onBytes: (count) => {
      bytes += count
      active.get(index)!.bytes += count
    },
    signal,
  })
  const budget = new LinkBudget(connections, perHost)
  const memory = new HostMemory()
  let next = 0
  const worker = async () => {
    while (next < files.length && !signal.aborted) {
      const index = next++
      const result = await runOne(files[index]!, index, shared(index), active, emit)
      if (result.size !== undefined) sizes.push(result.size)
      results[index] = result
    }
  }
  try {
    await Promise.all(Array.from({length: Math.max(1, Math.min(options.jobs ?? batchDefaults.jobs, files.length))}, worker))
  } finally {
    clearInterval(progress)
    await transports.close()
  }
  if (signal.aborted) throw signal.reason instanceof MirrorError ? signal.reason : new AbortedError()
  const finished = results as BatchFileResult[]
  const durationMs = Date.now() - started
  const received = finished.reduce((sum, file) => sum + file.bytes, 0)
  return {
    files: finished,
    done: finished.filter((file) => file.status === 'done').length,
    skipped: finished.filter((file) => file.status === 'skipped').length,
    failed: finished.filter((file) => file.status === 'failed').length,
    bytes: received,
    durationMs,
    rate: durationMs > 0 ? Math.round((received * 1000) / durationMs) : 0,
    exitCode: worstExitCode(finished),
    hosts: memory.snapshot(),
  }
}

async function runOne(file: PlannedFile, index: number, shared: SharedPieces, active: Map<number, ActiveFile>, emit: (event: BatchEvent) => void): Promise<BatchFileResult> {
  const started = Date.now()
  const base = {name: file.name, output: file.output}
  emit({type: 'file-start', file: index, name: file.name})
  active.set(index, {name: file.name, bytes: 0, ...(file.item.set.target.size === undefined ? {} : {size: file.item.set.target.size})})
  let result: BatchFileResult
  try {
    const complete = await alreadyComplete(file.output, file.item.set.target, shared.signal)
    if (complete) result = {...base, status: 'skipped', bytes: 0, durationMs: 0, check: complete, ...(file.item.set.target.size === undefined ? {} : {size: file.item.set.target.size})}
    else result = {...base, ...(await runFileJob(file, shared)), durationMs: Date.now() - started}
  } catch (error) {
    if (shared.signal.aborted) throw shared.signal.reason
    const failure = error instanceof MirrorError ? error : new MirrorError(String((error as Error)?.message ?? error), 'EINTERNAL')
    result = {...base, status: 'failed', bytes: active.get(index)?.bytes ?? 0, durationMs: Date.now() - started, error: {code: failure.code, message: failure.message, exitCode: failure.exitCode}}
  } finally {
    active.delete(index)
  }
  emit({type: 'file-end', file: index, name: file.name, result})
  return result
}

function progressOf(total: number, results: ReadonlyArray<BatchFileResult | undefined>, active: Map<number, ActiveFile>, bytes: number, started: number): BatchEvent {
  const finished = results.filter((result): result is BatchFileResult => result !== undefined)
  const elapsed = (Date.now() - started) / 1000
  const rate = elapsed > 0 ? Math.round(bytes / elapsed) : 0
  const left = total - finished.length
  // The ETA assumes the files left are like the files done, by count.
  const perFile = finished.length > 0 ? elapsed / finished.length : undefined
  return {
    type: 'batch-progress',
    files: total,
    done: finished.filter((result) => result.status !== 'failed').length,
    failed: finished.filter((result) => result.status === 'failed').length,
    bytes,
    rate,
    ...(perFile === undefined ? {} : {eta: Math.round(perFile * left)}),
    active: [...active.values()].map((file) => ({...file})),
  }
}
