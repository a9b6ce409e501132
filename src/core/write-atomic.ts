// Writes an output file atomically (temp file in the same directory, fsync, rename), so readers never see half a file.
import {randomBytes} from 'node:crypto'
import {open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {DiskError} from './errors.js'

export async function writeFileAtomic(path: string, text: string, options: {signal: AbortSignal}): Promise<void> {
  options.signal.throwIfAborted()
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx', 0o644)
    try {
      await handle.writeFile(text, {signal: options.signal})
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, {force: true})
    options.signal.throwIfAborted()
    const code = (error as NodeJS.ErrnoException).code
    throw new DiskError(`cannot write ${path}: ${code ?? (error as Error).message}`, code === 'ENOSPC' || code === 'EACCES' ? code : 'EDISK', error)
  }
}
