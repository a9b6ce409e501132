// The file: transport, so a local copy or a mounted share can serve as a mirror next to remote ones.
import {open, stat} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {sanitiseFileName} from '../../core/output-name.js'
import {DiskError, TransportError, UsageError, type MirrorError} from '../../core/errors.js'
import type {ByteRange, CallOptions, RemoteInfo, Transport, TransportFactory} from '../types.js'

/** Large reads: a local disk is fast, and each await is a point where an abort is noticed. */
const CHUNK_BYTES = 256 * 1024

export class FileTransport implements Transport {
  readonly name = 'file'
  readonly protocols = ['file:'] as const

  async stat(url: URL, {signal}: CallOptions): Promise<RemoteInfo> {
    if (signal.aborted) throw signal.reason
    const path = toPath(url)
    const info = await stat(path).catch((error: unknown) => {
      throw fileError(error, url)
    })
    if (!info.isFile()) throw new TransportError(`${url.href}: not a regular file`, 'ENOTFOUND')
    return {
      size: info.size,
      name: sanitiseFileName(path.slice(path.lastIndexOf('/') + 1)),
      modifiedAt: info.mtime,
      etag: fileEtag(info.size, info.mtimeMs),
      acceptsRanges: true,
      digests: [],
      links: [],
      finalUrl: url.href,
    }
  }

  async *read(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): AsyncGenerator<Uint8Array> {
    const {signal} = options
    if (signal.aborted) throw signal.reason
    const path = toPath(url)
    const handle = await open(path, 'r').catch((error: unknown) => {
      throw fileError(error, url)
    })
    try {
      if (options.etag !== undefined) {
        const info = await handle.stat()
        if (fileEtag(info.size, info.mtimeMs) !== options.etag) {
          throw new TransportError(`${url.href}: the file changed since it was first seen`, 'ECHANGED')
        }
      }
      let position = range?.offset ?? 0
      let remaining = range?.length ?? Infinity
      while (remaining > 0) {
        if (signal.aborted) throw signal.reason
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, remaining))
        const {bytesRead} = await handle.read(buffer, 0, buffer.length, position).catch((error: unknown) => {
          throw fileError(error, url)
        })
        if (bytesRead === 0) break
        position += bytesRead
        remaining -= bytesRead
        yield buffer.subarray(0, bytesRead)
      }
      if (signal.aborted) throw signal.reason
      if (range && remaining > 0) {
        throw new TransportError(`${url.href}: file ended ${remaining} bytes before the range`, 'ESHORT', {retryable: true})
      }
    } finally {
      await handle.close()
    }
  }

  async close(): Promise<void> {}
}

/** A validator like a web server's: size and modification time, so a rewritten file is noticed. */
function fileEtag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`
}

function toPath(url: URL): string {
  try {
    return fileURLToPath(url)
  } catch (error) {
    throw new UsageError(`${url.href}: not a local file URL`, 'EURL', error)
  }
}

function fileError(error: unknown, url: URL): MirrorError {
  const code = (error as {code?: string}).code ?? ''
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new TransportError(`${url.href}: no such file`, 'ENOTFOUND', {cause: error})
  }
  if (code === 'EACCES' || code === 'EPERM') return new DiskError(`${url.href}: permission denied`, 'EACCES', error)
  return new DiskError(`${url.href}: ${(error as Error).message}`, 'EDISK', error)
}

export const fileTransport: TransportFactory = {
  name: 'file',
  protocols: ['file:'],
  create: () => new FileTransport(),
}
