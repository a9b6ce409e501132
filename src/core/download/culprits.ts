// Who made a whole-file checksum fail: a vote of other mirrors, piece by piece until one names a culprit, and when two mirrors only contradict each other, an experiment per suspect.
import {hashFile} from '../hashing.js'
import type {Checksum} from '../model.js'
import {comparePieces, type Comparison} from './compare-pieces.js'
import type {EndCheckContext} from './end-check-context.js'
import {huntOrder} from './piece-sample.js'
import type {Proof} from './proof.js'
import {forget, quarantineForBytes} from './repair.js'

/**
 * Pieces of each mirror compared first after a failed checksum, before the rest of the file in one
 * shuffled order. A mirror wrong in one byte every 16 MiB leaves most of its pieces right: at 256 KiB
 * pieces the fastest of four sent about 545 pieces, 8 of them bad, so 16 missed them in about 4 runs
 * of 5 and 64 in 2 of 5. Widening in steps (16, 64, then every piece of every mirror) compared all
 * 1024 pieces in 4 of 6 runs of the spread benchmark (24-41 s, 0.42-0.55 of ideal). Going on piece by
 * piece and stopping at the first culprit compared 25-53 pieces in each of 10 runs: the wrong mirror
 * is also outvoted when it votes on a piece another mirror sent.
 */
export const FIRST_PER_MIRROR = 16

/** Re-reads pieces (whole) from other mirrors until one names a culprit or none is left; a mirror outvoted by two others is blamed. */
export async function vote(context: EndCheckContext, round: number): Promise<Comparison> {
  const order = huntOrder(context.map, FIRST_PER_MIRROR, context.seed + round)
  return comparePieces(order, context.map, context.sink, context.mirrors, context.signal, {stopAtCulprit: true})
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
