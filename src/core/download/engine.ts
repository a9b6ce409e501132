// The single entry point of the download engine: fetchFile (and startFetch, which also lets the caller drop mirrors while it runs).
import {setMaxListeners} from 'node:events'
import {rename, rm, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {AbortedError, IntegrityError, MirrorError} from '../errors.js'
import {ExitCode} from '../error-codes.js'
import {TransportSet} from '../transports.js'
import {watchCommandFile, commandPath} from './command-file.js'
import {controlPath, encodeDone, removeControl, writeControl} from './control-file.js'
import type {FetchEvent, FetchEventListener} from './events.js'
import {FileSink, toDiskError} from './file-sink.js'
import {connectionsPerOrigin, setUpMirrors, type TargetInfo} from './mirror-setup.js'
import type {IntegrityCheck} from './summary.js'
import type {MirrorState} from './mirror-state.js'
import {resolveOptions, fetchDefaults, type FetchOptions} from './options.js'
import {PieceMap} from './piece-map.js'
import {PieceVerifier} from './piece-verifier.js'
import {PieceWriter} from './piece-writer.js'
import {controlState, loadResumeState} from './resume.js'
import {streamWhole, verifyWhole} from './stream-whole.js'
import {mirrorSummaries, type FetchSummary} from './summary.js'
import {Transfer} from './transfer.js'
import {earlyCrossCheck, verifyDownload} from './verify-phase.js'

export type FetchHooks = {signal?: AbortSignal; onEvent?: FetchEventListener}

export type RunningDownload = {
  result: Promise<FetchSummary>
  /** Stops using every mirror whose URL or host is `mirror`; returns how many matched. */
  dropMirror(mirror: string): number
  restoreMirror(mirror: string): number
}

export async function fetchFile(options: FetchOptions, hooks: FetchHooks = {}): Promise<FetchSummary> {
  return startFetch(options, hooks).result
}

export function startFetch(options: FetchOptions, hooks: FetchHooks = {}): RunningDownload {
  let mirrors: MirrorState[] = []
  let transfer: Transfer | undefined
  const apply = (text: string, action: 'drop' | 'undrop') => {
    const matching = mirrors.filter((mirror) => mirror.matches(text))
    for (const mirror of matching) {
      if (action === 'drop') {
        if (transfer) transfer.drop(mirror)
        else mirror.drop()
      } else if (transfer) transfer.restore(mirror)
      else mirror.restore()
    }
    return matching.length
  }
  const result = run(options, hooks, (list) => (mirrors = list), (current) => (transfer = current), apply)
  return {result, dropMirror: (text) => apply(text, 'drop'), restoreMirror: (text) => apply(text, 'undrop')}
}

async function run(
  options: FetchOptions,
  hooks: FetchHooks,
  setMirrors: (mirrors: MirrorState[]) => void,
  setTransfer: (transfer: Transfer | undefined) => void,
  apply: (mirror: string, action: 'drop' | 'undrop') => number,
): Promise<FetchSummary> {
  const settings = resolveOptions(options)
  const started = Date.now()
  let linkCount = 0
  let onProgress: (() => void) | undefined
  const emit = (event: FetchEvent) => {
    if (event.type === 'link-start') linkCount++
    else if (event.type === 'progress') onProgress?.()
    hooks.onEvent?.(event)
  }
  // Checkpoint failures (disk full) stop the transfer through this controller.
  const internal = new AbortController()
  const signal = AbortSignal.any([hooks.signal ?? new AbortController().signal, internal.signal])
  // Every link listens to this signal; dozens of links are normal, not a leak.
  setMaxListeners(0, signal)
  const transportOptions = {...options.transport, connectionsPerOrigin: connectionsPerOrigin(options.urls ?? [], options.mirrorSet, settings.perMirror)}
  const transports = options.transports ?? (options.transportFactories ? new TransportSet(transportOptions, options.transportFactories) : new TransportSet(transportOptions))
  const cleanups: Array<() => Promise<void>> = []
  try {
    const {mirrors, target} = await setUpMirrors(options.urls ?? [], options.mirrorSet, transports, emit, signal, settings.stallTimeoutMs)
    setMirrors(mirrors)
    cleanups.push(async () => mirrors.forEach((mirror) => mirror.dropOpened()))
    const output = await outputPath(options, target.name)
    const part = `${output}.part`
    const checksums = [...(options.checksums ?? []), ...(options.mirrorSet?.target.checksums ?? [])]
    if (options.commandFile !== false) {
      cleanups.push(await watchCommandFile(commandPath(output), (directive) => apply(directive.mirror, directive.action)))
    }
    let transferRef: Transfer | undefined
    if (target.size === undefined) {
      const bytes = await streamWhole(mirrors, part, settings.maxTries, emit, signal)
      const checks = await verifyWhole(part, checksums, emit, signal)
      return await finish({output, part, statePath: undefined, target, mirrors, map: undefined, started, resumedBytes: 0, checks, links: linkCount}, emit)
    }
    const pieces = options.mirrorSet?.target.pieces
    const pieceHashes = pieces && pieces.hashes.length === Math.ceil(target.size / pieces.length) ? pieces : undefined
    const pieceLength = pieceHashes?.length ?? settings.pieceLength ?? fetchDefaults.pieceLength
    const map = new PieceMap(target.size, pieceLength)
    const statePath = controlPath(output)
    const keep = await loadResumeState(statePath, part, target, settings.restart, map, mirrors)
    const sink = await FileSink.open(part, target.size, keep)
    cleanups.push(() => sink.close())
    const resumedBytes = map.doneBytes
    emit({type: 'start', size: target.size, pieceLength, pieces: map.count, resumedBytes, mirrors: mirrors.map((mirror) => ({mirror: mirror.id, url: mirror.displayUrl}))})

    let saved = -1
    let saving = Promise.resolve()
    const checkpoint = () =>
      (saving = saving.then(async () => {
        if (map.doneCount === saved) return
        // Snapshot first: only pieces whose writes finished before the fsync may be recorded.
        const snapshot = map.snapshot()
        await sink.sync()
        await writeControl(statePath, controlState(target, mirrors, map, encodeDone(snapshot.done, snapshot.deliveredBy)))
        saved = snapshot.doneCount
      }))
    const timer = setInterval(() => checkpoint().catch((error) => internal.abort(toDiskError(error, statePath))), settings.checkpointMs)
    cleanups.push(async () => clearInterval(timer))

    const verifier = pieceHashes ? new PieceVerifier(pieceHashes) : undefined
    // Without any reference hash, the sampled cross-check starts while the last quarter still downloads.
    const early = checksums.length === 0 && !verifier ? earlyCrossCheck({map, sink, mirrors, crossCheck: settings.crossCheck, seed: settings.seed, signal}) : undefined
    onProgress = early?.poll
    const runTransfer = async () => {
      const current: Transfer = new Transfer(map, mirrors, writerFor(), settings, emit, signal)
      transferRef = current
      setTransfer(current)
      try {
        await current.run()
      } finally {
        transferRef = undefined
        setTransfer(undefined)
      }
    }
    const writerFor = () => new PieceWriter(map, sink, verifier, {pieceDone: () => undefined, pieceBad: (piece, contributors) => transferRef?.pieceBad(piece, contributors)})
    try {
      await runTransfer()
      // Refetch rounds after the checks must not start a cross-check of their own.
      onProgress = undefined
      const compared = early?.started()
      const checks = await verifyDownload({map, sink, mirrors, checksums, pieceHashes: verifier !== undefined, crossCheck: settings.crossCheck, seed: settings.seed, emit, refetch: runTransfer, signal, ...(compared ? {early: compared} : {})})
      if (verifier) checks.unshift({name: 'pieces', ok: true, detail: `${verifier.checked} piece ${pieceHashes!.algorithm} hashes checked as pieces arrived, ${verifier.failed} failed and were refetched`})
      clearInterval(timer)
      await saving
      await sink.close()
      return await finish({output, part, statePath, target, mirrors, map, started, resumedBytes, checks, links: linkCount}, emit)
    } catch (error) {
      clearInterval(timer)
      await saving.catch(() => undefined)
      if (error instanceof IntegrityError) {
        await sink.close()
        await rm(part, {force: true})
        await removeControl(statePath)
      } else await checkpoint().catch(() => undefined)
      throw error
    }
  } catch (error) {
    if (signal.aborted && !(error instanceof MirrorError)) throw internal.signal.aborted ? internal.signal.reason : new AbortedError(undefined, error)
    if (hooks.signal?.aborted && !(error instanceof AbortedError) && !(error instanceof MirrorError && error.exitCode === ExitCode.disk)) throw new AbortedError(undefined, error)
    throw error
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    if (!options.transports) await transports.close()
  }
}

/**
 * Where the file goes. `-o` naming an existing directory means "into it, under the target's name"
 * (like `cp f dir/`); finding that out only at the final rename would waste the whole download.
 */
async function outputPath(options: FetchOptions, name: string): Promise<string> {
  if (options.output === undefined) return resolve(options.directory ?? process.cwd(), name)
  const output = resolve(options.output)
  const found = await stat(output).catch(() => undefined)
  return found?.isDirectory() ? join(output, name) : output
}

type Finished = {
  output: string
  part: string
  statePath: string | undefined
  target: TargetInfo
  mirrors: readonly MirrorState[]
  map: PieceMap | undefined
  started: number
  resumedBytes: number
  checks: IntegrityCheck[]
  links: number
}

/** Renames the checked part file to its final name, drops the resume state, and reports. */
async function finish(done: Finished, emit: (event: FetchEvent) => void): Promise<FetchSummary> {
  try {
    await rename(done.part, done.output)
  } catch (error) {
    throw toDiskError(error, done.output)
  }
  if (done.statePath) await removeControl(done.statePath)
  const durationMs = Date.now() - done.started
  const bytes = done.mirrors.reduce((sum, mirror) => sum + mirror.bytes, 0)
  const size = done.target.size ?? bytes
  const summary: FetchSummary = {
    output: done.output,
    name: done.target.name,
    size,
    bytes,
    resumedBytes: done.resumedBytes,
    durationMs,
    rate: durationMs > 0 ? Math.round((bytes * 1000) / durationMs) : 0,
    links: done.links,
    mirrors: mirrorSummaries(done.mirrors, done.map, durationMs),
    checks: done.checks,
  }
  emit({type: 'done', summary})
  return summary
}
