// The idle-connection pool for SSH connections, so consecutive stats and reads of one mirror skip the SSH handshake.
import type {TransportOptions} from '../types.js'
import {IdlePool} from './idle-pool.js'
import {endSftp, openSftp, socketOf, type SftpConnection} from './sftp-connect.js'

export function createSftpPool(options: TransportOptions): IdlePool<SftpConnection> {
  return new IdlePool<SftpConnection>({
    open: (url, signal, during) => openSftp(url, options, signal, during),
    close: endSftp,
    isClosed: (connection) => connection.closed,
    setRef: (connection, ref) => void (ref ? socketOf(connection.client)?.ref() : socketOf(connection.client)?.unref()),
    // Enough for a verify-then-fetch burst, few enough to be polite to servers.
    maxIdlePerLogin: 4,
    idleMs: 5000,
  })
}
