// Keeps a few idle SSH connections per login, so consecutive stats and reads of one mirror skip the SSH handshake.
import type {SFTPWrapper} from 'ssh2'
import type {TransportOptions} from '../types.js'
import {openSftp, type SftpConnection} from './sftp-connect.js'

/** Idle connections kept per login: enough for a verify-then-fetch burst, few enough to be polite to servers. */
const MAX_IDLE_PER_LOGIN = 4
/** Milliseconds an idle connection waits to be reused before it is closed. */
const IDLE_MS = 5000

type Idle = {connection: SftpConnection; timer: NodeJS.Timeout}

/** One borrowed connection; `release(true)` returns it for reuse, `release(false)` closes it. */
export type SftpLease = {sftp: SFTPWrapper; release(reusable: boolean): void}

/** The socket under an ssh2 client: ssh2 offers no ref/unref of its own, and an idle pooled connection must not keep the process alive. */
function socketOf(connection: SftpConnection): {ref?(): void; unref?(): void} | undefined {
  return (connection.client as unknown as {_sock?: {ref?(): void; unref?(): void}})._sock
}

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
      if (entry.connection.closed) entry.connection.client.destroy()
      else connection = entry.connection
    }
    if (connection) socketOf(connection)?.ref?.()
    else connection = await openSftp(url, this.options, signal, during)
    const borrowed = connection
    const onAbort = () => borrowed.client.destroy()
    signal.addEventListener('abort', onAbort, {once: true})
    let released = false
    return {
      sftp: borrowed.sftp,
      release: (reusable) => {
        if (released) return
        released = true
        signal.removeEventListener('abort', onAbort)
        if (reusable && !signal.aborted && !borrowed.closed) this.park(key, borrowed)
        else borrowed.client.destroy()
      },
    }
  }

  /** Closes every idle connection; borrowed ones close when their lease ends. */
  close(): void {
    for (const entries of this.idle.values()) {
      for (const entry of entries) {
        clearTimeout(entry.timer)
        entry.connection.client.destroy()
      }
    }
    this.idle.clear()
  }

  private park(key: string, connection: SftpConnection): void {
    const entries = this.idle.get(key) ?? []
    if (entries.length >= MAX_IDLE_PER_LOGIN) {
      connection.client.destroy()
      return
    }
    const entry: Idle = {
      connection,
      timer: setTimeout(() => {
        const index = entries.indexOf(entry)
        if (index >= 0) entries.splice(index, 1)
        connection.client.destroy()
      }, IDLE_MS).unref(),
    }
    socketOf(connection)?.unref?.()
    entries.push(entry)
    this.idle.set(key, entries)
  }
}

/** Connections are shared only between calls with the same host, port, user and password. */
function loginKey(url: URL): string {
  return JSON.stringify([url.hostname, url.port, url.username, url.password])
}
