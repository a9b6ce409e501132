// Sends one HTTP request through undici and follows redirects by hand, only to http(s), at most five hops.
import type {IncomingHttpHeaders} from 'node:http'
import type {Dispatcher} from 'undici'
import {TransportError} from '../../core/errors.js'
import {refuseInvalidHost} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'
import {errorForFailure, header} from './http-errors.js'
import {exchange, type Exchange} from './http-exchange.js'

export const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** The final response, its URL, and the headers of the redirects on the way (MirrorBrain puts Link and Digest there). */
export type HttpResponse = Exchange & {url: URL; redirectHeaders: IncomingHttpHeaders[]}

export type SendOptions = {
  method: 'GET' | 'HEAD'
  headers: Record<string, string>
  signal: AbortSignal
  /** Follow redirects (default true); a ping measures exactly one round trip and does not. */
  follow?: boolean
}

/** The final response (any status but a redirect), with the URL it came from. */
export async function send(dispatcher: Dispatcher, start: URL, options: SendOptions): Promise<HttpResponse> {
  const seen = new Set<string>()
  const redirectHeaders: IncomingHttpHeaders[] = []
  let url = start
  for (let hop = 0; ; hop++) {
    seen.add(url.href)
    const response = await sendOnce(dispatcher, url, options)
    const location = header(response.headers, 'location')
    if (options.follow === false || !REDIRECT_STATUSES.has(response.statusCode) || location === undefined) {
      return Object.assign(response, {url, redirectHeaders})
    }
    redirectHeaders.push(response.headers)
    await response.body.dump().catch(() => undefined)
    const next = resolveLocation(location, url)
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw redirectError(`${redactUrl(url)} redirects to a ${next.protocol.replace(/:$/, '')}: URL, which HTTP does not follow`)
    }
    if (seen.has(next.href)) throw redirectError(`${redactUrl(start)}: redirect loop at ${redactUrl(next)}`)
    if (hop + 1 > MAX_REDIRECTS) throw redirectError(`${redactUrl(start)}: more than ${MAX_REDIRECTS} redirects`)
    url = next
  }
}

async function sendOnce(dispatcher: Dispatcher, url: URL, options: SendOptions): Promise<Exchange> {
  refuseInvalidHost(url)
  const headers = {...options.headers}
  // Credentials travel only to the URL that carries them, never to wherever it redirects.
  if (url.username || url.password) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`
  }
  try {
    return await exchange(dispatcher, {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers,
      signal: options.signal,
    })
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason
    throw errorForFailure(error, url)
  }
}

function resolveLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base)
  } catch (error) {
    throw new TransportError(`${redactUrl(base)}: malformed redirect location`, 'EREDIRECT', {cause: error})
  }
}

function redirectError(message: string): TransportError {
  return new TransportError(message, 'EREDIRECT')
}

/** Drops a body we will not read, closing its connection. */
export function discard(response: Exchange): void {
  response.body.destroy()
}
