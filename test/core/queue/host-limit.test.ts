// The per-host limit in Redis: N leases per host across clients, a retried job takes its own lease back, leases lapse, release frees a slot.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Redis} from 'ioredis'
import {parseQueueUrl, openRedis} from '../../../src/core/queue/connection.js'
import {HostLimit} from '../../../src/core/queue/host-limit.js'
import {redisTier, startRedisServer, type RedisServer} from '../../helpers/queue-fixture.js'
import {until} from '../../helpers/until.js'

const available = redisTier('host-limit')
let server: RedisServer
let first: Redis
let second: Redis

beforeAll(async () => {
  if (!available) return
  server = await startRedisServer({persistent: false})
  first = await openRedis(parseQueueUrl(server.url), false)
  second = await openRedis(parseQueueUrl(server.url), false)
})

afterAll(async () => {
  if (!available) return
  first?.disconnect()
  second?.disconnect()
  await server?.close()
})

describe.skipIf(!available)('HostLimit', () => {
  it('grants N leases per host across clients and frees them on release', async () => {
    const one = new HostLimit(first, 2, 60_000)
    const two = new HostLimit(second, 2, 60_000)
    expect(await one.acquire('http://m.example/a', 'job-1')).toBe(true)
    expect(await two.acquire('http://m.example/b', 'job-2')).toBe(true)
    expect(await two.acquire('http://m.example/c', 'job-3')).toBe(false)
    // Another port is another host; the same job asking again keeps its lease.
    expect(await two.acquire('http://m.example:8080/c', 'job-3')).toBe(true)
    expect(await one.acquire('http://m.example/a', 'job-1')).toBe(true)
    await one.release('http://m.example/a', 'job-1')
    expect(await two.acquire('http://m.example/c', 'job-3')).toBe(true)
  })

  it('lets a dead holder\'s lease lapse', async () => {
    const short = new HostLimit(first, 1, 100)
    expect(await short.acquire('http://lapse.example/', 'dead')).toBe(true)
    expect(await short.acquire('http://lapse.example/', 'next')).toBe(false)
    await until(() => short.acquire('http://lapse.example/', 'next'), 'the dead lease lapses', {timeout: 2000, interval: 25})
  })
})
