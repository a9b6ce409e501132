// The SFTP transport: stat by SFTP STAT, and offset reads pipelined over one handle that end exactly after the bytes asked for, on shared connections.
import type {SFTPWrapper, Stats} from 'ssh2'
import {TransportError} from '../../core/errors.js'
import {redactUrl} from '../../core/redact.js'
import type {ByteRange, CallOptions, RemoteInfo, Transport, TransportFactory, TransportOptions} from '../types.js'
import {sftpPath} from './sftp-connect.js'
import {sftpError} from './sftp-errors.js'
import {SftpConnections, type SftpOutcome} from './sftp-pool.js'
import {unlessAborted} from '../../core/unless-aborted.js'

/** Bytes per READ request: under the ~32 KiB every server accepts, so ssh2 never splits one request in two. */
const CHUNK_BYTES = 30 * 1024
/** READ requests kept in flight, so throughput is not bound by one round trip per chunk. */
const WINDOW = 16

type Slot = {position: number; length: number; data: Promise<Buffer>}

function call<T>(run: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))))
}

function readAt(sftp: SFTPWrapper, handle: Buffer, position: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sftp.read(handle, Buffer.allocUnsafe(length), 0, length, position, (error, bytesRead, data) =>
      error ? reject(error) : resolve(data.subarray(0, bytesRead)),
    )
  })
}

class SftpTransport implements Transport {
  readonly name = 'sftp'
  readonly protocols = ['sftp:'] as const

  private readonly pool: SftpConnections

  constructor(options: TransportOptions) {
    this.pool = new SftpConnections(options)
  }

  async stat(url: URL, {signal}: CallOptions): Promise<RemoteInfo> {
    const path = sftpPath(url)
    const lease = await this.pool.acquire(url, signal, 'stat')
    let outcome: SftpOutcome = 'abandoned'
    try {
      const stats = await unlessAborted(call<Stats>((done) => lease.connection.sftp.stat(path, done)), signal)
      outcome = 'clean'
      const segments = url.pathname.split('/')
      return {
        size: stats.size,
        name: decodeURIComponent(segments[segments.length - 1] ?? '') || undefined,
        modifiedAt: stats.mtime ? new Date(stats.mtime * 1000) : undefined,
        acceptsRanges: true,
        digests: [],
        links: [],
        finalUrl: url.href,
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason
      outcome = isStatusReply(error) ? 'clean' : 'broken'
      throw sftpError(error, url, 'stat')
    } finally {
      await lease.release(outcome)
    }
  }

  async *read(url: URL, range: ByteRange | undefined, {signal}: CallOptions): AsyncIterable<Uint8Array> {
    if (range?.length === 0) return
    const path = sftpPath(url)
    const lease = await this.pool.acquire(url, signal, 'read')
    const {sftp} = lease.connection
    const slots: Slot[] = []
    let outcome: SftpOutcome = 'abandoned'
    const opening = call<Buffer>((done) => sftp.open(path, 'r', done))
    try {
      const handle = await unlessAborted(opening, signal)
      const start = range?.offset ?? 0
      const end = range ? start + range.length : (await unlessAborted(call<Stats>((done) => sftp.fstat(handle, done)), signal)).size
      let next = start
      const fill = () => {
        while (slots.length < WINDOW && next < end) {
          const length = Math.min(CHUNK_BYTES, end - next)
          const data = readAt(sftp, handle, next, length)
          // Failures surface when the slot reaches the head; until then they must not count as unhandled.
          data.catch(() => {})
          slots.push({position: next, length, data})
          next += length
        }
      }
      fill()
      while (slots.length > 0) {
        const slot = slots.shift() as Slot
        let position = slot.position
        let remaining = slot.length
        let bytes = await unlessAborted(slot.data, signal)
        // A server may answer a READ with fewer bytes than asked; the rest of the slot is asked for again, in order.
        for (;;) {
          if (bytes.length === 0) throw short(url, position - start, end - start)
          yield bytes
          signal.throwIfAborted()
          position += bytes.length
          remaining -= bytes.length
          if (remaining <= 0) break
          bytes = await unlessAborted(readAt(sftp, handle, position, remaining), signal)
        }
        fill()
      }
      outcome = 'clean'
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (!isStatusReply(error)) outcome = 'broken'
      else if (slots.length === 0) outcome = 'clean'
      throw sftpError(error, url, 'read')
    } finally {
      // Other calls may share the connection, so the handle is closed on every way out (the server answers it after the READs in flight).
      opening.then((handle) => closeQuietly(sftp, handle), () => {})
      // A read stopped early (aborted, or its consumer stopped iterating) leaves READs in flight: their answers are dropped as they
      // arrive, and the connection ends only if no other call shares it.
      await lease.release(outcome)
    }
  }

  async ping(url: URL, {signal}: CallOptions): Promise<number> {
    const path = sftpPath(url)
    const lease = await this.pool.acquire(url, signal, 'ping')
    let outcome: SftpOutcome = 'abandoned'
    try {
      const started = performance.now()
      await unlessAborted(call<Stats>((done) => lease.connection.sftp.stat(path, done)), signal)
      outcome = 'clean'
      return performance.now() - started
    } catch (error) {
      if (signal.aborted) throw signal.reason
      outcome = isStatusReply(error) ? 'clean' : 'broken'
      throw sftpError(error, url, 'ping')
    } finally {
      await lease.release(outcome)
    }
  }

  async close(): Promise<void> {
    await this.pool.close()
  }
}

/** Closes a file handle; on a connection that has ended there is nothing left to close. */
function closeQuietly(sftp: SFTPWrapper, handle: Buffer): void {
  try {
    sftp.close(handle, () => {})
  } catch {
    // ssh2 throws when the channel is gone: the server dropped the handle with it.
  }
}

/** An SFTP status reply (no such file, permission denied) leaves the connection healthy. */
function isStatusReply(error: unknown): boolean {
  return typeof (error as {code?: unknown})?.code === 'number'
}

function short(url: URL, received: number, wanted: number): TransportError {
  return new TransportError(`sftp read ${redactUrl(url)}: file ended after ${received} of ${wanted} bytes`, 'ESHORT', {retryable: true})
}

export const sftpTransport: TransportFactory = {
  name: 'sftp',
  protocols: ['sftp:'],
  create: (options) => new SftpTransport(options),
}
