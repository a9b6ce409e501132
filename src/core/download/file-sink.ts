// Positional writes into `<out>.part` through one FileHandle, with fsync, and disk errors mapped to exit code 6.
import {constants, writeSync, writevSync} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import {DiskError} from '../errors.js'

/**
 * Flags for files the engine writes next to the output: a symbolic link planted under their name
 * (by another user of a shared directory) makes the open fail instead of being written through.
 * Windows has no O_NOFOLLOW; there the flag is 0.
 */
export const WRITE_NEW = constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0)
export const WRITE_KEEP = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0)

/** ENOSPC and EACCES keep their own codes so scripts can tell "disk full" from "not allowed". */
export function toDiskError(error: unknown, path: string): DiskError {
  if (error instanceof DiskError) return error
  const code = (error as NodeJS.ErrnoException)?.code
  const known = code === 'ENOSPC' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EDQUOT'
  const stable = code === 'ENOSPC' || code === 'EDQUOT' ? 'ENOSPC' : code === 'EACCES' || code === 'EPERM' ? 'EACCES' : code === 'ELOOP' ? 'ESYMLINK' : 'EDISK'
  const what = code === 'ELOOP' ? 'it is a symbolic link, which mirrorkit does not write through' : known ? code : (error as Error)?.message ?? String(error)
  return new DiskError(`cannot write ${path}: ${what}`, stable, error)
}

/**
 * A write that takes longer than this means the disk is throttling (dirty pages over the kernel's
 * limit, a slow or network disk); for a while after one, writes go through the thread pool so the
 * event loop keeps serving sockets, timers and the progress view.
 */
const SLOW_WRITE_MS = 20
const THREAD_POOL_AFTER_SLOW_MS = 2000

export class FileSink {
  private threadPoolUntil = 0
  /** Syncs in flight: the disk holds writes to this file until they end, which says nothing about its throttling. */
  private syncing = 0

  private constructor(private readonly handle: FileHandle, readonly path: string) {}

  /** Opens (creating when missing) the part file; `size` sets its length so writes land anywhere. */
  static async open(path: string, size: number | undefined, keep: boolean): Promise<FileSink> {
    try {
      const handle = await open(path, keep ? WRITE_KEEP : WRITE_NEW, 0o666)
      if (size !== undefined) {
        const {size: current} = await handle.stat()
        if (current !== size) await handle.truncate(size)
      }
      return new FileSink(handle, path)
    } catch (error) {
      throw toDiskError(error, path)
    }
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    return this.writev([data], position)
  }

  /**
   * Writes contiguous buffers at `position` with as few system calls as the OS allows. Normally on
   * the main thread, as aria2 does: a write into the page cache takes about 20 us per 256 KiB, while
   * handing it to the thread pool and back cost more than that in futexes and context switches
   * (measured on 1 GiB of 256 KiB writes: 80 ms of CPU in place, 284 ms through the pool).
   */
  async writev(buffers: readonly Uint8Array[], position: number): Promise<void> {
    try {
      let remaining = [...buffers]
      let at = position
      while (remaining.length > 0) {
        const written = await this.writeSome(remaining, at)
        at += written
        let skip = written
        while (remaining.length > 0 && skip >= remaining[0]!.length) skip -= remaining.shift()!.length
        if (skip > 0) remaining[0] = remaining[0]!.subarray(skip)
      }
    } catch (error) {
      throw toDiskError(error, this.path)
    }
  }

  /**
   * While a checkpoint's sync runs, writes wait for it (50-150 ms on 1 GiB): they go through the
   * thread pool then, and such a wait is not taken for a throttling disk. It was, at every checkpoint,
   * so most of a fast download's writes paid the pool's hand-offs (44% of them on 1 GiB from nginx).
   */
  private async writeSome(buffers: Uint8Array[], position: number): Promise<number> {
    const started = performance.now()
    if (started < this.threadPoolUntil || this.syncing > 0) {
      const {bytesWritten} = buffers.length === 1 ? await this.handle.write(buffers[0]!, 0, buffers[0]!.length, position) : await this.handle.writev(buffers, position)
      return bytesWritten
    }
    const written = buffers.length === 1 ? writeSync(this.handle.fd, buffers[0]!, 0, buffers[0]!.length, position) : writevSync(this.handle.fd, buffers, position)
    const finished = performance.now()
    if (finished - started > SLOW_WRITE_MS) this.threadPoolUntil = finished + THREAD_POOL_AFTER_SLOW_MS
    return written
  }

  async read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const {bytesRead} = await this.handle.read(buffer, done, length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return buffer.subarray(0, done)
  }

  /** Flushes written data to the disk; the control file may only name pieces written before this call. */
  async sync(): Promise<void> {
    this.syncing++
    try {
      await this.handle.datasync()
    } catch (error) {
      throw toDiskError(error, this.path)
    } finally {
      this.syncing--
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined)
  }
}
