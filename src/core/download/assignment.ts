// What the scheduler hands an idle link (a mirror and a span, maybe stolen or hedged) and the limits it decides within.
import type {Link} from './link.js'
import type {MirrorState} from './mirror-state.js'

export type Assignment = {
  mirror: MirrorState
  offset: number
  end: number
  /** Pieces [first, endPiece) the new link will own. */
  first: number
  endPiece: number
  whole: boolean
  stealFrom?: Link
  hedgeOf?: Link
}

export type SchedulerLimits = {
  perMirror: number
  maxTries: number
  minSplitPieces: number
  /** How long a mirror's probe link must run for its ramp to judge it (link-ramp.ts); no cap when absent. */
  probeMs?: number
}
