// Re-reads pieces from other mirrors and compares them with the bytes on disk: which range of each, and who is outvoted.
import {deadlineSignal} from '../deadline-signal.js'
import {createHash} from 'node:crypto'
import type {FileSink} from './file-sink.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {ByteRange} from '../../plugins/types.js'

const READ_TIMEOUT_MS = 30_000
/** A voter that sends nothing for this long is given up on (a stalled mirror must not hold the check for the whole read timeout). */
const QUIET_MS = 5000

/**
 * The SHA-256 of a piece as a mirror serves it, hashed as it streams: comparing digests instead of
 * buffers keeps a cross-check of several pieces at once from holding two copies of each in memory.
 */
async function remoteDigest(mirror: MirrorState, range: ByteRange, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  const quiet = new AbortController()
  let timer = setTimeout(() => quiet.abort(new Error('no data')), QUIET_MS)
  const options = {signal: deadlineSignal([signal, quiet.signal], READ_TIMEOUT_MS), ...(mirror.etag === undefined ? {} : {etag: mirror.etag})}
  try {
    for await (const chunk of mirror.transport.read(mirror.url, range, options)) {
      hash.update(chunk)
      clearTimeout(timer)
      timer = setTimeout(() => quiet.abort(new Error('no data')), QUIET_MS)
    }
  } finally {
    clearTimeout(timer)
  }
  return hash.digest('hex')
}

export type Comparison = {
  /** Pieces that were compared with a second mirror. */
  compared: number
  /** Mirror ids outvoted by two others. */
  blamed: Set<number>
  /** Pieces whose bytes on disk were outvoted. */
  badPieces: number[]
  /** Two mirrors disagree and nobody else could vote: [deliverer, other]. */
  ties: Array<[number, number]>
}

/** One comparison made of two: an early one during the transfer and the rest at the end. */
export function mergeComparisons(a: Comparison, b: Comparison): Comparison {
  return {compared: a.compared + b.compared, blamed: new Set([...a.blamed, ...b.blamed]), badPieces: [...a.badPieces, ...b.badPieces], ties: [...a.ties, ...b.ties]}
}

/** Pieces compared at once: one request at a time made a 32-piece cross-check cost seconds of round trips. */
const COMPARE_CONCURRENCY = 8

type Outcome = {compared: boolean; blamed?: number; bad?: boolean; tie?: [number, number]}

/** Reads in flight per voter, and voters that failed a read and are not asked again in this round. */
type Voters = {busy: Map<MirrorState, number>; failed: Set<MirrorState>}

/**
 * The bytes of `piece` to compare: the whole piece, or a `window`-byte slice of it at an offset fixed by
 * the piece index, so a cheap cross-check still touches every sampled piece and repeats exactly.
 */
export function compareRange(map: PieceMap, piece: number, window?: number): ByteRange {
  const start = map.start(piece)
  const length = map.lengthOf(piece)
  if (window === undefined || window >= length) return {offset: start, length}
  const offset = (Math.imul(piece + 1, 2_654_435_761) >>> 0) % (length - window + 1)
  return {offset: start + offset, length: window}
}

export type CompareOptions = {
  /** Bytes compared per piece, at an offset fixed by the piece; the whole piece when absent. */
  window?: number
  /** Take no new piece once one has named a culprit (a mirror outvoted, or two mirrors contradicting each other). */
  stopAtCulprit?: boolean
}

/**
 * Compares each piece on disk (or a window of it) with the same range from another mirror, in the
 * order given; on a mismatch, a third mirror votes when there is one. Several pieces are compared at
 * once, each asked of the least busy voter.
 */
export async function comparePieces(
  pieces: readonly number[],
  map: PieceMap,
  sink: FileSink,
  mirrors: readonly MirrorState[],
  signal: AbortSignal,
  options: CompareOptions = {},
): Promise<Comparison> {
  const now = Date.now()
  const usable = mirrors.filter((mirror) => mirror.status === 'active' && !mirror.wholeOnly && !mirror.unverified && mirror.benchedUntil <= now)
  const voters: Voters = {busy: new Map(), failed: new Set()}
  const outcomes: Outcome[] = []
  let next = 0
  let stopped = false
  const worker = async () => {
    while (next < pieces.length && !stopped) {
      const index = next++
      const outcome = await comparePiece(pieces[index]!, compareRange(map, pieces[index]!, options.window), map, sink, usable, voters, signal)
      outcomes[index] = outcome
      if (options.stopAtCulprit && (outcome.blamed !== undefined || outcome.tie)) stopped = true
    }
  }
  await Promise.all(Array.from({length: Math.min(COMPARE_CONCURRENCY, pieces.length)}, worker))
  // Folded in piece order, so the result does not depend on which request finished first.
  const result: Comparison = {compared: 0, blamed: new Set(), badPieces: [], ties: []}
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.compared) result.compared++
    if (outcome.blamed !== undefined) result.blamed.add(outcome.blamed)
    if (outcome.bad) result.badPieces.push(pieces[index]!)
    if (outcome.tie) result.ties.push(outcome.tie)
  }
  return result
}

async function comparePiece(
  piece: number,
  range: ByteRange,
  map: PieceMap,
  sink: FileSink,
  usable: readonly MirrorState[],
  voters: Voters,
  signal: AbortSignal,
): Promise<Outcome> {
  const deliverer = map.deliverer(piece)
  // Voters must not have sent any of the bytes on disk; a hedge or a cut can mix two senders.
  const contributors = map.contributors(piece)
  // The voter expected to answer first (fewest reads queued per unit of speed); the primary breaks ties, so it goes first among equals.
  const wait = (mirror: MirrorState) => ((voters.busy.get(mirror) ?? 0) + 1) / Math.max(mirror.speed.linkRate, 1)
  const candidates = () =>
    usable
      .filter((mirror) => !contributors.includes(mirror.id) && !voters.failed.has(mirror))
      // A mirror that collapsed (a stopped server is silent until the stall timeout) or failed lately
      // (a stall, a reset) is asked only when no healthy one is left: a silent voter costs QUIET_MS.
      // An FTP mirror comes after the others: each 4 KiB window costs it a data connection and what the
      // server sent past the window (mixed bench: 0.15 s of end checks, 0.3-0.5 MiB thrown away).
      .sort(
        (a, b) =>
          Number(a.speed.collapsed) - Number(b.speed.collapsed) ||
          a.consecutiveFailures - b.consecutiveFailures ||
          Number(a.transport.openEndedReads === true) - Number(b.transport.openEndedReads === true) ||
          wait(a) - wait(b) ||
          a.id - b.id,
      )
  const local = createHash('sha256').update(await sink.read(range.offset, range.length)).digest('hex')
  let second: MirrorState | undefined
  let remote: string | undefined
  // A voter that fails is skipped for the rest of the round, and the next one is asked.
  while (remote === undefined && (second = candidates()[0])) remote = await readCounted(second, range, voters, signal)
  if (!second || remote === undefined) return {compared: false}
  if (local === remote) return {compared: true}
  const third = candidates().find((mirror) => mirror !== second)
  const judge = third ? await readCounted(third, range, voters, signal) : undefined
  if (judge === remote) {
    // A mixed piece is refetched, but only a sole sender is blamed.
    return contributors.length === 1 ? {compared: true, blamed: deliverer, bad: true} : {compared: true, bad: true}
  }
  if (judge === local) return {compared: true, blamed: second.id}
  if (contributors.length <= 1) return {compared: true, tie: [deliverer, second.id]}
  return {compared: true, bad: true}
}

/** The voter's digest, or undefined when it failed (it is then not asked again this round). */
async function readCounted(mirror: MirrorState, range: ByteRange, voters: Voters, signal: AbortSignal): Promise<string | undefined> {
  voters.busy.set(mirror, (voters.busy.get(mirror) ?? 0) + 1)
  try {
    return await remoteDigest(mirror, range, signal)
  } catch {
    if (signal.aborted) throw signal.reason
    voters.failed.add(mirror)
    return undefined
  } finally {
    voters.busy.set(mirror, voters.busy.get(mirror)! - 1)
  }
}
