// Turns HTTP statuses and undici/Node network failures into MirrorErrors with our stable codes.
import {TransportError, type MirrorError} from '../../core/errors.js'
import {failureCode, networkError} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'

type Headers = Record<string, string | string[] | undefined>

/** The error for a non-success status, or undefined for 2xx. */
export function errorForStatus(status: number, headers: Headers, url: URL): MirrorError | undefined {
  if (status >= 200 && status < 300) return undefined
  const where = redactUrl(url)
  if (status === 404 || status === 410) {
    return new TransportError(`${where}: not found (HTTP ${status})`, 'ENOTFOUND')
  }
  if (status === 401 || status === 403) return new TransportError(`${where}: access denied (HTTP ${status})`, 'EAUTH')
  if (status === 429 || status === 503) {
    const retryAfter = parseRetryAfter(header(headers, 'retry-after'))
    const wait = retryAfter === undefined ? '' : `, retry after ${retryAfter} s`
    return new TransportError(`${where}: busy (HTTP ${status}${wait})`, 'ETHROTTLED', {retryable: true, retryAfter})
  }
  if (status === 416) return new TransportError(`${where}: range not satisfiable (HTTP 416), the file shrank`, 'ECHANGED')
  return new TransportError(`${where}: HTTP ${status}`, 'EHTTP', {retryable: status >= 500})
}

/** Retry-After as seconds from now: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
}

/** undici's codes for a connection that closed under a response. */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ERR_STREAM_PREMATURE_CLOSE'])

/** Maps a thrown network error; `duringBody` marks a failure after the status line, where a cut is a short read. */
export function errorForFailure(error: unknown, url: URL, duringBody = false): MirrorError {
  const where = redactUrl(url)
  const code = failureCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  const closed = CLOSED_CODES.has(code)
  if (duringBody && (closed || code === 'ECONNRESET' || code === 'EPIPE')) {
    return new TransportError(`${where}: connection closed before the promised bytes (${code})`, 'ESHORT', {retryable: true, cause: error})
  }
  if (closed) return new TransportError(`${where}: connection closed (${detail})`, 'ECONNRESET', {retryable: true, cause: error})
  return networkError(error, where) ?? new TransportError(`${where}: ${detail}`, 'EHTTP', {retryable: true, cause: error})
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
