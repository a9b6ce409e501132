// The checks after the transfer: whole-file hash or cross-check, and repair rounds that quarantine the blamed mirror and refetch its pieces.
import {IntegrityError} from '../errors.js'
import {hashFile, strongest} from '../hashing.js'
import type {Checksum} from '../model.js'
import type {FetchEvent} from './events.js'
import type {FileSink} from './file-sink.js'
import {comparePieces, mergeComparisons, samplePieces, type Comparison} from './integrity.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {IntegrityCheck} from './summary.js'

/**
 * Bytes re-read per sampled piece by a numeric --cross-check. A mirror serving another file or version
 * differs in every window, and a bad region is found by how many windows land in it, not by their
 * size, so the window is one page: 8 windows per mirror cost 32 KiB. Every byte re-read is a byte
 * the transfer waits for when the mirrors are the bottleneck. Measured on the caps benchmark
 * (4 mirrors, 256 MiB): 64 KiB windows took 2 MiB, about 0.1 s of a 14.5 s transfer; 16 KiB ones
 * 0.5 MiB, about 0.03 s.
 */
export const CROSS_CHECK_WINDOW = 4 * 1024

const REPAIR_ROUNDS = 3
/** Pieces per mirror re-read to find the culprit after a failed checksum; every piece for small files. */
const BLAME_SAMPLE = 16
const SMALL_FILE_PIECES = 64

export type VerifyContext = {
  map: PieceMap
  sink: FileSink
  mirrors: readonly MirrorState[]
  checksums: readonly Checksum[]
  /** True when piece hashes were checked during the transfer. */
  pieceHashes: boolean
  crossCheck: number | 'all'
  seed: number
  emit: (event: FetchEvent) => void
  /** Fetches the pieces that are missing again (a new transfer). */
  refetch: () => Promise<void>
  signal: AbortSignal
  /** A cross-check already made while the transfer ran (earlyCrossCheck). */
  early?: Promise<EarlyCrossCheck>
}

/** Pieces compared during the transfer, with who had delivered each, so a later change voids the result. */
export type EarlyCrossCheck = {pieces: number[]; deliverers: number[]; comparison: Comparison}

type EarlyContext = Pick<VerifyContext, 'map' | 'sink' | 'mirrors' | 'crossCheck' | 'seed' | 'signal'>

/** Share of the bytes done when the cross-check of a download without reference hash begins. */
const EARLY_CHECK_FRACTION = 0.75

/**
 * The cross-check of the pieces done so far, begun by `poll()` (on each progress tick) once three
 * quarters of the bytes are done, so its round trips overlap the transfer's tail instead of adding to
 * the end. Only for a numeric --cross-check: "all" re-reads every byte at the end.
 */
export function earlyCrossCheck(context: EarlyContext): {poll: () => void; started: () => Promise<EarlyCrossCheck> | undefined} | undefined {
  const {map, crossCheck} = context
  if (typeof crossCheck !== 'number' || crossCheck <= 0) return undefined
  let running: Promise<EarlyCrossCheck> | undefined
  const poll = () => {
    if (running || map.doneBytes < EARLY_CHECK_FRACTION * map.size) return
    const pieces = samplePieces(map, crossCheck, context.seed + 1)
    const deliverers = pieces.map((piece) => map.deliverer(piece))
    running = comparePieces(pieces, map, context.sink, context.mirrors, context.signal, CROSS_CHECK_WINDOW).then((comparison) => ({pieces, deliverers, comparison}))
    running.catch(() => undefined)
  }
  return {poll, started: () => running}
}

/** The early cross-check, unless it failed or a piece it compared was refetched since. */
async function stillValid(context: VerifyContext): Promise<EarlyCrossCheck | undefined> {
  const early = await context.early?.catch(() => undefined)
  if (!early) return undefined
  const unchanged = early.pieces.every((piece, index) => context.map.isDone(piece) && context.map.deliverer(piece) === early.deliverers[index])
  return unchanged ? early : undefined
}

function record(context: VerifyContext, checks: IntegrityCheck[], check: IntegrityCheck): void {
  checks.push(check)
  context.emit({type: 'check', name: check.name, ok: check.ok, detail: check.detail})
}

function quarantine(context: VerifyContext, mirror: MirrorState, reason: string): void {
  if (!mirror.quarantine('EINTEGRITY', reason)) return
  context.emit({type: 'mirror-quarantined', mirror: mirror.id, url: mirror.displayUrl, reason})
}

/** Forgets every piece the given mirrors touched, plus pieces found bad, so they are fetched again. */
function forget(context: VerifyContext, suspects: ReadonlySet<number>, badPieces: readonly number[] = []): number {
  const {map} = context
  let count = 0
  for (let piece = 0; piece < map.count; piece++) {
    if (badPieces.includes(piece) || map.contributors(piece).some((id) => suspects.has(id))) {
      map.reset(piece)
      count++
    }
  }
  return count
}

/**
 * Two mirrors disagree and the checksum is the only judge: refetch one suspect's pieces from the
 * others (non-primary suspects first) and keep the hypothesis that makes the checksum match.
 */
async function tryHypotheses(context: VerifyContext, suspects: number[], reference: Checksum, checks: IntegrityCheck[]): Promise<boolean> {
  for (const id of suspects) {
    const mirror = context.mirrors[id]!
    if (mirror.status !== 'active' || !context.mirrors.some((other) => other !== mirror && other.status === 'active')) continue
    mirror.drop()
    const refetched = forget(context, new Set([id]))
    await context.refetch()
    await context.sink.sync()
    const found = await hashFile(context.sink.path, reference.algorithm, context.signal)
    if (found === reference.hex.toLowerCase()) {
      quarantine(context, mirror, `served bytes that broke the ${reference.algorithm} checksum`)
      record(context, checks, {name: 'checksum', ok: true, detail: `${reference.algorithm} matches after refetching ${refetched} pieces that ${mirror.displayUrl} had sent`})
      return true
    }
    mirror.restore()
  }
  return false
}

/** Runs the end checks, repairing what it can; throws IntegrityError when the file cannot be made right. */
export async function verifyDownload(context: VerifyContext): Promise<IntegrityCheck[]> {
  const checks: IntegrityCheck[] = []
  const reference = strongest(context.checksums)
  for (let round = 1; ; round++) {
    await context.sink.sync()
    if (reference) {
      const found = await hashFile(context.sink.path, reference.algorithm, context.signal)
      const ok = found === reference.hex.toLowerCase()
      record(context, checks, {name: 'checksum', ok, detail: ok ? `${reference.algorithm} of the whole file matches` : `${reference.algorithm} is ${found}, expected ${reference.hex}`})
      if (ok) return checks
      const sample = samplePieces(context.map, context.map.count <= SMALL_FILE_PIECES ? 'all' : BLAME_SAMPLE, context.seed + round)
      const comparison = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal)
      const failure = () =>
        new IntegrityError(`${reference.algorithm} mismatch: the file is ${found}, expected ${reference.hex} (${comparison.compared} pieces re-read from other mirrors found no culprit)`)
      if ((comparison.blamed.size > 0 || comparison.badPieces.length > 0) && round < REPAIR_ROUNDS) {
        for (const id of comparison.blamed) quarantine(context, context.mirrors[id]!, 'outvoted by two other mirrors')
        const refetched = forget(context, comparison.blamed, comparison.badPieces)
        const blamed = [...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ') || 'no single mirror'
        record(context, checks, {name: 'checksum', ok: false, detail: `blamed ${blamed}; refetching ${refetched} pieces`})
      } else {
        const suspects = [...new Set(comparison.ties.flat())].filter((id) => id >= 0).sort((a, b) => (a === 0 ? 1 : 0) - (b === 0 ? 1 : 0) || a - b)
        if (suspects.length === 0 || !(await tryHypotheses(context, suspects, reference, checks))) throw failure()
        return checks
      }
    } else if (context.pieceHashes) {
      return checks
    } else {
      const early = round === 1 ? await stillValid(context) : undefined
      const sample = samplePieces(context.map, context.crossCheck, context.seed + round, new Set(early?.pieces))
      // A number asks for a cheap sample, a window of each piece; "all" re-reads every byte of the file.
      const window = context.crossCheck === 'all' ? undefined : CROSS_CHECK_WINDOW
      const late = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal, window)
      const comparison = early ? mergeComparisons(early.comparison, late) : late
      // Without a reference, a two-way disagreement is settled for the primary, which defines the target.
      for (const [deliverer, other] of comparison.ties) {
        if (deliverer === 0) comparison.blamed.add(other)
        else {
          comparison.blamed.add(deliverer)
          if (other !== 0) comparison.blamed.add(other)
        }
      }
      if (comparison.blamed.size === 0 && comparison.badPieces.length === 0) {
        const during = early && early.comparison.compared > 0 ? `, ${early.comparison.compared} of them while the download ran` : ''
        const detail = comparison.compared === 0 ? 'no second mirror to compare with: bytes unchecked' : `${comparison.compared} of ${context.map.count} pieces re-read from a second mirror (${window === undefined ? 'whole pieces' : `${window / 1024} KiB of each`}${during}): identical`
        record(context, checks, {name: 'cross-check', ok: true, detail})
        return checks
      }
      const names = [...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ')
      for (const id of comparison.blamed) quarantine(context, context.mirrors[id]!, 'served bytes that differ from the primary')
      const refetched = forget(context, comparison.blamed, comparison.badPieces)
      record(context, checks, {name: 'cross-check', ok: false, detail: `${names} served different bytes; refetching ${refetched} pieces`})
      if (round >= REPAIR_ROUNDS) throw new IntegrityError(`mirrors disagree about the file's bytes (${names})`)
    }
    await context.refetch()
  }
}
