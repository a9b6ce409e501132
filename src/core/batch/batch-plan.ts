// Where each file of a batch goes, refusing two files with one output, and whether a file from an earlier run is already complete.
import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import {outputName} from '../output-name.js'
import {UsageError} from '../errors.js'
import {hashFile, strongest} from '../hashing.js'
import type {Target} from '../model.js'
import type {BatchItem} from './batch-input.js'

/** `reference`: where the checksum came from when the input gave none (a directory's SHA256SUMS). */
export type PlannedFile = {item: BatchItem; output: string; name: string; reference?: string}

/** Absolute output paths; two files that would write one path are a usage error, before anything is downloaded. */
export function planOutputs(items: readonly BatchItem[], directory: string): PlannedFile[] {
  const seen = new Map<string, number>()
  return items.map((item, index) => {
    const name = item.out ?? outputName(item.set.target.name)
    const output = resolve(item.directory ?? directory, name)
    const earlier = seen.get(output)
    if (earlier !== undefined) throw new UsageError(`files ${earlier + 1} and ${index + 1} of the input would both be written to ${output}`, 'EINPUT')
    seen.set(output, index)
    return {item, output, name}
  })
}

/**
 * Why a file already under its final name counts as complete, or undefined when it must be fetched.
 * Only verified files are renamed to their final name, so one found there is complete; it is checked
 * against the reference the input gives (hash, else size) in case something else wrote it.
 */
export async function alreadyComplete(output: string, target: Target, signal: AbortSignal): Promise<string | undefined> {
  const found = await stat(output).catch(() => undefined)
  if (!found?.isFile()) return undefined
  if (target.size !== undefined && found.size !== target.size) return undefined
  const reference = strongest(target.checksums)
  if (reference) return (await hashFile(output, reference.algorithm, signal)) === reference.hex.toLowerCase() ? `${reference.algorithm} matches` : undefined
  return target.size === undefined ? 'present (no checksum to check it against)' : 'size matches (no checksum)'
}
