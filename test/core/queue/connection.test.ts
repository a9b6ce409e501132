// Queue URLs: what is accepted, the clear error for the rest, and a password that never appears in any printed form.
import {describe, expect, it} from 'vitest'
import {parseQueueUrl} from '../../../src/core/queue/connection.js'
import {QueueError} from '../../../src/core/queue/queue-error.js'

describe('parseQueueUrl', () => {
  it('reads host, port, database and credentials, and prints the URL without the password', () => {
    const target = parseQueueUrl('redis://worker:s3cret@10.0.0.5:6380/3')
    expect(target.options).toMatchObject({host: '10.0.0.5', port: 6380, db: 3, username: 'worker', password: 's3cret'})
    expect(target.display).toBe('redis://worker:***@10.0.0.5:6380/3')
    expect(parseQueueUrl('rediss://q.example').options).toMatchObject({host: 'q.example', port: 6379, db: 0, tls: {servername: 'q.example'}})
  })

  it('refuses other schemes and bad databases with EQUEUEURL, never echoing the password', () => {
    for (const text of ['http://user:s3cret@host/0', 'redis://user:s3cret@host/x', 'not a url s3cret']) {
      let caught: unknown
      try {
        parseQueueUrl(text)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(QueueError)
      expect((caught as QueueError).code).toBe('EQUEUEURL')
      expect((caught as QueueError).exitCode).toBe(2)
      expect((caught as QueueError).message).not.toContain('s3cret')
    }
  })
})
