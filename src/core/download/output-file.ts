// Where a download's file goes, and its final rename once the end checks passed (or its removal when they failed).
import {rename, rm, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {removeControl} from './control-file.js'
import {toDiskError} from './file-sink.js'
import type {FetchOptions} from './options.js'

/**
 * Where the file goes. `-o` naming an existing directory means "into it, under the target's name"
 * (like `cp f dir/`); finding that out only at the final rename would waste the whole download.
 */
export async function outputPath(options: FetchOptions, name: string): Promise<string> {
  if (options.output === undefined) return resolve(options.directory ?? process.cwd(), name)
  const output = resolve(options.output)
  const found = await stat(output).catch(() => undefined)
  return found?.isDirectory() ? join(output, name) : output
}

export function partPath(output: string): string {
  return `${output}.part`
}

/** Renames the checked part file to its final name and drops the resume state. */
export async function publish(output: string, statePath: string | undefined): Promise<void> {
  try {
    await rename(partPath(output), output)
  } catch (error) {
    throw toDiskError(error, output)
  }
  if (statePath) await removeControl(statePath)
}

/** A file the end checks could not make right is not kept, nor is its resume state: a re-run starts over. */
export async function discard(output: string, statePath: string): Promise<void> {
  await rm(partPath(output), {force: true})
  await removeControl(statePath)
}
