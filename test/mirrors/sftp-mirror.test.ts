// The local SFTP mirror's protocol and fault knobs, seen through a plain ssh2 client and the SFTP transport.
import ssh2, {type FileEntryWithStats, type SFTPWrapper} from 'ssh2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sftpTransport} from '../../src/plugins/transports/sftp.js'
import {makeContent} from '../helpers/content.js'
import {startSftpMirror, type SftpMirror} from '../helpers/sftp-mirror.js'
import {collect} from '../helpers/transport-calls.js'
import {holds, until} from '../helpers/until.js'

const content = makeContent(200 * 1024, 9)
const transport = sftpTransport.create({acceptUnknownHostKeys: true, connectTimeout: 5000})
let mirror: SftpMirror


const url = () => new URL(`sftp://mirror:pw@127.0.0.1:${mirror.port}/file.bin`)
const signal = () => AbortSignal.timeout(10_000)

/** A plain ssh2 session, to speak SFTP requests the transport never sends. */
async function session(config: ssh2.ConnectConfig): Promise<{sftp: SFTPWrapper; end(): void}> {
  const client = new ssh2.Client()
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.once('error', reject)
    client.once('ready', () => client.sftp((error, wrapper) => (error ? reject(error) : resolve(wrapper))))
    client.connect({host: '127.0.0.1', port: mirror.port, readyTimeout: 5000, ...config})
  })
  return {sftp, end: () => client.destroy()}
}

beforeAll(async () => {
  mirror = await startSftpMirror({files: {'file.bin': content, 'small.bin': content.subarray(0, 10)}, password: 'pw'})
})

afterAll(async () => {
  await mirror?.close()
})

describe('local SFTP mirror', () => {
  it('lists its root, resolves paths and refuses writes', async () => {
    const {sftp, end} = await session({username: 'mirror', password: 'pw'})
    try {
      const entries = await new Promise<FileEntryWithStats[]>((resolve, reject) => sftp.readdir('/', (error, list) => (error ? reject(error) : resolve(list))))
      expect(entries.map((entry) => [entry.filename, entry.attrs.size]).sort()).toEqual([['file.bin', content.length], ['small.bin', 10]])
      const real = await new Promise<string>((resolve, reject) => sftp.realpath('.', (error, path) => (error ? reject(error) : resolve(path))))
      expect(real).toBe('/')
      const write = await new Promise<unknown>((resolve) => sftp.open('/new.bin', 'w', (error) => resolve(error)))
      expect(write).toMatchObject({code: ssh2.utils.sftp.STATUS_CODE.PERMISSION_DENIED})
    } finally {
      end()
    }
  })

  it('refuses a wrong user or password', async () => {
    await expect(session({username: 'mirror', password: 'nope'})).rejects.toMatchObject({level: 'client-authentication'})
    await expect(session({username: 'other', password: 'pw'})).rejects.toMatchObject({level: 'client-authentication'})
  })

  it('caps bandwidth for the whole server', async () => {
    mirror.setFaults({bytesPerSecond: 400 * 1024})
    try {
      const started = performance.now()
      const bytes = await collect(transport.read(url(), {offset: 0, length: 200 * 1024}, {signal: signal()}))
      const seconds = (performance.now() - started) / 1000
      expect(bytes.equals(content)).toBe(true)
      expect(seconds).toBeGreaterThan(0.4)
      expect(seconds).toBeLessThan(5)
    } finally {
      mirror.setFaults({})
    }
  })

  it('flips corrupt offsets, delays the first byte and reports an overridden size', async () => {
    mirror.setFaults({corrupt: [0, 99_999], firstByteDelayMs: 300, size: 77})
    try {
      const started = performance.now()
      const bytes = await collect(transport.read(url(), {offset: 0, length: 100_000}, {signal: signal()}))
      expect(performance.now() - started).toBeGreaterThan(280)
      expect([...bytes.keys()].filter((index) => bytes[index] !== content[index])).toEqual([0, 99_999])
      expect((await transport.stat(url(), {signal: signal()})).size).toBe(77)
    } finally {
      mirror.setFaults({})
    }
  })

  it('stalls after the set byte count, and disconnects after another', async () => {
    mirror.setFaults({stallAfter: 30 * 1024})
    try {
      const controller = new AbortController()
      let received = 0
      const reading = (async () => {
        for await (const chunk of transport.read(url(), undefined, {signal: controller.signal})) received += chunk.length
      })().catch(() => undefined)
      // Wait (bounded) for the bytes before the stall, then check that nothing more comes.
      await until(() => received >= 30 * 1024, 'the bytes before the stall arrive')
      await holds(() => received === 30 * 1024, 'no byte arrives after the stall', 300)
      expect(received).toBe(30 * 1024)
      controller.abort()
      await reading
    } finally {
      mirror.setFaults({})
    }
    mirror.setFaults({disconnectAfter: 50_000})
    try {
      await expect(collect(transport.read(url(), undefined, {signal: signal()}))).rejects.toMatchObject({retryable: true})
    } finally {
      mirror.setFaults({})
    }
  })

  it('destroys every socket on close', async () => {
    const own = await startSftpMirror({files: {'file.bin': content}, faults: {stallAfter: 1}})
    const reading = collect(transport.read(new URL(`sftp://mirror:x@127.0.0.1:${own.port}/file.bin`), undefined, {signal: signal()})).catch((error: unknown) => error)
    // Stalled after one byte: the first READ was answered, so the session is open and waiting.
    await until(() => own.stats.reads > 0, 'the mirror answered a read')
    const started = performance.now()
    await own.close()
    expect(own.stats.openSockets).toBe(0)
    expect(await reading).toMatchObject({retryable: true})
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
