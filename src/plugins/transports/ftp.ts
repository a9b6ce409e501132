// The FTP(S) transport: SIZE/MDTM/HASH for stat, and REST + RETR reads that stop after exactly the bytes asked for.
import {PassThrough} from 'node:stream'
import {FTPError} from 'basic-ftp'
import {TransportError} from '../../core/errors.js'
import {redactUrl} from '../../core/redact.js'
import type {ByteRange, CallOptions, RemoteInfo, Transport, TransportFactory, TransportOptions} from '../types.js'
import {ftpPath, openFtp} from './ftp-connect.js'
import {ftpDigests} from './ftp-digests.js'
import {ftpError} from './ftp-errors.js'

/** Bytes buffered between the data socket and the reader; enough to keep the socket busy, small enough to push back. */
const READ_BUFFER_BYTES = 256 * 1024

class FtpTransport implements Transport {
  readonly name = 'ftp'
  readonly protocols = ['ftp:', 'ftps:'] as const

  constructor(private readonly options: TransportOptions) {}

  async stat(url: URL, {signal}: CallOptions): Promise<RemoteInfo> {
    const connection = await openFtp(url, this.options, signal, 'stat')
    const path = ftpPath(url)
    try {
      const {client} = connection
      const features = await client.features()
      const size = await client.size(path)
      const modifiedAt = await client.lastMod(path).catch(() => undefined)
      const digests = await ftpDigests(client, features, path)
      const segments = url.pathname.split('/')
      return {
        size,
        name: decodeURIComponent(segments[segments.length - 1] ?? '') || undefined,
        modifiedAt: modifiedAt && !Number.isNaN(modifiedAt.getTime()) ? modifiedAt : undefined,
        acceptsRanges: /\bSTREAM\b/i.test(features.get('REST') ?? ''),
        digests,
        links: [],
        finalUrl: url.href,
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw ftpError(error, url, 'stat')
    } finally {
      connection.release()
    }
  }

  async *read(url: URL, range: ByteRange | undefined, {signal}: CallOptions): AsyncIterable<Uint8Array> {
    const wanted = range?.length ?? Infinity
    if (wanted === 0) return
    const connection = await openFtp(url, this.options, signal, 'read')
    const sink = new PassThrough({highWaterMark: READ_BUFFER_BYTES})
    const onAbort = () => sink.destroy(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
    let failure: unknown
    const transfer = connection.client.downloadTo(sink, ftpPath(url), range?.offset ?? 0).catch((error: unknown) => {
      failure = error
    })
    let received = 0
    try {
      for await (const chunk of sink as AsyncIterable<Buffer>) {
        const room = wanted - received
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
        received += piece.length
        yield piece
        signal.throwIfAborted()
        if (received >= wanted) return
      }
      await transfer
      if (signal.aborted) throw signal.reason
      if (failure !== undefined) {
        if (range && range.offset > 0 && received === 0 && refusedRestart(failure)) throw rangeUnsupported(url, failure)
        const mapped = ftpError(failure, url, 'read')
        if (received > 0 && mapped.retryable && mapped.code !== 'ETHROTTLED') throw short(url, received, wanted, failure)
        throw mapped
      }
      if (received < wanted && wanted !== Infinity) throw short(url, received, wanted)
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw ftpError(error, url, 'read')
    } finally {
      signal.removeEventListener('abort', onAbort)
      // Closing the client ends the transfer early without ABOR: both sockets go, nothing dangles.
      connection.release()
      sink.destroy()
    }
  }

  async ping(url: URL, {signal}: CallOptions): Promise<number> {
    const connection = await openFtp(url, this.options, signal, 'ping')
    try {
      const started = performance.now()
      await connection.client.send('NOOP')
      return performance.now() - started
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw ftpError(error, url, 'ping')
    } finally {
      connection.release()
    }
  }

  async close(): Promise<void> {}
}

/** "500-504" before any byte: the server does not know REST, so it can only send the file from its start. */
function refusedRestart(failure: unknown): boolean {
  return failure instanceof FTPError && failure.code >= 500 && failure.code <= 504
}

function rangeUnsupported(url: URL, cause: unknown): TransportError {
  return new TransportError(`ftp read ${redactUrl(url)}: the server cannot restart a transfer at an offset (no REST)`, 'ERANGE_UNSUPPORTED', {cause})
}

function short(url: URL, received: number, wanted: number, cause?: unknown): TransportError {
  return new TransportError(`ftp read ${redactUrl(url)}: stream ended after ${received} of ${wanted} bytes`, 'ESHORT', {retryable: true, cause})
}

export const ftpTransport: TransportFactory = {
  name: 'ftp',
  protocols: ['ftp:', 'ftps:'],
  create: (options) => new FtpTransport(options),
}
