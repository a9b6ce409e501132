// Chooses reproducible sample ranges from a seed: stratified random offsets, or whole pieces when piece hashes exist.
import type {ByteRange} from '../../plugins/types.js'

/** mulberry32: a tiny, fast, seedable generator; sampling needs reproducibility, not cryptographic strength. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type SamplePlan = {ranges: ByteRange[]; coveredBytes: number; fraction: number}

function plan(ranges: ByteRange[], size: number): SamplePlan {
  const coveredBytes = ranges.reduce((sum, range) => sum + range.length, 0)
  return {ranges, coveredBytes, fraction: size > 0 ? coveredBytes / size : 1}
}

/**
 * `count` ranges of `length` bytes, one at a random offset inside each of `count` equal strata of the file:
 * stratifying spreads the samples over the whole file and keeps them from overlapping.
 */
export function planSampleRanges(size: number, count: number, length: number, seed: number): SamplePlan {
  if (size <= 0 || count <= 0 || length <= 0) return plan([], size)
  if (count * length >= size) return plan([{offset: 0, length: size}], size)
  const random = seededRandom(seed)
  const stratum = size / count
  const ranges: ByteRange[] = []
  for (let index = 0; index < count; index++) {
    const start = Math.floor(index * stratum)
    const end = Math.min(size, Math.floor((index + 1) * stratum))
    const span = Math.max(0, end - start - length)
    const offset = Math.min(size - length, start + Math.floor(random() * (span + 1)))
    ranges.push({offset, length})
  }
  return plan(ranges, size)
}

/** `count` distinct piece indexes out of `pieceCount`, in ascending order (partial Fisher-Yates shuffle). */
export function planSamplePieces(pieceCount: number, count: number, seed: number): number[] {
  const random = seededRandom(seed)
  const indexes = Array.from({length: pieceCount}, (_, index) => index)
  const chosen = Math.min(count, pieceCount)
  for (let index = 0; index < chosen; index++) {
    const swap = index + Math.floor(random() * (pieceCount - index))
    ;[indexes[index], indexes[swap]] = [indexes[swap]!, indexes[index]!]
  }
  return indexes.slice(0, chosen).sort((a, b) => a - b)
}

/** The byte range of piece `index` of a file of `size` bytes cut in pieces of `pieceLength`. */
export function pieceRange(index: number, pieceLength: number, size: number): ByteRange {
  const offset = index * pieceLength
  return {offset, length: Math.max(0, Math.min(pieceLength, size - offset))}
}
