// Parses a --queue URL (redis:// or rediss://) into connection options, and opens plain Redis clients lazily so commands that never queue never load ioredis.
import type {Redis, RedisOptions} from 'ioredis'
import {loadIoredis} from './load-queue-library.js'
import {redactUrl} from '../redact.js'
import {QueueError} from './queue-error.js'

export type QueueTarget = {
  /** What BullMQ and ioredis are given. */
  options: RedisOptions
  /** The URL with any password replaced: the only form that is ever printed. */
  display: string
}

/** `redis://[user:password@]host[:port][/db]`; the password is never echoed, not even in the error. */
export function parseQueueUrl(text: string): QueueTarget {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new QueueError('the queue must be a URL like redis://127.0.0.1:6379/0', 'EQUEUEURL')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueError(`the queue URL must start with redis:// or rediss:// (got ${url.protocol.replace(/:$/, '')}://)`, 'EQUEUEURL')
  }
  const db = url.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new QueueError(`the queue URL's database must be a number (got "${db}")`, 'EQUEUEURL')
  const options: RedisOptions = {host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: url.port ? Number(url.port) : 6379, db: db === '' ? 0 : Number(db)}
  if (url.username) options.username = decodeURIComponent(url.username)
  if (url.password) options.password = decodeURIComponent(url.password)
  if (url.protocol === 'rediss:') options.tls = {servername: url.hostname}
  return {options, display: redactUrl(url)}
}

/**
 * A plain client for mirrorkit's own keys (plans, leases, vantages). `persistent` clients (workers) wait out a
 * Redis restart; others give up after a few retries so a command fails with a clear error instead of hanging.
 */
export async function openRedis(target: QueueTarget, persistent: boolean): Promise<Redis> {
  const {Redis: Client} = loadIoredis()
  const client = new Client({...target.options, lazyConnect: true, maxRetriesPerRequest: persistent ? null : 20, connectTimeout: 5000})
  // ioredis reconnects by itself; an 'error' listener keeps a refused reconnect from being an unhandled event.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    throw new QueueError(`cannot reach Redis at ${target.display}`, 'EQUEUE', error)
  }
  return client
}

/** Options for BullMQ's own connections; workers wait out a Redis restart (BullMQ requires null retries there). */
export function bullConnection(target: QueueTarget, persistent: boolean): RedisOptions {
  return {...target.options, maxRetriesPerRequest: persistent ? null : 20, connectTimeout: 5000}
}
