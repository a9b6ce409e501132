// Keeps a few idle SSH connections per login, so consecutive stats and reads of one mirror skip the SSH handshake.
import type {SFTPWrapper} from 'ssh2'
import type {TransportOptions} from '../types.js'
import {endSftp, openSftp, socketOf, type SftpConnection} from './sftp-connect.js'

/** Idle connections kept per login: enough for a verify-then-fetch burst, few enough to be polite to servers. */
const MAX_IDLE_PER_LOGIN = 4
/** Milliseconds an idle connection waits to be reused before it is closed. */
const IDLE_MS = 5000

type Idle = {connection: SftpConnection; timer: NodeJS.Timeout}

/** One borrowed connection; `release(true)` returns it for reuse, `release(false)` ends it and resolves once its socket has closed. */
export type SftpLease = {sftp: SFTPWrapper; release(reusable: boolean): Promise<void>}

export class SftpPool {
  private readonly idle = new Map<string, Idle[]>()

  constructor(private readonly options: TransportOptions) {}

  /** A connection for `url`'s login (reused when one is idle); the signal destroys it while it is borrowed. */
  async acquire(url: URL, signal: AbortSignal, during: string): Promise<SftpLease> {
    signal.throwIfAborted()
    const key = loginKey(url)
    let connection: SftpConnection | undefined
    const waiting = this.idle.get(key) ?? []
    while (!connection && waiting.length > 0) {
      const entry = waiting.pop() as Idle
      clearTimeout(entry.timer)
      if (entry.connection.closed) void endSftp(entry.connection)
      else connection = entry.connection
    }
    if (connection) socketOf(connection.client)?.ref()
    else connection = await openSftp(url, this.options, signal, during)
    const borrowed = connection
    const onAbort = () => void endSftp(borrowed)
    signal.addEventListener('abort', onAbort, {once: true})
    let released = false
    return {
      sftp: borrowed.sftp,
      release: async (reusable) => {
        if (released) return
        released = true
        signal.removeEventListener('abort', onAbort)
        if (reusable && !signal.aborted && !borrowed.closed) this.park(key, borrowed)
        else await endSftp(borrowed)
      },
    }
  }

  /** Ends every idle connection, resolving once their sockets have closed; borrowed ones end when their lease does. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = []
    for (const entries of this.idle.values()) {
      for (const entry of entries) {
        clearTimeout(entry.timer)
        closing.push(endSftp(entry.connection))
      }
    }
    this.idle.clear()
    await Promise.all(closing)
  }

  private park(key: string, connection: SftpConnection): void {
    const entries = this.idle.get(key) ?? []
    if (entries.length >= MAX_IDLE_PER_LOGIN) {
      void endSftp(connection)
      return
    }
    const entry: Idle = {
      connection,
      timer: setTimeout(() => {
        const index = entries.indexOf(entry)
        if (index >= 0) entries.splice(index, 1)
        void endSftp(connection)
      }, IDLE_MS).unref(),
    }
    socketOf(connection.client)?.unref()
    entries.push(entry)
    this.idle.set(key, entries)
  }
}

/** Connections are shared only between calls with the same host, port, user and password. */
function loginKey(url: URL): string {
  return JSON.stringify([url.hostname, url.port, url.username, url.password])
}
