// The idle-connection pool for FTP control connections, so a stat, a ping or a read that ran to the end can hand theirs on.
import type {TransportOptions} from '../types.js'
import {closeFtp, openFtp, type FtpConnection} from './ftp-connect.js'
import {IdlePool} from './idle-pool.js'

export function createFtpPool(options: TransportOptions): IdlePool<FtpConnection> {
  return new IdlePool<FtpConnection>({
    open: (url, signal, during) => openFtp(url, options, signal, during),
    close: closeFtp,
    isClosed: (connection) => connection.client.closed,
    setRef: (connection, ref) => void (ref ? connection.client.ftp.socket.ref() : connection.client.ftp.socket.unref()),
    // Enough for a verify-then-fetch burst, few enough for servers' per-IP connection limits.
    maxIdlePerLogin: 2,
    idleMs: 5000,
  })
}
