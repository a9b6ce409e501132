// The checks after the transfer: whole-file hash or cross-check, and repair rounds that quarantine the blamed mirror and refetch its pieces.
import {IntegrityError} from '../errors.js'
import {hashFile, strongest} from '../hashing.js'
import type {Checksum} from '../model.js'
import type {FetchEvent} from './events.js'
import type {FileSink} from './file-sink.js'
import {comparePieces, samplePieces} from './integrity.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {IntegrityCheck} from './summary.js'

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
}

function record(context: VerifyContext, checks: IntegrityCheck[], check: IntegrityCheck): void {
  checks.push(check)
  context.emit({type: 'check', name: check.name, ok: check.ok, detail: check.detail})
}

/** Quarantines the blamed mirrors and forgets every piece they touched, plus pieces found bad. */
function forget(context: VerifyContext, blamed: ReadonlySet<number>, badPieces: readonly number[]): number {
  const {map, mirrors} = context
  for (const id of blamed) {
    const mirror = mirrors[id]!
    if (mirror.status === 'active') {
      mirror.quarantine('EINTEGRITY', 'served bytes that differ from the other mirrors')
      context.emit({type: 'mirror-quarantined', mirror: id, url: mirror.displayUrl, reason: mirror.reason ?? 'integrity'})
    }
  }
  let count = 0
  for (let piece = 0; piece < map.count; piece++) {
    if (badPieces.includes(piece) || map.contributors(piece).some((id) => blamed.has(id))) {
      map.reset(piece)
      count++
    }
  }
  return count
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
      const comparison = await comparePieces(sample, context.map, context.sink, context.mirrors, 'deliverer', context.signal)
      if (comparison.blamed.size === 0 || round >= REPAIR_ROUNDS) {
        throw new IntegrityError(`${reference.algorithm} mismatch: the file is ${found}, expected ${reference.hex}` + (comparison.blamed.size === 0 ? ` (${comparison.compared} pieces re-read from other mirrors found no culprit)` : ''))
      }
      const refetched = forget(context, comparison.blamed, comparison.badPieces)
      record(context, checks, {name: 'checksum', ok: false, detail: `blamed ${[...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ')}; refetching ${refetched} pieces`})
    } else if (context.pieceHashes) {
      return checks
    } else {
      const sample = samplePieces(context.map, context.crossCheck, context.seed + round)
      const comparison = await comparePieces(sample, context.map, context.sink, context.mirrors, 'not-primary', context.signal)
      if (comparison.blamed.size === 0) {
        const detail = comparison.compared === 0 ? 'no second mirror to compare with: bytes unchecked' : `${comparison.compared} of ${context.map.count} pieces re-read from a second mirror: identical`
        record(context, checks, {name: 'cross-check', ok: true, detail})
        return checks
      }
      const refetched = forget(context, comparison.blamed, comparison.badPieces)
      const names = [...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ')
      record(context, checks, {name: 'cross-check', ok: false, detail: `${names} served different bytes; refetching ${refetched} pieces`})
      if (round >= REPAIR_ROUNDS) throw new IntegrityError(`mirrors disagree about the file's bytes (${names})`)
    }
    await context.refetch()
  }
}
