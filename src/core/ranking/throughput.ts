// Throughput probe: a ranged read from a random offset, timed apart from its first byte, stopped once the rate is steady.
import type {ByteRange, Transport} from '../../plugins/types.js'
import {AbortedError, TransportError} from '../errors.js'
import {coefficientOfVariation} from '../stats.js'
import {DEFAULTS} from '../defaults.js'

export type ThroughputOptions = {
  /** Stop once the rate has been steady and this much time has passed since the first byte. Default 300 ms. */
  minMs: number
  /** Stop after this long after the first byte, steady or not. Default 3000 ms. */
  maxMs: number
  /** Never read more than this. Default 16 MiB. */
  maxBytes: number
  /** Length of one rate sample. Default 100 ms. */
  windowMs: number
  /** Steady means: the last `steadyWindows` samples vary by less than this coefficient of variation. Default 0.1. */
  cvThreshold: number
  steadyWindows: number
  /** Milliseconds to wait for the first byte. Default 10 s. */
  firstByteTimeoutMs: number
}

export const DEFAULT_THROUGHPUT: ThroughputOptions = {
  minMs: 300, maxMs: DEFAULTS.rankBudgetMs, maxBytes: 16 * 1024 * 1024, windowMs: 100, cvThreshold: 0.1, steadyWindows: 5, firstByteTimeoutMs: 10_000,
}

export type ThroughputResult = {ttfbMs: number; bytesPerSecond: number; cv?: number; bytes: number; durationMs: number; offset: number}

/**
 * A random offset keeps caches that hold a file's first bytes (CDNs, page caches) from flattering a mirror;
 * `random` is injectable for reproducible tests.
 */
export function probeRange(size: number | undefined, maxBytes: number, random: () => number): ByteRange | undefined {
  if (size === undefined || size === 0) return undefined
  const length = Math.min(size, maxBytes)
  return {offset: Math.floor(random() * (size - length + 1)), length}
}

export async function measureThroughput(
  transport: Transport, url: URL, size: number | undefined, settings: ThroughputOptions, signal: AbortSignal, random = Math.random,
): Promise<ThroughputResult> {
  const range = probeRange(size, settings.maxBytes, random)
  const deadline = new AbortController()
  let timer = setTimeout(() => deadline.abort(), settings.firstByteTimeoutMs)
  const start = performance.now()
  let firstByteAt: number | undefined
  let bytes = 0
  let firstChunkBytes = 0
  let windowStart = 0
  let windowBytes = 0
  const rates: number[] = []
  // The first window holds TCP slow start and whatever a server had buffered: the rate is counted after it.
  let settledAt: number | undefined
  let settledBytes = 0
  try {
    for await (const chunk of transport.read(url, range, {signal: AbortSignal.any([signal, deadline.signal])})) {
      const now = performance.now()
      if (firstByteAt === undefined) {
        // The first chunk only marks the start: counting it would credit bytes received before the clock ran.
        firstByteAt = windowStart = now
        firstChunkBytes = chunk.length
        clearTimeout(timer)
        timer = setTimeout(() => deadline.abort(), settings.maxMs)
        continue
      }
      bytes += chunk.length
      windowBytes += chunk.length
      if (now - windowStart >= settings.windowMs) {
        rates.push((windowBytes * 1000) / (now - windowStart))
        if (settledAt === undefined) {
          settledAt = now
          settledBytes = bytes
        }
        windowStart = now
        windowBytes = 0
      }
      const recent = rates.slice(-settings.steadyWindows)
      const steady = recent.length >= settings.steadyWindows && coefficientOfVariation(recent) < settings.cvThreshold
      if (bytes >= settings.maxBytes || (now - firstByteAt >= settings.minMs && steady)) break
    }
  } catch (error) {
    if (signal.aborted) throw new AbortedError(undefined, error)
    if (!deadline.signal.aborted) throw error
    if (firstByteAt === undefined) {
      throw new TransportError(`no first byte within ${settings.firstByteTimeoutMs} ms`, 'ETIMEDOUT', {retryable: true, cause: error})
    }
  } finally {
    clearTimeout(timer)
  }
  const end = performance.now()
  const ttfbMs = (firstByteAt ?? end) - start
  // Measured to now, not to the last chunk: a stall before the deadline is slowness and must count.
  const durationMs = firstByteAt === undefined ? 0 : end - firstByteAt
  // A file that fits in one chunk gives no rate after its first byte; its whole fetch time is all there is.
  const settledMs = settledAt === undefined ? 0 : end - settledAt
  let bytesPerSecond: number
  if (settledMs >= settings.windowMs) bytesPerSecond = ((bytes - settledBytes) * 1000) / settledMs
  else if (bytes > 0 && durationMs > 1) bytesPerSecond = (bytes * 1000) / durationMs
  else bytesPerSecond = ((bytes + firstChunkBytes) * 1000) / Math.max(1, end - start)
  const result: ThroughputResult = {ttfbMs, bytesPerSecond, bytes: bytes + firstChunkBytes, durationMs, offset: range?.offset ?? 0}
  const recent = rates.slice(-settings.steadyWindows)
  if (recent.length >= 2) result.cv = coefficientOfVariation(recent)
  return result
}
