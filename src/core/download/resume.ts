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
  // Another piece length (another --piece-size) cannot reuse the saved pieces.
  if (state.pieceLength !== map.pieceLength) return false
  const size = await stat(part).then((info) => info.size, () => -1)
  if (size !== map.size) return false
  const ids = state.mirrors.map((saved) => mirrors.find((mirror) => mirror.displayUrl === saved.url)?.id ?? UNKNOWN_MIRROR)
  for (const [first, end, mirror] of state.done) {
    for (let piece = first; piece < Math.min(end, map.count); piece++) map.markDone(piece, ids[mirror] ?? UNKNOWN_MIRROR)
  }
  return true
}
