// Decides whether an existing `.part` can be resumed from its control file, and builds the state to save.
import {stat} from 'node:fs/promises'
import {MirrorError} from '../errors.js'
import {readControl, removeControl, type ControlState} from './control-file.js'
import type {TargetInfo} from './mirror-setup.js'
import type {MirrorState} from './mirror-state.js'
import {UNKNOWN_MIRROR, type PieceMap} from './piece-map.js'

export function controlState(target: TargetInfo, mirrors: readonly MirrorState[], map: PieceMap, done: ControlState['done']): ControlState {
  const validators = (mirror: MirrorState) => ({
    url: mirror.displayUrl,
    ...(mirror.size === undefined ? {} : {size: mirror.size}),
    ...(mirror.etag === undefined ? {} : {etag: mirror.etag}),
    ...(mirror.modifiedAt === undefined ? {} : {modifiedAt: mirror.modifiedAt.toISOString()}),
  })
  return {version: 1, name: target.name, size: map.size, pieceLength: map.pieceLength, target: validators(target.primary), mirrors: mirrors.map(validators), done}
}

/**
 * Marks the saved done pieces in `map` and returns true when the part file can be kept.
 * A target that changed since is an error (EEXISTS_CHANGED) unless `restart` is set.
 */
export async function loadResumeState(statePath: string, part: string, target: TargetInfo, restart: boolean, map: PieceMap, mirrors: readonly MirrorState[]): Promise<boolean> {
  const state = await readControl(statePath)
  if (!state) return false
  if (restart) {
    await removeControl(statePath)
    return false
  }
  const differences: string[] = []
  if (state.size !== map.size) differences.push(`size ${state.size} -> ${map.size}`)
  if ((state.target.etag ?? '') !== (target.etag ?? '')) differences.push(`etag ${state.target.etag ?? 'none'} -> ${target.etag ?? 'none'}`)
  if ((state.target.modifiedAt ?? '') !== (target.modifiedAt?.toISOString() ?? '')) differences.push(`modified ${state.target.modifiedAt ?? 'unknown'} -> ${target.modifiedAt?.toISOString() ?? 'unknown'}`)
  if (differences.length > 0) {
    throw new MirrorError(
      `${target.name} changed on the primary since the partial download (${differences.join(', ')}); run again with --restart to start over`,
      'EEXISTS_CHANGED',
    )
  }
  if (!(state.pieceLength > 0)) return false
  const size = await stat(part).then((info) => info.size, () => -1)
  if (size !== map.size) return false
  const ids = state.mirrors.map((saved) => mirrors.find((mirror) => mirror.displayUrl === saved.url)?.id ?? UNKNOWN_MIRROR)
  for (const [piece, mirror] of donePieces(state, map)) map.markDone(piece, ids[mirror] ?? UNKNOWN_MIRROR)
  return true
}

/**
 * The saved done pieces in the map's pieces, with the index of the mirror that delivered each. A part
 * saved with another piece length (another --piece-size, or a release with another default) keeps
 * every piece of the map whose bytes the saved pieces wholly cover; only the rest is fetched again.
 */
function* donePieces(state: ControlState, map: PieceMap): Generator<[number, number]> {
  const saved = state.pieceLength
  const runs = [...state.done].sort((a, b) => a[0] - b[0])
  let index = 0
  while (index < runs.length) {
    // Runs that touch make one stretch of done bytes, whichever mirrors delivered them.
    let last = index
    while (last + 1 < runs.length && runs[last + 1]![0] <= runs[last]![1]) last++
    const to = Math.min(runs[last]![1] * saved, map.size)
    let run = index
    for (let piece = Math.ceil((runs[index]![0] * saved) / map.pieceLength); piece < map.count && map.end(piece) <= to; piece++) {
      while (run < last && runs[run]![1] * saved <= map.start(piece)) run++
      yield [piece, runs[run]![2]]
    }
    index = last + 1
  }
}
