// Who made a whole-file checksum fail: a vote of other mirrors on sampled pieces, and when two mirrors only contradict each other, an experiment per suspect.
import {hashFile} from '../hashing.js'
import type {Checksum} from '../model.js'
import {comparePieces, mergeComparisons, samplePieces, type Comparison} from './compare-pieces.js'
import type {EndCheckContext} from './end-check-context.js'
import type {Proof} from './proof.js'
import {forget, quarantineForBytes} from './repair.js'

/**
 * Pieces per mirror re-read to find the culprit after a failed checksum, widened step by step while
 * nothing is found; every piece for small files. A mirror wrong in one byte every 16 MiB leaves most
 * of its pieces right: at 256 KiB pieces, 16 of them missed every bad one in 1 of 10 runs of 256 MiB,
 * and jumping from there to every piece took 29 s (0.51 of ideal); a fixed 64 per mirror cost every
 * run 3.6 s (0.85 of ideal, against 0.93 with 16).
 */
export const BLAME_STEPS: ReadonlyArray<number | 'all'> = [16, 64, 'all']
const SMALL_FILE_PIECES = 64

/** Re-reads samples of pieces (whole) from other mirrors, wider each time one shows nothing; a mirror outvoted by two others is blamed. */
export async function vote(context: EndCheckContext, round: number): Promise<Comparison> {
  const steps = context.map.count <= SMALL_FILE_PIECES ? ['all' as const] : BLAME_STEPS
  const covered = new Set<number>()
  let comparison: Comparison | undefined
  for (const perMirror of steps) {
    const sample = samplePieces(context.map, perMirror, context.seed + round, covered)
    const found = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal)
    comparison = comparison ? mergeComparisons(comparison, found) : found
    for (const piece of sample) covered.add(piece)
    if (comparison.blamed.size > 0 || comparison.badPieces.length > 0 || comparison.ties.length > 0) break
  }
  return comparison!
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
