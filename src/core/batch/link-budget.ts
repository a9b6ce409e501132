// The links a batch may run at once: a total cap and a cap per host, shared by every file so one host is never asked for more than its share.

/** The key of a mirror for the caps: its host and port, since a host serves many files. */
export function hostOf(url: URL | string): string {
  return (typeof url === 'string' ? new URL(url) : url).host
}

export class LinkBudget {
  private readonly used = new Map<string, number>()
  private total = 0
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly maxTotal: number,
    readonly perHost: number,
  ) {}

  get inUse(): number {
    return this.total
  }

  linksTo(host: string): number {
    return this.used.get(host) ?? 0
  }

  hasRoom(host: string): boolean {
    return this.total < this.maxTotal && this.linksTo(host) < this.perHost
  }

  tryAcquire(host: string): boolean {
    if (!this.hasRoom(host)) return false
    this.used.set(host, this.linksTo(host) + 1)
    this.total++
    return true
  }

  release(host: string): void {
    const count = this.linksTo(host)
    if (count <= 0) return
    if (count === 1) this.used.delete(host)
    else this.used.set(host, count - 1)
    this.total--
    for (const waiter of [...this.waiters]) waiter()
  }

  /** Resolves at the next release, or after `ms` (so a waiter can re-decide), or when `signal` aborts. */
  nextRelease(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
      signal.addEventListener('abort', done, {once: true})
    })
  }
}
