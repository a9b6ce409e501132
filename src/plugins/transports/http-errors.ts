// Turns HTTP statuses and undici/Node network failures into MirrorErrors with our stable codes.
import {TransportError, type MirrorError} from '../../core/errors.js'
import {redactUrl} from '../../core/redact.js'

type Headers = Record<string, string | string[] | undefined>

/** Node and OpenSSL codes for a certificate that cannot be trusted; retrying will not help. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
])

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

/** Maps a thrown network error; `duringBody` marks a failure after the status line, where a cut is a short read. */
export function errorForFailure(error: unknown, url: URL, duringBody = false): MirrorError {
  const where = redactUrl(url)
  const code = failureCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new TransportError(`${where}: TLS certificate not trusted (${code}); use --insecure to skip the check`, 'ETLS', {cause: error})
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new TransportError(`${where}: connection refused`, 'ECONNREFUSED', {retryable: true, cause: error})
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return new TransportError(`${where}: timed out (${code})`, 'ETIMEDOUT', {retryable: true, cause: error})
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      // DNS failure: the host is unknown, which is not our ENOTFOUND (a missing file on a reachable host).
      return new TransportError(`${where}: host name not resolved (${code})`, 'EDNS', {retryable: code === 'EAI_AGAIN', cause: error})
    case 'ECONNRESET':
    case 'EPIPE':
      return new TransportError(`${where}: connection reset`, duringBody ? 'ESHORT' : 'ECONNRESET', {retryable: true, cause: error})
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return duringBody
        ? new TransportError(`${where}: connection closed before the promised bytes`, 'ESHORT', {retryable: true, cause: error})
        : new TransportError(`${where}: connection closed (${detail})`, 'ECONNRESET', {retryable: true, cause: error})
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return new TransportError(`${where}: unreachable (${code})`, 'EUNREACHABLE', {cause: error})
    default:
      return new TransportError(`${where}: ${detail}`, 'EHTTP', {retryable: true, cause: error})
  }
}

/** The most telling code in an error or its causes (undici wraps Node's, happy eyeballs aggregates them). */
function failureCode(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const candidate = current as {code?: unknown; cause?: unknown; errors?: unknown[]}
    if (typeof candidate.code === 'string' && candidate.code !== 'UND_ERR') {
      // undici's generic socket error often wraps the precise Node code.
      const inner = candidate.cause as {code?: unknown} | undefined
      if (candidate.code === 'UND_ERR_SOCKET' && typeof inner?.code === 'string') return inner.code
      return candidate.code
    }
    current = candidate.cause ?? candidate.errors?.[0]
  }
  return ''
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
