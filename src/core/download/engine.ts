// The single entry point of the download engine: fetchFile (and startFetch, which also lets the caller drop mirrors while it runs).
import {IntegrityError} from '../errors.js'
import {Checkpoints} from './checkpoint.js'
import {watchCommandFile, commandPath} from './command-file.js'
import {controlPath} from './control-file.js'
import {earlyCrossCheck} from './cross-check.js'
import {runEndChecks} from './end-check.js'
import {FileSink} from './file-sink.js'
import {setUpMirrors, type TargetInfo} from './mirror-setup.js'
import {fetchDefaults, type FetchOptions} from './options.js'
import {discard, outputPath, partPath, publish} from './output-file.js'
import {PieceMap} from './piece-map.js'
import {PieceVerifier} from './piece-verifier.js'
import {PieceWriter} from './piece-writer.js'
import {lookUpReferences, type LookedUpReferences} from './references.js'
import {loadResumeState} from './resume.js'
import {DownloadSession, type FetchHooks} from './session.js'
import {streamWhole, verifyWhole} from './stream-whole.js'
import {fetchSummary, type FetchSummary, type Finished} from './summary.js'

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
  const session = new DownloadSession(options, hooks)
  return {result: run(session), dropMirror: (text) => session.steer(text, 'drop'), restoreMirror: (text) => session.steer(text, 'undrop')}
}

/** Set-up, then the transfer and the end checks (or one stream when the size is unknown), then the rename; clean-up always. */
async function run(session: DownloadSession): Promise<FetchSummary> {
  const {options} = session
  try {
    const {mirrors, target} = await setUpMirrors(options.urls ?? [], options.mirrorSet, session.transports, session.emit, session.signal, session.settings.stallTimeoutMs)
    session.useMirrors(mirrors)
    const output = await outputPath(options, target.name)
    if (options.commandFile !== false) session.defer(await watchCommandFile(commandPath(output), (directive) => session.steer(directive.mirror, directive.action)))
    const references = await lookUpReferences(session, target, mirrors)
    const finished = target.size === undefined ? await streamUnsized(session, target, output, references) : await fetchPieces(session, {...target, size: target.size}, output, references)
    await publish(output, finished.map ? controlPath(output) : undefined)
    const summary = fetchSummary(finished)
    session.emit({type: 'done', summary})
    return summary
  } catch (error) {
    throw session.failure(error)
  } finally {
    await session.close()
  }
}

/** A file of unknown size: one stream from one mirror, then its checksum. */
async function streamUnsized(session: DownloadSession, target: TargetInfo, output: string, references: LookedUpReferences): Promise<Finished> {
  const {mirrors, settings, emit, signal} = session
  await streamWhole(mirrors, partPath(output), settings.maxTries, emit, signal)
  const reference = await references.whole()
  const checks = await verifyWhole(partPath(output), reference ? [reference.checksum] : [], emit, signal)
  return {output, target, mirrors, map: undefined, started: session.started, resumedBytes: 0, checks, links: session.links, ...(reference ? {reference} : {})}
}

/** Pieces from many mirrors at once, resumed from the control file, checkpointed, then checked (and repaired) at the end. */
async function fetchPieces(session: DownloadSession, target: TargetInfo & {size: number}, output: string, references: LookedUpReferences): Promise<Finished> {
  const {mirrors, settings, signal} = session
  const {checksums, pieceHashes} = references
  const map = new PieceMap(target.size, pieceHashes?.length ?? settings.pieceLength ?? fetchDefaults.pieceLength)
  const statePath = controlPath(output)
  const keep = await loadResumeState(statePath, partPath(output), target, settings.restart, map, mirrors)
  const sink = await FileSink.open(partPath(output), target.size, keep)
  session.defer(() => sink.close())
  const resumedBytes = map.doneBytes
  session.emit({type: 'start', size: target.size, pieceLength: map.pieceLength, pieces: map.count, resumedBytes, mirrors: mirrors.map((mirror) => ({mirror: mirror.id, url: mirror.displayUrl}))})
  const checkpoints = new Checkpoints(map, sink, target, mirrors, statePath)
  checkpoints.start(settings.checkpointMs, (error) => session.fail(error))
  const verifier = pieceHashes ? new PieceVerifier(pieceHashes) : undefined
  const writer = new PieceWriter(map, sink, verifier, {pieceDone: () => undefined, pieceBad: (piece, contributors) => session.pieceBad(piece, contributors)})
  // Without any reference hash, the sampled cross-check starts while the last quarter still downloads.
  const early = checksums.length === 0 && !verifier ? earlyCrossCheck({map, sink, mirrors, crossCheck: settings.crossCheck, seed: settings.seed, signal}) : undefined
  session.onProgress(early?.poll)
  try {
    await session.transfer(map, writer)
    // Refetch rounds after the checks must not start a cross-check of their own.
    session.onProgress(undefined)
    const compared = early?.started()
    const refetch = () => session.transfer(map, writer)
    const reference = await references.whole()
    const checks = await runEndChecks({map, sink, mirrors, checksums: reference ? [reference.checksum] : [], crossCheck: settings.crossCheck, seed: settings.seed, emit: session.emit, refetch, signal, ...(verifier ? {verifier} : {}), ...(compared ? {early: compared} : {})})
    await checkpoints.stop()
    await sink.close()
    return {output, target, mirrors, map, started: session.started, resumedBytes, checks, links: session.links, ...(reference ? {reference} : {})}
  } catch (error) {
    const unfixable = error instanceof IntegrityError
    await checkpoints.abandon(!unfixable)
    if (unfixable) {
      await sink.close()
      await discard(output, statePath)
    }
    throw error
  }
}
