// What every end-check stage works on: the map and part file, the mirrors, the reference hashes, and how to fetch forgotten pieces again.
import type {Checksum} from '../model.js'
import type {Comparison} from './compare-pieces.js'
import type {FetchEvent} from './events.js'
import type {FileSink} from './file-sink.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import type {PieceVerifier} from './piece-verifier.js'

export type EndCheckContext = {
  map: PieceMap
  sink: FileSink
  mirrors: readonly MirrorState[]
  checksums: readonly Checksum[]
  /** The piece hashes checked during the transfer, when there were any. */
  verifier?: PieceVerifier
  crossCheck: number | 'all'
  seed: number
  emit: (event: FetchEvent) => void
  /** Fetches the pieces that are missing again (a new transfer). */
  refetch: () => Promise<void>
  signal: AbortSignal
  /** A cross-check already made while the transfer ran (earlyCrossCheck). */
  early?: Promise<EarlyCrossCheck>
}

/** Pieces compared during the transfer, with who had delivered each, so a later change voids the result. */
export type EarlyCrossCheck = {pieces: number[]; deliverers: number[]; comparison: Comparison}
