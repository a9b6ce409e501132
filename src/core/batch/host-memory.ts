// What a batch has learnt about each host from the files it already fetched: time to first byte, rate per link, failures.

/** Weight of the newest sample in the smoothed averages. */
const WEIGHT = 0.3
/** A host that failed this many times in a row gets no work while another host can do it. */
const BAD_AFTER = 2
const BENCH_MS = 5_000

type Host = {ttfbMs?: number; linkRate?: number; throughput?: number; failures: number; benchedUntil: number; files: number}

const smooth = (old: number | undefined, sample: number) => (old === undefined ? sample : old + WEIGHT * (sample - old))

export class HostMemory {
  private readonly hosts = new Map<string, Host>()

  private entry(host: string): Host {
    let found = this.hosts.get(host)
    if (!found) this.hosts.set(host, (found = {failures: 0, benchedUntil: 0, files: 0}))
    return found
  }

  /** One whole-file read: its time to first byte and the rate of its body. */
  recordRead(host: string, bytes: number, ttfbMs: number, bodyMs: number): void {
    const entry = this.entry(host)
    entry.ttfbMs = smooth(entry.ttfbMs, ttfbMs)
    // Tiny bodies say nothing about the rate: their time is all latency.
    if (bytes >= 64 * 1024 && bodyMs > 0) entry.linkRate = smooth(entry.linkRate, (bytes * 1000) / bodyMs)
    entry.failures = 0
    entry.files++
  }

  /** A segmented download's rate from this host, as the engine measured it. */
  recordThroughput(host: string, bytesPerSecond: number): void {
    if (bytesPerSecond <= 0) return
    const entry = this.entry(host)
    entry.throughput = smooth(entry.throughput, bytesPerSecond)
    entry.failures = 0
  }

  recordFailure(host: string, now = Date.now()): void {
    const entry = this.entry(host)
    entry.failures++
    if (entry.failures >= BAD_AFTER) entry.benchedUntil = now + BENCH_MS * 2 ** Math.min(4, entry.failures - BAD_AFTER)
  }

  isBad(host: string, now = Date.now()): boolean {
    return this.entry(host).benchedUntil > now
  }

  /**
   * Predicted milliseconds for one link on `host` to fetch `bytes`; unmeasured hosts are predicted as the
   * best measured one, so each gets tried.
   */
  predictMs(host: string, bytes: number): number | undefined {
    const entry = this.hosts.get(host)
    if (entry?.ttfbMs === undefined) return undefined
    const rate = entry.linkRate ?? entry.throughput
    return entry.ttfbMs + (rate ? (bytes * 1000) / rate : 0)
  }

  /** The rate to rank a host by for a segmented download (bytes per second), when known. */
  rateOf(host: string): number | undefined {
    const entry = this.hosts.get(host)
    return entry?.throughput ?? entry?.linkRate
  }

  snapshot(): Record<string, {ttfbMs?: number; linkRate?: number; throughput?: number; failures: number; files: number}> {
    return Object.fromEntries([...this.hosts].map(([host, {ttfbMs, linkRate, throughput, failures, files}]) => [host, {ttfbMs: ttfbMs && Math.round(ttfbMs), linkRate: linkRate && Math.round(linkRate), throughput: throughput && Math.round(throughput), failures, files}]))
  }
}
