// Keeps a few idle, logged-in connections per login so the next stat, ping or read skips the login; FTP and SFTP share it.

/** How the pool opens, closes and inspects one kind of connection. */
export type PoolAdapter<Connection> = {
  open(url: URL, signal: AbortSignal, during: string): Promise<Connection>
  /** Closes it, resolving once its sockets have closed. */
  close(connection: Connection): Promise<void>
  isClosed(connection: Connection): boolean
  /** An idle connection must not keep a finished CLI process alive: false while idle, true while borrowed. */
  setRef(connection: Connection, ref: boolean): void
  /** Idle connections kept per login. */
  maxIdlePerLogin: number
  /** Milliseconds an idle connection waits to be reused before it is closed. */
  idleMs: number
}

/**
 * One borrowed connection; `release(true)` returns it for reuse, `release(false)` closes it and resolves once its sockets have.
 * `release(promise)` hands it back at once but reusable only once the promise says so (an FTP control connection still
 * waiting for the server's last reply to a transfer it stopped): meanwhile a call for the same login waits for it.
 */
export type Lease<Connection> = {connection: Connection; release(reusable: boolean | Promise<boolean>): Promise<void>}

type Idle<Connection> = {connection: Connection; timer: NodeJS.Timeout}
type Waiter<Connection> = (connection: Connection | undefined) => void

export class IdlePool<Connection> {
  private readonly idle = new Map<string, Idle<Connection>[]>()
  /** Connections on their way back, per login, and the calls waiting for one. */
  private readonly returning = new Map<string, Set<Connection>>()
  private readonly waiters = new Map<string, Waiter<Connection>[]>()

  constructor(private readonly adapter: PoolAdapter<Connection>) {}

  /** A connection for `url`'s login (reused when one is idle); the signal closes it while it is borrowed. */
  async acquire(url: URL, signal: AbortSignal, during: string): Promise<Lease<Connection>> {
    signal.throwIfAborted()
    const {adapter} = this
    const key = loginKey(url)
    let connection: Connection | undefined
    const waiting = this.idle.get(key) ?? []
    while (connection === undefined && waiting.length > 0) {
      const entry = waiting.pop()!
      clearTimeout(entry.timer)
      if (adapter.isClosed(entry.connection)) void adapter.close(entry.connection)
      else connection = entry.connection
    }
    // A connection about to come back saves a login (several round trips behind a busy server's queue): wait for it.
    if (connection === undefined && (this.returning.get(key)?.size ?? 0) > (this.waiters.get(key)?.length ?? 0)) connection = await this.waitForReturn(key, signal)
    if (connection === undefined) connection = await adapter.open(url, signal, during)
    else adapter.setRef(connection, true)
    const borrowed = connection
    const onAbort = () => void adapter.close(borrowed)
    signal.addEventListener('abort', onAbort, {once: true})
    let released = false
    return {
      connection: borrowed,
      release: async (reusable) => {
        if (released) return
        released = true
        signal.removeEventListener('abort', onAbort)
        if (typeof reusable !== 'boolean' && !signal.aborted) return this.comeBack(key, borrowed, reusable)
        if (reusable === true && !signal.aborted && !adapter.isClosed(borrowed)) this.park(key, borrowed)
        else await adapter.close(borrowed)
      },
    }
  }

  /** Closes every idle connection, resolving once their sockets have closed; borrowed ones close when their lease ends. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = []
    for (const connections of this.returning.values()) for (const connection of connections) closing.push(this.adapter.close(connection))
    this.returning.clear()
    for (const waiters of this.waiters.values()) for (const give of waiters.splice(0)) give(undefined)
    for (const entries of this.idle.values()) {
      for (const entry of entries) {
        clearTimeout(entry.timer)
        closing.push(this.adapter.close(entry.connection))
      }
    }
    this.idle.clear()
    await Promise.all(closing)
  }

  /** Tracks a connection released on a promise; it is parked (or handed to a waiting call) if the promise says reusable. */
  private comeBack(key: string, connection: Connection, reusable: Promise<boolean>): Promise<void> {
    const returning = this.returning.get(key) ?? new Set()
    this.returning.set(key, returning)
    returning.add(connection)
    // While it comes back it must not keep a finished CLI process alive either.
    this.adapter.setRef(connection, false)
    void reusable.then(
      (ok) => this.arrived(key, connection, ok),
      () => this.arrived(key, connection, false),
    )
    return Promise.resolve()
  }

  private arrived(key: string, connection: Connection, reusable: boolean): void {
    const returning = this.returning.get(key)
    // Not tracked any more: the pool closed (and closed it) meanwhile.
    if (!returning?.delete(connection)) return
    if (reusable && !this.adapter.isClosed(connection)) this.park(key, connection)
    else void this.adapter.close(connection)
    // Calls waiting for more connections than can still come back open their own.
    const waiters = this.waiters.get(key) ?? []
    while (waiters.length > returning.size) waiters.shift()!(undefined)
  }

  private waitForReturn(key: string, signal: AbortSignal): Promise<Connection | undefined> {
    const waiters = this.waiters.get(key) ?? []
    this.waiters.set(key, waiters)
    return new Promise((resolve, reject) => {
      const give: Waiter<Connection> = (connection) => {
        signal.removeEventListener('abort', onAbort)
        resolve(connection)
      }
      const onAbort = () => {
        const index = waiters.indexOf(give)
        if (index >= 0) waiters.splice(index, 1)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, {once: true})
      waiters.push(give)
    })
  }

  private park(key: string, connection: Connection): void {
    const waiter = this.waiters.get(key)?.shift()
    if (waiter) return waiter(connection)
    const entries = this.idle.get(key) ?? []
    if (entries.length >= this.adapter.maxIdlePerLogin) {
      void this.adapter.close(connection)
      return
    }
    const entry: Idle<Connection> = {
      connection,
      timer: setTimeout(() => {
        const index = entries.indexOf(entry)
        if (index >= 0) entries.splice(index, 1)
        void this.adapter.close(connection)
      }, this.adapter.idleMs).unref(),
    }
    this.adapter.setRef(connection, false)
    entries.push(entry)
    this.idle.set(key, entries)
  }
}

/** Connections are shared only between calls with the same scheme, host, port, user and password. */
export function loginKey(url: URL): string {
  return JSON.stringify([url.protocol, url.hostname, url.port, url.username, url.password])
}
