// The one map from socket, DNS and TLS failures (Node's and undici's codes) to mirrorkit's network codes, shared by every transport and by ranking.
import type {ErrorCode} from './error-codes.js'
import {TransportError} from './errors.js'
import {redactUrl} from './redact.js'

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

/** Socket and resolver codes: what they become, and the words the message uses. Every one but a missing host may pass on retry. */
const SOCKET_CODES: Readonly<Record<string, {code: ErrorCode; what: string}>> = {
  ECONNREFUSED: {code: 'ECONNREFUSED', what: 'connection refused'},
  ECONNRESET: {code: 'ECONNRESET', what: 'connection reset'},
  EPIPE: {code: 'ECONNRESET', what: 'connection reset'},
  ECONNABORTED: {code: 'ECONNRESET', what: 'connection reset'},
  ETIMEDOUT: {code: 'ETIMEDOUT', what: 'timed out'},
  UND_ERR_CONNECT_TIMEOUT: {code: 'ETIMEDOUT', what: 'timed out'},
  UND_ERR_HEADERS_TIMEOUT: {code: 'ETIMEDOUT', what: 'timed out'},
  UND_ERR_BODY_TIMEOUT: {code: 'ETIMEDOUT', what: 'timed out'},
  EHOSTUNREACH: {code: 'EUNREACHABLE', what: 'unreachable'},
  ENETUNREACH: {code: 'EUNREACHABLE', what: 'unreachable'},
  ENETDOWN: {code: 'EUNREACHABLE', what: 'unreachable'},
  EHOSTDOWN: {code: 'EUNREACHABLE', what: 'unreachable'},
  EADDRNOTAVAIL: {code: 'EUNREACHABLE', what: 'unreachable'},
  // DNS: the host is unknown, which is not our ENOTFOUND (a missing file on a reachable host).
  ENOTFOUND: {code: 'EDNS', what: 'host name not resolved'},
  EAI_NONAME: {code: 'EDNS', what: 'host name not resolved'},
  EAI_FAIL: {code: 'EDNS', what: 'host name not resolved'},
  EAI_AGAIN: {code: 'EDNS', what: 'host name not resolved'},
}

/** Resolver answers that only say "not now": a later try may resolve the name. */
const TEMPORARY_DNS = new Set(['EAI_AGAIN'])

/** The most telling code in an error or its causes (undici wraps Node's, happy eyeballs aggregates them). */
export function failureCode(error: unknown): string {
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

export function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
}

/**
 * The TransportError for a socket, resolver or TLS failure, or undefined when `error` is none of
 * those (a protocol's own reply, which its transport maps). `where` starts the message.
 */
export function networkError(error: unknown, where: string): TransportError | undefined {
  const code = failureCode(error)
  if (isTlsCode(code)) {
    return new TransportError(`${where}: TLS certificate not trusted (${code}); use --insecure to skip the check`, 'ETLS', {cause: error})
  }
  const known = SOCKET_CODES[code]
  if (!known) return undefined
  const retryable = known.code !== 'EDNS' || TEMPORARY_DNS.has(code)
  return new TransportError(`${where}: ${known.what} (${code})`, known.code, {retryable, cause: error})
}

/**
 * Refuses a host under the reserved `.invalid` top-level domain (RFC 6761) before any lookup, as
 * EDNS: such a name never resolves, so asking a resolver only sends a query off the machine.
 */
export function refuseInvalidHost(url: URL, where = redactUrl(url)): void {
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'invalid' || host.endsWith('.invalid')) {
    throw new TransportError(`${where}: host name not resolved (.invalid is reserved and never resolves)`, 'EDNS', {retryable: false})
  }
}
