// The `<out>.mirrorkit` resume state: target, validators per mirror, piece length and the done pieces with their mirror, written atomically.
import {open, readFile, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'
import {DiskError} from '../errors.js'
import {toDiskError, WRITE_NEW} from './file-sink.js'

export const CONTROL_VERSION = 1

export type Validators = {url: string; size?: number; etag?: string; modifiedAt?: string}

export type ControlState = {
  version: typeof CONTROL_VERSION
  name: string
  size: number
  pieceLength: number
  /** Validators of the primary, which define the target. */
  target: Validators
  /** Mirrors by index, with what each reported; URLs are redacted. */
  mirrors: Validators[]
  /** Runs of done pieces: [first, end, mirror index or -1]. */
  done: Array<[number, number, number]>
}

export function controlPath(output: string): string {
  return `${output}.mirrorkit`
}

/** Run-length encodes done pieces with the mirror that delivered each. */
export function encodeDone(done: Uint8Array, deliveredBy: Int32Array): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = []
  for (let piece = 0; piece < done.length; piece++) {
    if (!done[piece]) continue
    const mirror = deliveredBy[piece]!
    const last = runs.at(-1)
    if (last && last[1] === piece && last[2] === mirror) last[1] = piece + 1
    else runs.push([piece, piece + 1, mirror])
  }
  return runs
}

/** The saved state, or undefined when there is none or it cannot be read (then the part file is not trusted). */
export async function readControl(path: string): Promise<ControlState | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return undefined
  }
  try {
    const state = JSON.parse(text) as ControlState
    if (state.version !== CONTROL_VERSION || !Array.isArray(state.done) || !Number.isSafeInteger(state.pieceLength)) return undefined
    return state
  } catch {
    return undefined
  }
}

/** Writes to a temp file, fsyncs it, renames it over the old state, then fsyncs the directory. */
export async function writeControl(path: string, state: ControlState): Promise<void> {
  const temporary = `${path}.tmp`
  try {
    const handle = await open(temporary, WRITE_NEW, 0o666)
    try {
      await handle.writeFile(JSON.stringify(state))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
    const directory = await open(dirname(path), 'r').catch(() => undefined)
    await directory?.sync().catch(() => undefined)
    await directory?.close()
  } catch (error) {
    throw error instanceof DiskError ? error : toDiskError(error, path)
  }
}

export async function removeControl(path: string): Promise<void> {
  await rm(path, {force: true})
  await rm(`${path}.tmp`, {force: true})
}
