// The progress event a running download emits several times a second: bytes claimed, total rate, ETA and each mirror's state.
import type {FetchEvent} from './events.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'

/** A snapshot for progress views: bytes claimed, total rate, ETA and each mirror's state. */
export function progressEvent(map: PieceMap, mirrors: readonly MirrorState[]): Extract<FetchEvent, {type: 'progress'}> {
  const rate = mirrors.reduce((sum, mirror) => sum + mirror.speed.rate, 0)
  const bytes = map.claimedBytes
  return {
    type: 'progress',
    bytes,
    size: map.size,
    rate,
    ...(rate > 0 ? {eta: (map.size - bytes) / rate} : {}),
    mirrors: mirrors.map((mirror) => ({mirror: mirror.id, url: mirror.displayUrl, links: mirror.links, rate: mirror.speed.rate, bytes: mirror.bytes, state: mirror.stateLabel})),
  }
}
