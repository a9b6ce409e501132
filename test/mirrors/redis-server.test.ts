// The private redis-server: starts on a loopback port, keeps its data across a restart (append-only file), and leaves nothing behind.
import {existsSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {findRedisServer, startRedisServer, type RedisServer} from '../../src/mirrors/redis-server.js'

const available = findRedisServer() !== undefined
// In CI a skipped tier is a failure, as for the interop tier: .ci/run installs redis-server.
if (!available && process.env.CI === 'true') throw new Error('redis-server: cannot run, redis-server is not installed (apt-get install redis-server)')
if (!available) console.warn('redis-server: skipped, redis-server is not installed (apt-get install redis-server)')
let server: RedisServer | undefined

afterAll(async () => {
  await server?.close()
})

describe.skipIf(!available)('startRedisServer', () => {
  it('serves on 127.0.0.1, keeps a key across restart, and removes its directory on close', async () => {
    server = await startRedisServer()
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\/0$/)
    const {Redis} = await import('ioredis')
    const client = new Redis(server.url, {maxRetriesPerRequest: null})
    client.on('error', () => {})
    try {
      await client.set('k', 'v')
      await server.restart()
      expect(await client.get('k')).toBe('v')
    } finally {
      client.disconnect()
    }
    const {directory} = server
    await server.close()
    server = undefined
    expect(existsSync(directory)).toBe(false)
  }, 30_000)
})
