// Which vantages have a live worker: each worker refreshes a short-lived key, and a queued rank reads them to know where to measure from.
import type {Redis} from 'ioredis'
import {VANTAGE_PATTERN, vantageKey} from './names.js'

/** A worker is live while its key is; three missed refreshes and it is gone. */
export const HEARTBEAT_MS = 5000
const EXPIRES_MS = 3 * HEARTBEAT_MS

export function startHeartbeat(redis: Redis, vantage: string, workerId: string): () => Promise<void> {
  const key = vantageKey(vantage, workerId)
  const beat = () => redis.set(key, String(Date.now()), 'PX', EXPIRES_MS).catch(() => {})
  void beat()
  const timer = setInterval(() => void beat(), HEARTBEAT_MS)
  return async () => {
    clearInterval(timer)
    await redis.del(key).catch(() => {})
  }
}

/** The live vantages, sorted; SCAN with a bounded count keeps this cheap on a Redis shared with other work. */
export async function liveVantages(redis: Redis): Promise<string[]> {
  const names = new Set<string>()
  let cursor = '0'
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', VANTAGE_PATTERN, 'COUNT', 500)
    for (const key of keys) names.add(key.split(':')[2]!)
    cursor = next
    if (cursor === '0') break
  }
  return [...names].sort()
}
