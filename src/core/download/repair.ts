// The repair between end-check rounds: blamed mirrors are quarantined, and the pieces they sent (and pieces outvoted) are forgotten, to be fetched again.
import type {EndCheckContext} from './end-check-context.js'
import type {MirrorState} from './mirror-state.js'

/** Quarantines a mirror the end checks caught, even one the user had dropped. */
export function quarantineForBytes(context: EndCheckContext, mirror: MirrorState, reason: string): void {
  if (!mirror.quarantine('EINTEGRITY', reason)) return
  context.emit({type: 'mirror-quarantined', mirror: mirror.id, url: mirror.displayUrl, reason})
}

/** Forgets every piece the given mirrors touched, plus pieces found bad, so they are fetched again; returns how many. */
export function forget(context: EndCheckContext, suspects: ReadonlySet<number>, badPieces: readonly number[] = []): number {
  const {map} = context
  let count = 0
  for (let piece = 0; piece < map.count; piece++) {
    if (badPieces.includes(piece) || map.contributors(piece).some((id) => suspects.has(id))) {
      map.reset(piece)
      count++
    }
  }
  return count
}

/** Quarantines the blamed mirrors for `reason` and forgets their pieces and the bad ones; returns how many pieces will be refetched. */
export function repair(context: EndCheckContext, blamed: ReadonlySet<number>, badPieces: readonly number[], reason: string): number {
  for (const id of blamed) quarantineForBytes(context, context.mirrors[id]!, reason)
  return forget(context, blamed, badPieces)
}
