// Shares SSH connections between the calls of one login: concurrent stats and reads multiplex over one SFTP session, so a new link skips the SSH handshake.
import type {TransportOptions} from '../types.js'
import {loginKey} from './idle-pool.js'
import {endSftp, openSftp, socketOf, type SftpConnection} from './sftp-connect.js'
import {unlessAborted} from '../../core/unless-aborted.js'

/**
 * Calls that may share one connection before another is opened. SFTP answers each request by its id, so
 * the engine's links to one mirror can all ride one session; behind a busy server's queue a new SSH
 * handshake (about ten round trips) took 1.3-1.7 s in the mixed bench, while the first READ on a shared
 * session answered at once.
 */
export const CALLS_PER_CONNECTION = 8

/** Milliseconds a connection nobody uses waits for the next call before it is closed. */
const IDLE_MS = 5000

/**
 * How a call leaves its connection: `clean` (every request answered), `abandoned` (stopped with requests
 * still in flight: their answers are dropped as they arrive), or `broken` (the connection itself failed).
 */
export type SftpOutcome = 'clean' | 'abandoned' | 'broken'

/** One borrowed share of a connection; release it exactly once. */
export type SftpLease = {connection: SftpConnection; release(outcome: SftpOutcome): Promise<void>}

type Shared = {opening: Promise<SftpConnection>; connection?: SftpConnection; users: number; idle?: NodeJS.Timeout; stop: AbortController}

export class SftpConnections {
  private readonly byLogin = new Map<string, Shared[]>()
  private closed = false

  constructor(private readonly options: TransportOptions) {}

  /** A share of an open (or opening) connection for `url`'s login with room left, or of a new one. */
  async acquire(url: URL, signal: AbortSignal, during: string): Promise<SftpLease> {
    signal.throwIfAborted()
    const key = loginKey(url)
    const list = this.byLogin.get(key) ?? []
    this.byLogin.set(key, list)
    let shared = list.find((entry) => entry.users < CALLS_PER_CONNECTION && !entry.connection?.closed)
    if (!shared) {
      const stop = new AbortController()
      // Not the caller's signal: others may join this connection while it opens, and one of them giving up must not end it for the rest.
      const opening = openSftp(url, this.options, stop.signal, during)
      shared = {opening, users: 0, stop}
      const entry = shared
      opening.then(
        (connection) => {
          entry.connection = connection
          if (this.closed || !list.includes(entry)) void endSftp(connection)
          else if (entry.users === 0) this.park(list, entry)
        },
        () => remove(list, entry),
      )
      list.push(shared)
    }
    shared.users++
    clearTimeout(shared.idle)
    shared.idle = undefined
    let connection: SftpConnection
    try {
      connection = await unlessAborted(shared.opening, signal)
    } catch (error) {
      shared.users--
      if (shared.connection && shared.users === 0) this.park(list, shared)
      throw error
    }
    socketOf(connection.client)?.ref()
    const entry = shared
    let released = false
    return {
      connection,
      release: async (outcome) => {
        if (released) return
        released = true
        entry.users--
        const alone = entry.users === 0
        if (outcome === 'broken' || connection.closed || this.closed || (outcome === 'abandoned' && alone)) {
          // An abandoned call alone on its connection ends it: that stops the server sending answers nobody reads.
          remove(list, entry)
          await endSftp(connection)
        } else if (alone) {
          this.park(list, entry)
        }
      },
    }
  }

  /** Closes every connection, resolving once their sockets have closed; calls still running fail. */
  async close(): Promise<void> {
    this.closed = true
    const closing: Promise<void>[] = []
    for (const list of this.byLogin.values()) {
      for (const entry of list.splice(0)) {
        clearTimeout(entry.idle)
        entry.stop.abort(new Error('transport closed'))
        if (entry.connection) closing.push(endSftp(entry.connection))
        else closing.push(entry.opening.then(endSftp, () => {}))
      }
    }
    this.byLogin.clear()
    await Promise.all(closing)
  }

  /** Nobody uses `entry` now: it must not keep a finished CLI process alive, and it closes unless reused soon. */
  private park(list: Shared[], entry: Shared): void {
    const {connection} = entry
    if (!connection) return
    socketOf(connection.client)?.unref()
    entry.idle = setTimeout(() => {
      remove(list, entry)
      void endSftp(connection)
    }, IDLE_MS).unref()
  }
}

function remove(list: Shared[], entry: Shared): void {
  const index = list.indexOf(entry)
  if (index >= 0) list.splice(index, 1)
}
