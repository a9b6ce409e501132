// Per-host memory of throughput, round trip and failures across runs (EWMA), kept in one small JSON file.
//
// Format: {"version":1,"hosts":{"https://host:port":{bytesPerSecond,rttMs,failureRate,samples,updatedAt}}}.
// One JSON file because it is tiny (one line per host), human-readable, and needs no dependency; it is
// written atomically (temp file, fsync, rename) after re-reading it, so concurrent runs never leave a torn
// file and at worst one run's update of the same moment is lost, which a prior can afford.
import {randomUUID} from 'node:crypto'
import {mkdir, open, readFile, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

export type HostRecord = {
  bytesPerSecond?: number
  rttMs?: number
  /** EWMA of 1 (failed) / 0 (worked). */
  failureRate: number
  samples: number
  updatedAt: string
}
export type HostHistory = Record<string, HostRecord>

export type HostObservation = {url: string; bytesPerSecond?: number; rttMs?: number; failed: boolean}

const VERSION = 1
/** Weight of the newest observation; 0.3 follows a change within a few runs without trusting one bad run. */
export const HISTORY_ALPHA = 0.3
/** Entries not refreshed for this long are dropped: networks change, and the file must not grow forever. */
export const HISTORY_MAX_AGE_MS = 90 * 24 * 3600 * 1000

/** The history key: scheme, host and port, so two servers on one machine stay apart and credentials never enter. */
export function hostKey(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined
  } catch {
    return undefined
  }
}

/** The remembered record for a URL's host, if any. */
export function historyFor(history: HostHistory, url: string): HostRecord | undefined {
  const key = hostKey(url)
  return key === undefined ? undefined : history[key]
}

/** The history file's hosts; an absent, unreadable or foreign file is an empty history, never an error. */
export async function loadHostHistory(path: string, signal?: AbortSignal): Promise<HostHistory> {
  try {
    const value = JSON.parse(await readFile(path, {encoding: 'utf8', signal})) as {version?: unknown; hosts?: unknown}
    if (value.version !== VERSION || typeof value.hosts !== 'object' || value.hosts === null) return {}
    return value.hosts as HostHistory
  } catch (error) {
    if (signal?.aborted) throw error
    return {}
  }
}

const ewma = (old: number | undefined, value: number | undefined) =>
  value === undefined ? old : old === undefined ? value : old + HISTORY_ALPHA * (value - old)

/** Folds observations into a copy of `history` and drops stale hosts. */
export function mergeObservations(history: HostHistory, observations: readonly HostObservation[], now = new Date()): HostHistory {
  const merged: HostHistory = {}
  for (const [key, record] of Object.entries(history)) {
    if (now.getTime() - Date.parse(record.updatedAt) < HISTORY_MAX_AGE_MS) merged[key] = record
  }
  for (const observation of observations) {
    const key = hostKey(observation.url)
    if (key === undefined) continue
    const old = merged[key]
    const record: HostRecord = {
      failureRate: Math.round((ewma(old?.failureRate, observation.failed ? 1 : 0) ?? 0) * 1000) / 1000,
      samples: (old?.samples ?? 0) + 1,
      updatedAt: now.toISOString(),
    }
    const rate = ewma(old?.bytesPerSecond, observation.failed ? undefined : observation.bytesPerSecond)
    const rtt = ewma(old?.rttMs, observation.failed ? undefined : observation.rttMs)
    if (rate !== undefined) record.bytesPerSecond = Math.round(rate)
    if (rtt !== undefined) record.rttMs = Math.round(rtt * 1000) / 1000
    merged[key] = record
  }
  return merged
}

/** Re-reads the file, merges the observations and replaces the file atomically. */
export async function recordHostHistory(path: string, observations: readonly HostObservation[], signal?: AbortSignal): Promise<void> {
  if (observations.length === 0) return
  await mkdir(dirname(path), {recursive: true})
  const merged = mergeObservations(await loadHostHistory(path, signal), observations)
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`
  const handle = await open(temporary, 'wx')
  try {
    await handle.writeFile(JSON.stringify({version: VERSION, hosts: merged}, null, 1) + '\n', {signal})
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(temporary, {force: true})
    throw error
  }
  await handle.close()
  await rename(temporary, path)
}
