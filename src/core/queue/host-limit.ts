// A per-host limit shared by every worker through Redis: at most N checks of one mirror host at once, whoever runs them.
import type {Redis} from 'ioredis'
import {hostKey} from './names.js'

/**
 * Leases in a sorted set scored by expiry: a worker killed mid-check cannot hold its slot past the lease, and a
 * retried job (same id) takes its old lease back instead of waiting behind itself.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`

export class HostLimit {
  constructor(
    private readonly redis: Redis,
    /** Checks of one host at once, across all workers. */
    readonly perHost: number,
    /** Milliseconds a lease lasts unless released: longer than a check may run. */
    private readonly leaseMs: number,
  ) {}

  /** The limit is per host name and port: two ports of one machine are usually two servers. */
  static hostOf(url: string): string {
    return new URL(url).host.toLowerCase()
  }

  async acquire(url: string, token: string): Promise<boolean> {
    const granted = await this.redis.eval(ACQUIRE, 1, hostKey(HostLimit.hostOf(url)), Date.now(), this.leaseMs, this.perHost, token)
    return granted === 1
  }

  async release(url: string, token: string): Promise<void> {
    await this.redis.zrem(hostKey(HostLimit.hostOf(url)), token)
  }
}
