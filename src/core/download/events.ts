// The typed events a running download reports, for progress views, JSON-lines output and tests.
import type {Reference} from '../references/reference.js'
import type {FetchSummary} from './summary.js'

/** Why a link stopped before the end of its span. */
export type CutReason = 'slow' | 'relative' | 'stall' | 'dropped' | 'hedge-lost' | 'quarantined' | 'stolen' | 'starved'

export type MirrorRate = {mirror: number; url: string; links: number; rate: number; bytes: number; state: string}

export type FetchEvent =
  | {type: 'start'; size?: number; pieceLength: number; pieces: number; resumedBytes: number; mirrors: Array<{mirror: number; url: string}>}
  | {type: 'mirror-rejected'; mirror: number; url: string; reason: string}
  | {type: 'link-start'; link: number; mirror: number; url: string; offset: number; length: number; hedge: boolean}
  | {type: 'link-end'; link: number; mirror: number; bytes: number; offset: number}
  | {type: 'link-cut'; link: number; mirror: number; url: string; reason: CutReason; offset: number; rate: number}
  | {type: 'link-error'; link: number; mirror: number; url: string; code: string; message: string; offset: number}
  /** A mirror's link ramp decided: `links` allowed now, from its rate `before` and `after` the last probe (bytes/s). */
  | {type: 'mirror-links'; mirror: number; url: string; links: number; before: number; after: number; settled: boolean}
  | {type: 'steal'; from: number; link: number; offset: number; length: number}
  | {type: 'piece-bad'; piece: number; mirrors: number[]}
  | {type: 'mirror-benched'; mirror: number; url: string; code: string; seconds: number}
  | {type: 'mirror-quarantined'; mirror: number; url: string; reason: string}
  | {type: 'mirror-dropped'; mirror: number; url: string}
  | {type: 'mirror-restored'; mirror: number; url: string}
  | {type: 'hedge-start'; link: number; of: number; offset: number}
  | {type: 'hedge-won'; link: number; loser: number}
  | {type: 'progress'; bytes: number; size?: number; rate: number; eta?: number; mirrors: MirrorRate[]}
  | {type: 'check'; name: string; ok: boolean; detail: string}
  | {type: 'reference'; reference?: Reference; requests?: number; durationMs?: number}
  | {type: 'done'; summary: FetchSummary}

export type FetchEventListener = (event: FetchEvent) => void
