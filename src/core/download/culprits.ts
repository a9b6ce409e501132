// Who made a whole-file checksum fail: a vote of other mirrors on sampled pieces, and when two mirrors only contradict each other, an experiment per suspect.
import {hashFile} from '../hashing.js'
import type {Checksum} from '../model.js'
import {comparePieces, mergeComparisons, samplePieces, type Comparison} from './compare-pieces.js'
import type {EndCheckContext} from './end-check-context.js'
import type {Proof} from './proof.js'
import {forget, quarantineForBytes} from './repair.js'

/** Pieces per mirror re-read to find the culprit after a failed checksum; every piece for small files. */
const BLAME_SAMPLE = 16
const SMALL_FILE_PIECES = 64

/** Re-reads a sample of pieces (whole) from other mirrors, then the rest if the sample showed nothing; a mirror outvoted by two others is blamed. */
export async function vote(context: EndCheckContext, round: number): Promise<Comparison> {
  const sample = samplePieces(context.map, context.map.count <= SMALL_FILE_PIECES ? 'all' : BLAME_SAMPLE, context.seed + round)
  const comparison = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal)
  // A mirror wrong in one byte every 16 MiB leaves most pieces right: a sample of 16 of its pieces
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
