// Who made a whole-file checksum fail: a vote of other mirrors on sampled pieces, and when two mirrors only contradict each other, an experiment per suspect.
import {hashFile} from '../hashing.js'
import type {Checksum} from '../model.js'
import {comparePieces, mergeComparisons, samplePieces, type Comparison} from './compare-pieces.js'
import type {EndCheckContext} from './end-check-context.js'
import type {Proof} from './proof.js'
import {forget, quarantineForBytes} from './repair.js'

/**
 * Bytes per mirror re-read (as whole pieces) to find the culprit after a failed checksum; every piece
 * for small files. Counted in bytes, not pieces: when pieces went from 1 MiB to 256 KiB, a sample of
 * 16 pieces covered a quarter of the bytes, missed every bad piece more often, and one spread run
 * compared all 1024 pieces (29 s) before it blamed the mirror.
 */
const BLAME_SAMPLE_BYTES = 16 * 1024 * 1024
const SMALL_FILE_BYTES = 64 * 1024 * 1024

/** Re-reads a sample of pieces (whole) from other mirrors, then the rest if the sample showed nothing; a mirror outvoted by two others is blamed. */
export async function vote(context: EndCheckContext, round: number): Promise<Comparison> {
  const {map} = context
  const sample = samplePieces(map, map.size <= SMALL_FILE_BYTES ? 'all' : Math.ceil(BLAME_SAMPLE_BYTES / map.pieceLength), context.seed + round)
  const comparison = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal)
  // A mirror wrong in one byte every 16 MiB leaves most pieces right: a sample of 16 of its 1 MiB pieces
  // missed every bad one in 1 of 11 runs of 256 MiB. Before giving up, every other piece is compared.
  if (comparison.blamed.size > 0 || comparison.badPieces.length > 0 || comparison.ties.length > 0 || sample.length >= context.map.count) return comparison
  const rest = samplePieces(context.map, 'all', context.seed + round, new Set(sample))
  return mergeComparisons(comparison, await comparePieces(rest, context.map, context.sink, context.mirrors, context.signal))
}

/** The mirrors of two-way disagreements, the primary last: it defines the target, so the others are tried first. */
export function suspectsOf(comparison: Comparison): number[] {
  return [...new Set(comparison.ties.flat())].filter((id) => id >= 0).sort((a, b) => (a === 0 ? 1 : 0) - (b === 0 ? 1 : 0) || a - b)
}

/**
 * Two mirrors disagree and the checksum is the only judge: refetch one suspect's pieces from the
 * others (non-primary suspects first) and keep the hypothesis that makes the checksum match.
 */
export async function tryHypotheses(context: EndCheckContext, suspects: number[], reference: Checksum, proof: Proof): Promise<boolean> {
  for (const id of suspects) {
    const mirror = context.mirrors[id]!
    if (mirror.status !== 'active' || !context.mirrors.some((other) => other !== mirror && other.status === 'active')) continue
    mirror.drop()
    const refetched = forget(context, new Set([id]))
    await context.refetch()
    await context.sink.sync()
    const found = await hashFile(context.sink.path, reference.algorithm, context.signal)
    if (found === reference.hex.toLowerCase()) {
      quarantineForBytes(context, mirror, `served bytes that broke the ${reference.algorithm} checksum`)
      proof.record({name: 'checksum', ok: true, detail: `${reference.algorithm} matches after refetching ${refetched} pieces that ${mirror.displayUrl} had sent`})
      return true
    }
    mirror.restore()
  }
  return false
}
