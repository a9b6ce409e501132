// Keeps a few idle, logged-in FTP control connections per login, so a stat, a ping or a read that ran to the end can hand theirs on.
import type {TransportOptions} from '../types.js'
import {closeFtp, openFtp, type FtpConnection} from './ftp-connect.js'

/** Idle connections kept per login: enough for a verify-then-fetch burst, few enough for servers' per-IP limits. */
const MAX_IDLE_PER_LOGIN = 2
/** Milliseconds an idle connection waits to be reused before it is closed. */
const IDLE_MS = 5000

type Idle = {connection: FtpConnection; timer: NodeJS.Timeout}

/** One borrowed connection; `release(true)` returns it for reuse, `release(false)` closes it and resolves once its sockets have. */
export type FtpLease = {connection: FtpConnection; release(reusable: boolean): Promise<void>}

export class FtpPool {
  private readonly idle = new Map<string, Idle[]>()

  constructor(private readonly options: TransportOptions) {}

  /** A connection for `url`'s login (reused when one is idle); the signal closes it while it is borrowed. */
  async acquire(url: URL, signal: AbortSignal, during: string): Promise<FtpLease> {
    signal.throwIfAborted()
    const key = loginKey(url)
    let connection: FtpConnection | undefined
    const waiting = this.idle.get(key) ?? []
    while (!connection && waiting.length > 0) {
      const entry = waiting.pop() as Idle
      clearTimeout(entry.timer)
      if (entry.connection.client.closed) {
        void closeFtp(entry.connection)
        continue
      }
      connection = entry.connection
      connection.client.ftp.socket.ref()
    }
    connection ??= await openFtp(url, this.options, signal, during)
    const borrowed = connection
    const onAbort = () => void closeFtp(borrowed)
    signal.addEventListener('abort', onAbort, {once: true})
    let released = false
    return {
      connection: borrowed,
      release: async (reusable) => {
        if (released) return
        released = true
        signal.removeEventListener('abort', onAbort)
        if (reusable && !signal.aborted && !borrowed.client.closed) this.park(key, borrowed)
        else await closeFtp(borrowed)
      },
    }
  }

  /** Closes every idle connection, resolving once their sockets have closed; borrowed ones close when their lease ends. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = []
    for (const entries of this.idle.values()) {
      for (const entry of entries) {
        clearTimeout(entry.timer)
        closing.push(closeFtp(entry.connection))
      }
    }
    this.idle.clear()
    await Promise.all(closing)
  }

  private park(key: string, connection: FtpConnection): void {
    const entries = this.idle.get(key) ?? []
    if (entries.length >= MAX_IDLE_PER_LOGIN) {
      void closeFtp(connection)
      return
    }
    const entry: Idle = {
      connection,
      timer: setTimeout(() => {
        const index = entries.indexOf(entry)
        if (index >= 0) entries.splice(index, 1)
        void closeFtp(connection)
      }, IDLE_MS).unref(),
    }
    // An idle connection must not keep a finished CLI process alive.
    connection.client.ftp.socket.unref()
    entries.push(entry)
    this.idle.set(key, entries)
  }
}

/** Connections are shared only between calls with the same scheme, host, port, user and password. */
function loginKey(url: URL): string {
  return JSON.stringify([url.protocol, url.hostname, url.port, url.username, url.password])
}
