// The cross-check stage of the end checks, for a download with no reference hash: sampled pieces re-read from a second mirror, begun while the transfer's tail still runs.
import {IntegrityError} from '../errors.js'
import {comparePieces, mergeComparisons} from './compare-pieces.js'
import type {EarlyCrossCheck, EndCheckContext} from './end-check-context.js'
import {samplePieces} from './piece-sample.js'
import type {Proof} from './proof.js'
import {repair} from './repair.js'

/**
 * Bytes re-read per sampled piece by a numeric --cross-check. A mirror serving another file or version
 * differs in every window, and a bad region is found by how many windows land in it, not by their
 * size, so the window is one page: 8 windows per mirror cost 32 KiB. Every byte re-read is a byte
 * the transfer waits for when the mirrors are the bottleneck. Measured on the caps benchmark
 * (4 mirrors, 256 MiB): 64 KiB windows took 2 MiB, about 0.1 s of a 14.5 s transfer; 16 KiB ones
 * 0.5 MiB, about 0.03 s.
 */
export const CROSS_CHECK_WINDOW = 4 * 1024

/** Share of the bytes done when the cross-check of a download without reference hash begins. */
const EARLY_CHECK_FRACTION = 0.75

type EarlyContext = Pick<EndCheckContext, 'map' | 'sink' | 'mirrors' | 'crossCheck' | 'seed' | 'signal'>

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
    running = comparePieces(pieces, map, context.sink, context.mirrors, context.signal, {window: CROSS_CHECK_WINDOW}).then((comparison) => ({pieces, deliverers, comparison}))
    running.catch(() => undefined)
  }
  return {poll, started: () => running}
}

/** The early cross-check, unless it failed or a piece it compared was refetched since. */
async function stillValid(context: EndCheckContext): Promise<EarlyCrossCheck | undefined> {
  const early = await context.early?.catch(() => undefined)
  if (!early) return undefined
  const unchanged = early.pieces.every((piece, index) => context.map.isDone(piece) && context.map.deliverer(piece) === early.deliverers[index])
  return unchanged ? early : undefined
}

/** 'proved' when the second mirrors agree (or none could be asked); 'repair' after quarantining who differs; throws in the last round. */
export async function crossCheckRound(context: EndCheckContext, round: number, lastRound: boolean, proof: Proof): Promise<'proved' | 'repair'> {
  const early = round === 1 ? await stillValid(context) : undefined
  const sample = samplePieces(context.map, context.crossCheck, context.seed + round, new Set(early?.pieces))
  // A number asks for a cheap sample, a window of each piece; "all" re-reads every byte of the file.
  const window = context.crossCheck === 'all' ? undefined : CROSS_CHECK_WINDOW
  const late = await comparePieces(sample, context.map, context.sink, context.mirrors, context.signal, {window})
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
    // What was re-read, for the summary's account of an unverified file: pieces of which mirrors, how many bytes.
    const pieces = [...(early?.pieces ?? []), ...sample]
    const mirrors = [...new Set(pieces.map((piece) => context.map.deliverer(piece)))].flatMap((id) => context.mirrors[id]?.displayUrl ?? [])
    const bytes = Math.min(context.map.size, comparison.compared * Math.min(window ?? context.map.pieceLength, context.map.pieceLength))
    proof.record({name: 'cross-check', ok: true, detail, compared: {bytes, mirrors}})
    return 'proved'
  }
  const names = [...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ')
  const refetched = repair(context, comparison.blamed, comparison.badPieces, 'served bytes that differ from the primary')
  proof.record({name: 'cross-check', ok: false, detail: `${names} served different bytes; refetching ${refetched} pieces`})
  if (lastRound) throw new IntegrityError(`mirrors disagree about the file's bytes (${names})`)
  return 'repair'
}
