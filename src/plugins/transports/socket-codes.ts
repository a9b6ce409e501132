// Node socket error codes mapped to mirrorkit's stable network codes, for the transports that see raw sockets (FTP, SFTP).
import type {ErrorCode} from '../../core/error-codes.js'

/** Every entry is retryable: the mirror may answer on a later try. */
export const SOCKET_CODES: Readonly<Record<string, ErrorCode>> = {
  ECONNREFUSED: 'ECONNREFUSED',
  ECONNRESET: 'ECONNRESET',
  EPIPE: 'ECONNRESET',
  ECONNABORTED: 'ECONNRESET',
  ETIMEDOUT: 'ETIMEDOUT',
  EHOSTUNREACH: 'ECONNREFUSED',
  ENETUNREACH: 'ECONNREFUSED',
  EADDRNOTAVAIL: 'ECONNREFUSED',
}
