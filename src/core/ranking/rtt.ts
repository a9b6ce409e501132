// Round-trip probes kept apart: TCP connect (node:net), TLS handshake (node:tls) and one protocol round trip (transport.ping).
import {deadlineSignal} from '../deadline-signal.js'
import {lookup} from 'node:dns/promises'
import {connect as connectTcp, isIP, type Socket} from 'node:net'
import {connect as connectTls} from 'node:tls'
import type {Transport} from '../../plugins/types.js'
import {TransportError} from '../errors.js'
import {networkError, refuseInvalidHost} from '../network-errors.js'
import {redactUrl} from '../redact.js'
import {trustContext} from '../tls-ca.js'
import type {SampleStats} from '../model.js'
import {repeatProbe} from './repeat.js'

const DEFAULT_PORTS: Record<string, number> = {'http:': 80, 'https:': 443, 'ftp:': 21, 'ftps:': 990, 'sftp:': 22}

export type RttOptions = {samples: number; timeoutMs: number; insecure?: boolean; ca?: string; signal: AbortSignal}
export type RttResult = {connectMs?: SampleStats; tlsMs?: SampleStats; protocolMs?: SampleStats; address?: string}

/** Resolves `socket`'s first event of interest with the milliseconds since `start`, and always destroys it. */
function timeSocket(socket: Socket, event: string, start: () => number, url: URL, options: RttOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error, value?: number) => {
      clearTimeout(timer)
      options.signal.removeEventListener('abort', onAbort)
      socket.destroy()
      if (error) reject(error)
      else resolve(value!)
    }
    const onAbort = () => finish(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'))
    const timer = setTimeout(() => finish(new TransportError(`${redactUrl(url)}: no connection within ${options.timeoutMs} ms`, 'ETIMEDOUT', {retryable: true})), options.timeoutMs)
    options.signal.addEventListener('abort', onAbort, {once: true})
    socket.once(event, () => finish(undefined, performance.now() - start()))
    socket.once('error', (error) => finish(socketFailure(error, url)))
  })
}

/** A failed probe socket as a network error; an unknown code is still a connection that did not work. */
function socketFailure(error: unknown, url: URL): TransportError {
  const where = redactUrl(url)
  return networkError(error, where) ?? new TransportError(`${where}: ${error instanceof Error ? error.message : String(error)}`, 'ECONNRESET', {retryable: true, cause: error})
}

/** TCP handshake time to an address already resolved, so DNS is not counted. */
function connectOnce(address: string, port: number, url: URL, options: RttOptions): Promise<number> {
  const start = performance.now()
  return timeSocket(connectTcp({host: address, port}), 'connect', () => start, url, options)
}

/** TLS handshake time alone: the clock restarts when TCP is connected. */
function tlsOnce(address: string, port: number, url: URL, options: RttOptions): Promise<number> {
  let start = performance.now()
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const servername = isIP(host) ? undefined : host
  const secureContext = trustContext(options.ca)
  const socket = connectTls({host: address, port, servername, rejectUnauthorized: !options.insecure, ...(secureContext ? {secureContext} : {})})
  socket.once('connect', () => {
    start = performance.now()
  })
  return timeSocket(socket, 'secureConnect', () => start, url, options)
}

/** DNS apart from the connect time; dns.lookup takes no signal, so the wait for it is raced against the signal. */
async function resolve(host: string, url: URL, signal: AbortSignal): Promise<string> {
  signal.throwIfAborted()
  refuseInvalidHost(url)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
  })
  try {
    return (await Promise.race([lookup(host), aborted])).address
  } catch (error) {
    if (signal.aborted) throw error
    throw socketFailure(error, url)
  } finally {
    signal.removeEventListener('abort', onAbort!)
  }
}

/** Measures what applies to the URL's scheme; a file: URL has no network round trip. */
export async function measureRtt(url: URL, transport: Transport | undefined, options: RttOptions): Promise<RttResult> {
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const result: RttResult = {}
  if (port !== undefined && host) {
    const address = isIP(host) ? host : await resolve(host, url, options.signal)
    result.address = address
    result.connectMs = await repeatProbe(() => connectOnce(address, port, url, options), options.samples, options.signal)
    // Only implicit TLS can be timed before the protocol speaks; explicit FTPS (AUTH TLS) is part of ping.
    if (url.protocol === 'https:' || (url.protocol === 'ftps:' && port === 990)) {
      result.tlsMs = await repeatProbe(() => tlsOnce(address, port, url, options), options.samples, options.signal)
    }
  }
  if (transport?.ping) {
    const signal = deadlineSignal(options.signal, options.timeoutMs * 2)
    result.protocolMs = await repeatProbe(() => transport.ping!(url, {signal}), options.samples, options.signal)
  }
  return result
}
