// Turns basic-ftp replies and socket failures into mirrorkit's stable error codes.
import {FTPError} from 'basic-ftp'
import {MirrorError, TransportError} from '../../core/errors.js'
import {isTlsCode, networkError} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'

/** Seconds to back off after "421 too many connections": servers rarely say, and a short pause usually frees a slot. */
const BUSY_RETRY_SECONDS = 2


/** The "no such file" error (exit 3), for a "550" reply and for a path a listing shows missing or as a directory. */
export function ftpNotFound(url: URL, during: string, why: string, cause?: unknown): TransportError {
  return new TransportError(`ftp ${during} ${redactUrl(url)}: no such file (${why})`, 'ENOTFOUND', {cause})
}

/** A MirrorError for `error`; `during` names the step ("stat", "read") for the message. */
export function ftpError(error: unknown, url: URL, during: string): MirrorError {
  if (error instanceof MirrorError) return error
  const where = `ftp ${during} ${redactUrl(url)}`
  if (error instanceof FTPError) {
    const reply = error.code
    const text = `${where}: server replied ${error.message.trim().replace(/\s+/g, ' ')}`
    if (reply === 550 || reply === 450 || reply === 553) {
      return ftpNotFound(url, during, String(reply), error)
    }
    if (reply === 530 || reply === 331 || reply === 332) return new TransportError(`${where}: login refused (${reply})`, 'EAUTH', {cause: error})
    if (reply === 421) return new TransportError(text, 'ETHROTTLED', {retryable: true, retryAfter: BUSY_RETRY_SECONDS, cause: error})
    if (reply === 426 || reply === 451) return new TransportError(text, 'ESHORT', {retryable: true, cause: error})
    return new TransportError(text, 'EFTP', {retryable: reply >= 400 && reply < 500, cause: error})
  }
  const failure = error as NodeJS.ErrnoException
  const message = String(failure?.message ?? error)
  const network = networkError(error, where)
  if (network) return network
  // basic-ftp reports some handshake failures with no code at all, only a message about the certificate.
  if (!isTlsCode(String(failure?.code ?? '')) && /certificate/i.test(message)) return new TransportError(`${where}: TLS failure: ${message}`, 'ETLS', {cause: error})
  if (/timeout/i.test(message)) return new TransportError(`${where}: timed out`, 'ETIMEDOUT', {retryable: true, cause: error})
  if (/closed|socket|end of stream|ended|FIN packet/i.test(message)) {
    return new TransportError(`${where}: connection dropped (${message})`, 'ECONNRESET', {retryable: true, cause: error})
  }
  return new TransportError(`${where}: ${message}`, 'EFTP', {retryable: false, cause: error})
}
