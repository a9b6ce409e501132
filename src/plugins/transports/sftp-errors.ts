// Turns ssh2 connection errors and SFTP status codes into mirrorkit's stable error codes.
import ssh2 from 'ssh2'
import {MirrorError, TransportError} from '../../core/errors.js'
import {networkError} from '../../core/network-errors.js'
import {redactUrl} from '../../core/redact.js'

const {STATUS_CODE} = ssh2.utils.sftp

type Ssh2Failure = Error & {code?: string | number; level?: string}

/** A MirrorError for `error`; `during` names the step ("stat", "read") for the message. */
export function sftpError(error: unknown, url: URL, during: string): MirrorError {
  if (error instanceof MirrorError) return error
  const where = `sftp ${during} ${redactUrl(url)}`
  const failure = error as Ssh2Failure
  const message = String(failure?.message ?? error)
  if (typeof failure?.code === 'number') {
    if (failure.code === STATUS_CODE.NO_SUCH_FILE) {
      return new TransportError(`${where}: no such file`, 'ENOTFOUND', {cause: error})
    }
    if (failure.code === STATUS_CODE.PERMISSION_DENIED) return new TransportError(`${where}: permission denied`, 'EAUTH', {cause: error})
    return new TransportError(`${where}: ${message}`, 'ESFTP', {retryable: false, cause: error})
  }
  if (failure?.level === 'client-authentication') {
    return new TransportError(`${where}: authentication failed (tried: password, key, agent as available)`, 'EAUTH', {cause: error})
  }
  if (failure?.level === 'client-timeout' || /timed out/i.test(message)) {
    return new TransportError(`${where}: timed out`, 'ETIMEDOUT', {retryable: true, cause: error})
  }
  const network = networkError(error, where)
  if (network) return network
  if (/no response from server|connection lost|closed|not connected|end of stream/i.test(message)) {
    return new TransportError(`${where}: connection dropped (${message})`, 'ECONNRESET', {retryable: true, cause: error})
  }
  return new TransportError(`${where}: ${message}`, 'ESFTP', {retryable: false, cause: error})
}
