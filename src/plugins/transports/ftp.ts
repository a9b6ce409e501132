// The FTP(S) transport: SIZE (else MLST or LIST)/MDTM/HASH for stat, and REST + RETR reads that stop after exactly the bytes asked for, on pooled logins that survive an early stop.
import {FTPError} from 'basic-ftp'
import {MirrorError, TransportError} from '../../core/errors.js'
import {redactUrl} from '../../core/redact.js'
import type {ByteRange, CallOptions, RemoteInfo, Transport, TransportFactory, TransportOptions} from '../types.js'
import {ftpPath, type FtpConnection} from './ftp-connect.js'
import {ftpDigests} from './ftp-digests.js'
import {ftpError} from './ftp-errors.js'
import {createFtpPool} from './ftp-pool.js'
import {retrieve, type Retrieval} from './ftp-retrieve.js'
import {ftpSize} from './ftp-size.js'
import type {IdlePool} from './idle-pool.js'

class FtpTransport implements Transport {
  readonly name = 'ftp'
  readonly protocols = ['ftp:', 'ftps:'] as const
  readonly openEndedReads = true

  private readonly pool: IdlePool<FtpConnection>
  /** Logins whose server left a stopped transfer without a final reply: their reads stopped early close the login, as a wait would only delay the next. */
  private readonly silentAfterStop = new Set<string>()

  constructor(options: TransportOptions) {
    this.pool = createFtpPool(options)
  }

  async stat(url: URL, {signal}: CallOptions): Promise<RemoteInfo> {
    const path = ftpPath(url)
    const lease = await this.pool.acquire(url, signal, 'stat')
    let reusable = false
    try {
      const {client} = lease.connection
      const features = (lease.connection.features ??= await client.features())
      const found = await ftpSize(client, features, path, url)
      // MDTM is optional: without it, a time that came with the size (an MLST "modify" fact) is the next best.
      const mdtm = await client.lastMod(path).catch(() => undefined)
      const modifiedAt = mdtm && !Number.isNaN(mdtm.getTime()) ? mdtm : found.modifiedAt
      const digests = await ftpDigests(client, features, path)
      reusable = true
      const segments = url.pathname.split('/')
      return {
        size: found.size,
        name: decodeURIComponent(segments[segments.length - 1] ?? '') || undefined,
        modifiedAt,
        acceptsRanges: /\bSTREAM\b/i.test(features.get('REST') ?? ''),
        digests,
        links: [],
        finalUrl: url.href,
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason
      // Our own verdicts on a complete answer (no such entry in a listing, an unusable size) leave the connection as healthy as a "550" does.
      reusable = isFileReply(error) || error instanceof MirrorError
      throw ftpError(error, url, 'stat')
    } finally {
      await lease.release(reusable)
    }
  }

  async *read(url: URL, range: ByteRange | undefined, {signal}: CallOptions): AsyncIterable<Uint8Array> {
    const wanted = range?.length ?? Infinity
    if (wanted === 0) return
    const path = ftpPath(url)
    const lease = await this.pool.acquire(url, signal, 'read')
    const offset = range?.offset ?? 0
    let retrieval: Retrieval | undefined
    let received = 0
    try {
      retrieval = await retrieve(lease.connection.client, path, offset)
      for await (const chunk of retrieval.data) {
        const room = wanted - received
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
        received += piece.length
        yield piece
        signal.throwIfAborted()
        if (received >= wanted) return
      }
      signal.throwIfAborted()
      // The data connection ended: the server's final reply says whether that was the end of the file or a failure.
      await retrieval.finished
      if (received < wanted && wanted !== Infinity) throw short(url, received, wanted)
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (offset > 0 && received === 0 && refusedRestart(error)) throw rangeUnsupported(url, error)
      const mapped = ftpError(error, url, 'read')
      if (received > 0 && mapped.retryable && mapped.code !== 'ETHROTTLED' && mapped.code !== 'ESHORT') throw short(url, received, wanted, error)
      throw mapped
    } finally {
      // A transfer stopped early (its range read, or its consumer gone) closes only the data connection; the control connection
      // comes back to the pool once the server's last reply has arrived, so the next span skips the login.
      const login = url.origin + url.username
      const settling = retrieval && !signal.aborted && !this.silentAfterStop.has(login) ? retrieval.settle() : false
      if (settling) void settling.then((answered) => answered || lease.connection.client.closed || this.silentAfterStop.add(login))
      await lease.release(settling)
    }
  }

  async ping(url: URL, {signal}: CallOptions): Promise<number> {
    const lease = await this.pool.acquire(url, signal, 'ping')
    let reusable = false
    try {
      const started = performance.now()
      await lease.connection.client.send('NOOP')
      reusable = true
      return performance.now() - started
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw ftpError(error, url, 'ping')
    } finally {
      await lease.release(reusable)
    }
  }

  async close(): Promise<void> {
    await this.pool.close()
  }
}

/** A refusal about the file itself ("550 no such file") leaves the control connection healthy; "421" or "530" do not. */
function isFileReply(error: unknown): boolean {
  return error instanceof FTPError && error.code >= 450 && error.code !== 530
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
