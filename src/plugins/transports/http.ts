// The HTTP(S) transport on undici: HEAD-based stat, exact ranged reads with validators, and one connection pool per origin.
import type {Agent as AgentType} from 'undici'
// The package's entry point also loads fetch, WebSocket, caches and mocks: ~80 ms and ~8 MB at every
// start for nothing we use. test/plugins/transports/http-agent.test.ts proves this is undici's own Agent.
import Agent from 'undici/lib/dispatcher/agent.js'
import buildConnector from 'undici/lib/core/connect.js'
import type {Socket} from 'node:net'
import type {SecureContext} from 'node:tls'
import {remoteFileName} from '../../core/content-disposition.js'
import {digestsFromHeaders} from '../../core/digests.js'
import type {ByteRange, CallOptions, OpenedFile, RemoteInfo, Transport, TransportFactory, TransportOptions} from '../types.js'
import {errorForStatus, header} from './http-errors.js'
import {checkIdentityEncoding, checkRangedResponse, isIdentityEncoded, parseContentRange, streamBody} from './http-range.js'
import {discard, send, type HttpResponse} from './http-request.js'
import {USER_AGENT} from '../../core/version.js'
import {trustContext} from '../../core/tls-ca.js'
import {DEFAULTS as USER_DEFAULTS, seconds} from '../../core/defaults.js'

/**
 * The first request asks for this much, not the whole file. Its reader stops where the first link's
 * span ends, and an open-ended response is then cut with the bytes already on their way: the server's
 * queue and the socket buffers, 0.2-0.8 MB thrown away on the first mirror of every capped bench run.
 * A bounded one ends by itself, and the link asks for the rest of its span with a ranged GET while the
 * server's queue still holds the end of the first answer.
 */
export const OPEN_BYTES = 4 * 1024 * 1024

/** Connection limits and timeouts; each is a default the options may override. */
const HTTP_DEFAULTS = {
  /** Per origin: the download engine opens several links to one mirror, discovery many small requests. */
  connections: 32,
  /** Idle keep-alive, so probes, pings and pieces reuse a warm connection. */
  keepAliveMs: 10_000,
  /** Milliseconds to wait for TCP and TLS to connect. */
  connectTimeout: seconds(USER_DEFAULTS.connectTimeoutSeconds.http),
}

export class HttpTransport implements Transport {
  readonly name = 'http'
  readonly protocols = ['http:', 'https:'] as const
  private readonly agent: AgentType
  private readonly userAgent: string
  /** Every socket the agent opened and not yet closed, connecting ones included: undici's destroy does not end a connect in progress. */
  private readonly sockets = new Set<Socket>()

  constructor(options: TransportOptions = {}) {
    this.userAgent = options.userAgent ?? USER_AGENT
    const connector = buildConnector({timeout: options.connectTimeout ?? HTTP_DEFAULTS.connectTimeout, rejectUnauthorized: !options.insecure, ...caOption(options.ca)})
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? HTTP_DEFAULTS.connections,
      keepAliveTimeout: HTTP_DEFAULTS.keepAliveMs,
      connect: (connectOptions, callback) => {
        const socket = connector(connectOptions, callback) as unknown as Socket
        this.sockets.add(socket)
        socket.once('close', () => this.sockets.delete(socket))
        return socket
      },
    })
  }

  async stat(url: URL, {signal}: CallOptions): Promise<RemoteInfo> {
    let response = await send(this.agent, url, {method: 'HEAD', headers: this.headers(), signal})
    const refused = response.statusCode === 405 || response.statusCode === 501
    if (refused || (isSuccess(response) && header(response.headers, 'content-length') === undefined)) {
      await response.body.dump().catch(() => undefined)
      // Some servers refuse HEAD or omit its length; one byte of GET tells the size through Content-Range.
      response = await send(this.agent, url, {method: 'GET', headers: this.headers({range: 'bytes=0-0'}), signal})
    }
    try {
      const failure = errorForStatus(response.statusCode, response.headers, response.url)
      if (failure) throw failure
      return describe(response)
    } finally {
      // dump() stops reading past a small limit, so a 200 to the one-byte GET never streams the whole file.
      await response.body.dump().catch(() => undefined)
    }
  }

  /**
   * GET the first OPEN_BYTES: a 206 tells what a HEAD would (size from Content-Range) and is already the
   * first link's data, as aria2 and curl start a download. Anything else (a 200 from a server that
   * ignores ranges, 416 for an empty file, an encoded body) is dropped, and a plain stat decides: a 200
   * to this one range does not prove a server ignores every range.
   */
  async open(url: URL, options: CallOptions): Promise<OpenedFile> {
    const response = await send(this.agent, url, {method: 'GET', headers: this.headers({range: `bytes=0-${OPEN_BYTES - 1}`}), signal: options.signal})
    const failure = response.statusCode === 416 ? undefined : errorForStatus(response.statusCode, response.headers, response.url)
    const range = response.statusCode === 206 ? parseContentRange(header(response.headers, 'content-range')) : undefined
    const length = range?.total === undefined ? undefined : Math.min(OPEN_BYTES, range.total)
    const asked = length !== undefined && range!.first === 0 && range!.last === length - 1 && isIdentityEncoded(response.headers)
    if (failure || !asked) {
      discard(response)
      if (failure) throw failure
      return {info: await this.stat(url, options)}
    }
    return {info: describe(response), body: streamBody(() => Promise.resolve(response), length, options.signal), length}
  }

  /**
   * One iterator class for every body the engine reads (this and open()'s), with the request inside it: a
   * link's loop then sees one kind of iterator, and V8 does not throw away its optimised code each time
   * another kind turns up. The request starts on the first `next()`, as a generator's body would.
   */
  read(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): AsyncIterable<Uint8Array> {
    return streamBody(() => this.ranged(url, range, options), range?.length, options.signal)
  }

  /** The checked response to a ranged GET, or undefined for an empty range (nothing to ask). */
  private async ranged(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): Promise<HttpResponse | undefined> {
    const {signal} = options
    if (signal.aborted) throw signal.reason
    if (range && range.length === 0) return undefined
    const ifRange = range && options.etag && !options.etag.startsWith('W/') ? options.etag : undefined
    const extra: Record<string, string> = {}
    if (range) extra.range = `bytes=${range.offset}-${range.offset + range.length - 1}`
    if (ifRange) extra['if-range'] = ifRange
    const response = await send(this.agent, url, {method: 'GET', headers: this.headers(extra), signal})
    try {
      const failure = errorForStatus(response.statusCode, response.headers, response.url)
      if (failure) throw failure
      checkIdentityEncoding(response)
      if (range) checkRangedResponse(response, range, ifRange)
    } catch (error) {
      discard(response)
      throw error
    }
    return response
  }

  /**
   * The time of a HEAD round trip on an open connection. undici closes a connection after HEAD,
   * so an unmeasured one-byte GET opens (or reuses) the connection the HEAD then travels on.
   */
  async ping(url: URL, {signal}: CallOptions): Promise<number> {
    const warm = await send(this.agent, url, {method: 'GET', headers: this.headers({range: 'bytes=0-0'}), signal, follow: false})
    await warm.body.dump().catch(() => undefined)
    // undici frees a finished connection on the next turn of the event loop; a request sent before
    // that opens a new one, and the timed HEAD would include a TCP (and TLS) connect.
    await new Promise((resolve) => setImmediate(resolve))
    const started = performance.now()
    const response = await send(this.agent, url, {method: 'HEAD', headers: this.headers(), signal, follow: false})
    const elapsed = performance.now() - started
    await response.body.dump().catch(() => undefined)
    return elapsed
  }

  async close(): Promise<void> {
    // destroy, not close: close waits for requests in flight, and a stalled one would hold the process open.
    // A connect still in progress (a SYN queued behind a saturated mirror's traffic) would too, for seconds.
    const destroyed = this.agent.destroy()
    for (const socket of this.sockets) socket.destroy()
    await destroyed
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {'user-agent': this.userAgent, 'accept-encoding': 'identity', ...extra}
  }
}

function uniqueDigests(digests: RemoteInfo['digests']): RemoteInfo['digests'] {
  return digests.filter((digest, index) => digests.findIndex((other) => other.algorithm === digest.algorithm && other.hex === digest.hex) === index)
}

function isSuccess(response: HttpResponse): boolean {
  return response.statusCode >= 200 && response.statusCode < 300
}

function describe(response: HttpResponse): RemoteInfo {
  const headers = response.headers
  const contentRange = parseContentRange(header(headers, 'content-range'))
  const length = Number(header(headers, 'content-length'))
  // An encoded body's length is not the file's.
  const encoded = !isIdentityEncoded(headers)
  const size = response.statusCode === 206 ? contentRange?.total : Number.isFinite(length) && !encoded ? length : undefined
  const modified = Date.parse(header(headers, 'last-modified') ?? '')
  const hops = [...response.redirectHeaders, headers]
  const links = hops.flatMap((hop) => (hop.link === undefined ? [] : Array.isArray(hop.link) ? hop.link : [hop.link]))
  const info: RemoteInfo = {
    size,
    name: remoteFileName(header(headers, 'content-disposition'), response.url),
    acceptsRanges: response.statusCode === 206 || /\bbytes\b/i.test(header(headers, 'accept-ranges') ?? ''),
    digests: uniqueDigests(hops.flatMap((hop) => digestsFromHeaders(header(hop, 'digest'), header(hop, 'repr-digest')))),
    links,
    finalUrl: response.url.href,
  }
  if (!Number.isNaN(modified)) info.modifiedAt = new Date(modified)
  const etag = header(headers, 'etag')
  if (etag) info.etag = etag
  const contentType = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase()
  if (contentType) info.contentType = contentType
  return info
}

export const httpTransport: TransportFactory = {
  name: 'http',
  protocols: ['http:', 'https:'],
  create: (options) => new HttpTransport(options),
}

/**
 * undici's connect options with a private CA, or nothing (Node's trust store). One TLS context for
 * every connection: given as `ca`, tls.connect built a context per connection and parsed the
 * certificates again each time. 256 MiB over HTTPS from one nginx (17 links): 1.39 -> 0.95 CPU s,
 * peak RSS 90 -> 76 MB.
 */
function caOption(ca: string | undefined): {secureContext?: SecureContext} {
  const secureContext = trustContext(ca)
  return secureContext ? {secureContext} : {}
}
