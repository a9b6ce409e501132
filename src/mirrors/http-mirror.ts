// A local HTTP mirror (node:http) with fault knobs, used by tests, benchmarks and `mirrorkit demo`.
import {createHash} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createTlsServer} from 'node:https'
import type {Socket} from 'node:net'
import {setTimeout as delay} from 'node:timers/promises'
import {sendBody} from './http-mirror-body.js'
import {applyContentFaults} from './http-mirror-content.js'
import {authorised, finish} from './http-mirror-replies.js'
import {renderListing} from './http-mirror-listing.js'
import {parseRange} from './http-mirror-range.js'
import {Throttle} from './throttle.js'

export type HttpFaults = {
  /** Bytes per second, aggregate over all connections of this server (or of this path, for per-path faults). */
  bandwidth?: number
  /** Bytes per second of each response on its own (a server that limits every connection), on top of `bandwidth`. */
  responseBandwidth?: number
  /** Delay before response headers. */
  firstByteDelayMs?: number
  /** Per response: after this many body bytes, stop sending but keep the socket open. */
  stallAfter?: number
  /** Per response: after this many body bytes, close the socket. */
  resetAfter?: number
  /** Answer 200 with the whole file to ranged requests. */
  ignoreRange?: boolean
  /** Answer 206 with a Content-Range one byte off from what was served. */
  wrongContentRange?: boolean
  /** Flip the bytes at these file offsets in what is served. */
  corrupt?: Array<{offset: number; length: number}>
  /** Serve a different file length (truncated, or extended with zeros). */
  size?: number
  /** Answer every request with this status. */
  status?: number
  /** Seconds, sent as Retry-After with `status`. */
  retryAfter?: number
  /** 302 to this URL (absolute or relative). */
  redirect?: string
  /** Extra response headers (Link, Digest, Repr-Digest, Content-Disposition...). */
  headers?: Record<string, string>
  /** Answer 405 to HEAD. */
  noHead?: boolean
  /** Override the ETag, to simulate a file that changed. */
  etag?: string
  /** Require HTTP Basic credentials; 401 otherwise. */
  auth?: {username: string; password: string}
}

export type HttpMirrorStats = {requests: number; bytesSent: number; readonly openConnections: number}

export type HttpMirror = {
  /** 'http://127.0.0.1:PORT/' */
  url: string
  port: number
  /** Replaces the server-wide faults, or those of one path ('/f.bin'); takes effect for the next chunk sent. */
  setFaults(faults: HttpFaults, path?: string): void
  stats: HttpMirrorStats
  close(): Promise<void>
}

export type HttpMirrorOptions = {
  files: Record<string, Buffer | Uint8Array | string>
  faults?: HttpFaults
  perPath?: Record<string, HttpFaults>
  host?: string
  port?: number
  /** Serve HTTPS with this PEM certificate and key (e.g. self-signed, to test certificate checks). */
  tls?: {cert: string | Buffer; key: string | Buffer}
}

type Served = {body: Uint8Array; etag: string}

export async function startHttpMirror(options: HttpMirrorOptions): Promise<HttpMirror> {
  const files = new Map(Object.entries(options.files).map(([path, data]) => [normalisePath(path), toBytes(data)]))
  // Whole seconds, because Last-Modified cannot say more and If-Range compares it as text.
  const modifiedAt = new Date(Math.floor(Date.now() / 1000) * 1000)
  let serverFaults: HttpFaults = options.faults ?? {}
  const pathFaults = new Map(Object.entries(options.perPath ?? {}).map(([path, faults]) => [normalisePath(path), faults]))
  const serverThrottle = new Throttle(serverFaults.bandwidth ?? 0)
  const pathThrottles = new Map<string, Throttle>()
  const servedCache = new Map<string, {scope: [HttpFaults, HttpFaults | undefined]; served: Served}>()
  const sockets = new Set<Socket>()
  /** Times are Date.now() values, so a benchmark can compare them across processes on one machine. */
  const stats = {requests: 0, bytesSent: 0, firstRequestAt: undefined as number | undefined, lastByteAt: undefined as number | undefined, get openConnections() { return sockets.size }}

  const faultsFor = (path: string): HttpFaults => ({...serverFaults, ...pathFaults.get(path)})
  const throttlesFor = (path: string): Throttle[] => {
    const local = pathFaults.get(path)?.bandwidth
    if (local === undefined) return [serverThrottle]
    let throttle = pathThrottles.get(path)
    if (!throttle) pathThrottles.set(path, (throttle = new Throttle(local)))
    return [throttle, serverThrottle]
  }

  const served = (path: string, original: Uint8Array): Served => {
    const scope: [HttpFaults, HttpFaults | undefined] = [serverFaults, pathFaults.get(path)]
    const cached = servedCache.get(path)
    if (cached && cached.scope[0] === scope[0] && cached.scope[1] === scope[1]) return cached.served
    const faults = faultsFor(path)
    const body = applyContentFaults(original, faults)
    const result = {body, etag: faults.etag ?? `"${createHash('sha256').update(body).digest('hex').slice(0, 24)}"`}
    servedCache.set(path, {scope, served: result})
    return result
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    stats.requests++
    stats.firstRequestAt ??= Date.now()
    const closed = new AbortController()
    response.on('close', () => closed.abort())
    let path: string
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://mirror').pathname)
    } catch {
      return finish(response, 400)
    }
    const faults = faultsFor(path)
    if (faults.firstByteDelayMs) {
      await delay(faults.firstByteDelayMs, undefined, {signal: closed.signal}).catch(() => undefined)
      if (closed.signal.aborted) return
    }
    if (faults.status !== undefined) {
      const headers: Record<string, string> = {...faults.headers}
      if (faults.retryAfter !== undefined) headers['retry-after'] = String(faults.retryAfter)
      return finish(response, faults.status, headers)
    }
    if (faults.redirect !== undefined) return finish(response, 302, {...faults.headers, location: faults.redirect})
    if (faults.auth && !authorised(request, faults.auth)) return finish(response, 401, {'www-authenticate': 'Basic realm="mirror"'})
    if (request.method !== 'GET' && request.method !== 'HEAD') return finish(response, 405, {allow: 'GET, HEAD'})
    if (request.method === 'HEAD' && faults.noHead) return finish(response, 405, {allow: 'GET'})
    if (path.endsWith('/')) {
      const listed = [...files].map(([name, data]) => ({path: name, size: data.length, modifiedAt}))
      const html = renderListing(path, listed)
      if (html === undefined) return finish(response, 404)
      response.writeHead(200, {'content-type': 'text/html', 'content-length': Buffer.byteLength(html)})
      return void response.end(request.method === 'HEAD' ? undefined : html)
    }
    const original = files.get(path)
    if (!original) return finish(response, 404)
    const {body, etag} = served(path, original)
    const lastModified = modifiedAt.toUTCString()
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag,
      'last-modified': lastModified,
      ...faults.headers,
    }
    let range = faults.ignoreRange ? undefined : parseRange(request.headers.range, body.length)
    const ifRange = request.headers['if-range']
    if (range !== undefined && ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) range = undefined
    if (range === 'unsatisfiable') return finish(response, 416, {'content-range': `bytes */${body.length}`})
    let slice = body
    if (range) {
      slice = body.subarray(range.start, range.end + 1)
      const shift = faults.wrongContentRange ? 1 : 0
      headers['content-range'] = `bytes ${range.start + shift}-${range.end + shift}/${body.length}`
    }
    headers['content-length'] = slice.length
    response.writeHead(range ? 206 : 200, headers)
    if (request.method === 'HEAD') return void response.end()
    await sendBody({
      response,
      body: slice,
      throttles: faults.responseBandwidth ? [new Throttle(faults.responseBandwidth), ...throttlesFor(path)] : throttlesFor(path),
      faults: () => faultsFor(path),
      signal: closed.signal,
      onSent: (bytes) => {
        stats.bytesSent += bytes
        stats.lastByteAt = Date.now()
      },
    })
  }

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch(() => response.destroy())
  }
  const server = options.tls ? createTlsServer({cert: options.tls.cert, key: options.tls.key}, listener) : createServer(listener)
  // A TLS server reports raw sockets as 'connection' too, so close() can still destroy every one.
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const host = options.host ?? '127.0.0.1'

  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    stats,
    setFaults(faults, path) {
      if (path === undefined) {
        serverFaults = faults
        serverThrottle.setRate(faults.bandwidth ?? 0)
      } else {
        const key = normalisePath(path)
        pathFaults.set(key, faults)
        pathThrottles.get(key)?.setRate(faults.bandwidth ?? 0)
      }
    },
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()))
      const gone = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)))
      for (const socket of sockets) socket.destroy()
      await Promise.all([closing, ...gone])
    },
  }
}

function normalisePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}

function toBytes(data: Buffer | Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data
}
