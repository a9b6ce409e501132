// What mirrors are compared against, built once per run: the primary's stat, its sampled hashes, its full hash.
import type {RemoteInfo, Transport} from '../../plugins/types.js'
import type {Checksum, Target} from '../model.js'
import {strongestChecksum} from './digests.js'
import {lastPathSegment} from './name.js'
import {hashRange} from './read-hash.js'
import type {SampleReference} from './sample.js'
import {planSamplePieces, planSampleRanges} from './sample-plan.js'
import {unlessAborted} from '../unless-aborted.js'

export type SampleSettings = {samples: number; sampleSize: number; seed: number}

/** Fills what the target lacks from the primary's stat: size, name, and digests of algorithms it has none for. */
export function completeTarget(target: Target, info: RemoteInfo): Target {
  const completed: Target = {...target, checksums: [...target.checksums]}
  if (completed.size === undefined && info.size !== undefined) completed.size = info.size
  if (!completed.name) completed.name = info.name || lastPathSegment(info.finalUrl)
  for (const digest of info.digests) {
    if (!completed.checksums.some((checksum) => checksum.algorithm === digest.algorithm)) completed.checksums.push(digest)
  }
  if (completed.etag === undefined && info.etag !== undefined) completed.etag = info.etag
  return completed
}

/**
 * Runs `compute` once, on first use, and shares its promise (and its failure) with every caller;
 * each caller stops waiting when its own signal aborts (its mirror's timeout), while the shared work goes on.
 */
function once<T>(compute: () => Promise<T>): (signal: AbortSignal) => Promise<T> {
  let promise: Promise<T> | undefined
  return (signal) => {
    promise ??= compute()
    return unlessAborted(promise, signal)
  }
}


export type Primary = {transport: Transport; url: URL; signal: AbortSignal}

/** Piece hashes win over the primary: they are the publisher's word, and cost the primary nothing. */
export function sampleReference(target: Target, settings: SampleSettings, primary: Primary | undefined): SampleReference | string {
  const size = target.size
  if (size === undefined) return 'no samples: the size is unknown'
  if (settings.samples <= 0) return 'sampling disabled'
  const {seed} = settings
  if (target.pieces && target.pieces.hashes.length > 0) {
    const indexes = planSamplePieces(target.pieces.hashes.length, settings.samples, seed)
    return {kind: 'pieces', pieces: target.pieces, indexes, size, seed}
  }
  if (!primary) return 'no samples: no primary and no piece hashes to compare with'
  const {ranges} = planSampleRanges(size, settings.samples, settings.sampleSize, seed)
  const hashes = ranges.map((range) => once(async () => (await hashRange(primary.transport, primary.url, range, 'sha256', primary.signal)).hex))
  return {kind: 'primary', ranges, size, seed, primaryHash: (index, signal) => hashes[index]!(signal)}
}

export type FullReference = {against: 'checksum' | 'primary'; checksum: (signal: AbortSignal) => Promise<Checksum>}

export function fullReference(target: Target, primary: Primary | undefined): FullReference | undefined {
  const given = strongestChecksum(target.checksums)
  if (given) return {against: 'checksum', checksum: async () => given}
  if (!primary) return undefined
  const compute = once(async (): Promise<Checksum> => {
    const {hex} = await hashRange(primary.transport, primary.url, undefined, 'sha256', primary.signal)
    return {algorithm: 'sha256', hex}
  })
  return {against: 'primary', checksum: compute}
}
