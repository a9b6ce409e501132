// Where a download's reference hashes enter: the user's --checksum, the MirrorSet's whole-file checksums (metalink, Digest headers) and metalink piece hashes.
import type {Checksum, PieceHashes} from '../model.js'
import type {FetchOptions} from './options.js'

/**
 * What the bytes are checked against. Everything that can vouch for a file comes in here, so a new
 * kind of reference (a checksum published next to the file, say) is one more input to this function.
 */
export type References = {
  /** Whole-file checksums, checked at the end (the strongest one). */
  checksums: Checksum[]
  /** Piece hashes, checked as pieces complete; only when they cover a file of this size. */
  pieceHashes?: PieceHashes
}

export function referencesFor(options: FetchOptions, size: number | undefined): References {
  const checksums = [...(options.checksums ?? []), ...(options.mirrorSet?.target.checksums ?? [])]
  const pieces = options.mirrorSet?.target.pieces
  const fits = size !== undefined && pieces !== undefined && pieces.hashes.length === Math.ceil(size / pieces.length)
  return fits ? {checksums, pieceHashes: pieces} : {checksums}
}
