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

/** One borrowed connection; `release(true)` returns it for reuse, `release(false)` closes it and resolves once its sockets have. */
export type Lease<Connection> = {connection: Connection; release(reusable: boolean): Promise<void>}

type Idle<Connection> = {connection: Connection; timer: NodeJS.Timeout}

export class IdlePool<Connection> {
  private readonly idle = new Map<string, Idle<Connection>[]>()

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
        if (reusable && !signal.aborted && !adapter.isClosed(borrowed)) this.park(key, borrowed)
        else await adapter.close(borrowed)
      },
    }
  }

  /** Closes every idle connection, resolving once their sockets have closed; borrowed ones close when their lease ends. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = []
    for (const entries of this.idle.values()) {
      for (const entry of entries) {
        clearTimeout(entry.timer)
        closing.push(this.adapter.close(entry.connection))
      }
    }
    this.idle.clear()
    await Promise.all(closing)
  }

  private park(key: string, connection: Connection): void {
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
