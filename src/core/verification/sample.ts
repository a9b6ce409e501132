// The sample check: seeded ranges read from a mirror and compared by hash with the primary's bytes or with piece hashes.
import type {ByteRange, Transport} from '../../plugins/types.js'
import {MirrorError} from '../errors.js'
import type {Check, PieceHashes} from '../model.js'
import {formatBytes, formatPercent} from '../units.js'
import {hashRange} from './read-hash.js'
import {pieceRange} from './sample-plan.js'

/** What sampled bytes are compared with: hashes of the primary's bytes, or the target's piece hashes. */
export type SampleReference =
  | {kind: 'primary'; ranges: ByteRange[]; size: number; seed: number; primaryHash(index: number, signal: AbortSignal): Promise<string>}
  | {kind: 'pieces'; pieces: PieceHashes; indexes: number[]; size: number; seed: number}

export type SampleOutcome = {check?: Check; note?: string}

/** Range errors mean "cannot sample here", not "different bytes": the verdict notes them instead of failing. */
const CANNOT_SAMPLE = new Set(['ERANGE_UNSUPPORTED', 'ECONTENTRANGE'])

function power(reference: SampleReference): string {
  const ranges = reference.kind === 'primary' ? reference.ranges : reference.indexes.map((index) => pieceRange(index, reference.pieces.length, reference.size))
  const covered = ranges.reduce((sum, range) => sum + range.length, 0)
  const lengths = new Set(ranges.map((range) => range.length))
  const what = lengths.size === 1 ? `${ranges.length} × ${formatBytes(ranges[0]!.length)}` : `${ranges.length} ranges, ${formatBytes(covered)}`
  const unit = reference.kind === 'pieces' ? ' pieces' : ''
  return `${what}${unit} of ${formatBytes(reference.size)} sampled (${formatPercent(reference.size > 0 ? covered / reference.size : 1)}, seed ${reference.seed})`
}

function rangeText(range: ByteRange): string {
  return `bytes ${range.offset}-${range.offset + range.length - 1}`
}

async function compare(
  transport: Transport,
  url: URL,
  reference: SampleReference,
  signal: AbortSignal,
): Promise<SampleOutcome> {
  const against = reference.kind === 'pieces' ? 'the piece hashes' : 'the primary'
  const count = reference.kind === 'pieces' ? reference.indexes.length : reference.ranges.length
  for (let index = 0; index < count; index++) {
    let range: ByteRange
    let expected: string
    let found: string
    if (reference.kind === 'pieces') {
      const piece = reference.indexes[index]!
      range = pieceRange(piece, reference.pieces.length, reference.size)
      expected = reference.pieces.hashes[piece]!.toLowerCase()
      found = (await hashRange(transport, url, range, reference.pieces.algorithm, signal)).hex
    } else {
      range = reference.ranges[index]!
      // The mirror is read first so a mirror without ranges costs the primary nothing.
      found = (await hashRange(transport, url, range, 'sha256', signal)).hex
      try {
        expected = await reference.primaryHash(index, signal)
      } catch (error) {
        if (signal.aborted) throw error
        const code = error instanceof MirrorError ? error.code : 'EINTERNAL'
        return {note: `samples not compared: the primary could not be read (${code})`}
      }
    }
    if (found !== expected) {
      const name = reference.kind === 'pieces' ? 'pieces' : 'sample'
      return {check: {name, ok: false, expected, found, detail: `${rangeText(range)} differ from ${against}, ${power(reference)}`}}
    }
  }
  const name = reference.kind === 'pieces' ? 'pieces' : 'sample'
  return {check: {name, ok: true, detail: `${power(reference)} match ${against}`}}
}

/** Compares the sampled ranges; rethrows network failures so the mirror is reported unreachable. */
export async function checkSamples(
  transport: Transport,
  url: URL,
  reference: SampleReference,
  signal: AbortSignal,
): Promise<SampleOutcome> {
  try {
    return await compare(transport, url, reference, signal)
  } catch (error) {
    if (error instanceof MirrorError && CANNOT_SAMPLE.has(error.code)) {
      return {note: `samples not compared: ${error.code === 'ERANGE_UNSUPPORTED' ? 'no range support' : 'wrong Content-Range'} (${error.code})`}
    }
    throw error
  }
}
