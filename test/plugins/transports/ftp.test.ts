// The FTP transport against the local FTP mirror: stat, exact ranged reads, clean aborts and error codes.
import {createServer, type Socket} from 'node:net'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {ftpTransport} from '../../../src/plugins/transports/ftp.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../../helpers/ftp-mirror.js'
import {describeTransportContract} from './contract.js'
import {collect, failure, socketsSettle} from '../../helpers/transport-calls.js'

const content = makeContent(300 * 1024 + 7, 11)
const transport = ftpTransport.create({connectTimeout: 5000})
let mirror: FtpMirror
let secured: FtpMirror




const signal = () => AbortSignal.timeout(10_000)

beforeAll(async () => {
  mirror = await startFtpMirror({files: {'file.bin': content, 'dir name/a b.bin': content.subarray(0, 100)}})
  secured = await startFtpMirror({files: {'file.bin': content}, user: 'alice', password: 'p@ss:word'})
})

// Closing drains the idle pool (the transport stays usable), so each case starts with no connection open.
afterEach(async () => {
  await transport.close()
})

afterAll(async () => {
  await transport.close()
  await mirror?.close()
  await secured?.close()
})

describe('ftp transport', () => {
  it('stats size, name, modification time, ranges and the HASH digest', async () => {
    const info = await transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()})
    expect(info.size).toBe(content.length)
    expect(info.name).toBe('file.bin')
    expect(info.modifiedAt?.toISOString()).toBe('2024-01-01T00:00:00.000Z')
    expect(info.acceptsRanges).toBe(true)
    expect(info.digests).toEqual([{algorithm: 'sha256', hex: sha256Hex(content)}])
  })

  it('falls back to the legacy XSHA256 command, and offers no digest when the server has none', async () => {
    mirror.setFaults({digests: 'legacy'})
    try {
      expect((await transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()})).digests).toEqual([{algorithm: 'sha256', hex: sha256Hex(content)}])
      mirror.setFaults({digests: 'none'})
      expect((await transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()})).digests).toEqual([])
    } finally {
      mirror.setFaults({})
    }
  })

  it('reads the whole file, and percent-decoded paths', async () => {
    expect(sha256Hex(await collect(transport.read(new URL(`${mirror.url}file.bin`), undefined, {signal: signal()})))).toBe(sha256Hex(content))
    const spaced = await collect(transport.read(new URL(`${mirror.url}dir%20name/a%20b.bin`), undefined, {signal: signal()}))
    expect(spaced.equals(content.subarray(0, 100))).toBe(true)
  })

  it('reads exactly the asked range and leaves no connection open', async () => {
    const bytes = await collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: 1000, length: 70_000}, {signal: signal()}))
    expect(bytes.equals(content.subarray(1000, 71_000))).toBe(true)
    const tail = await collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: content.length - 5, length: 5}, {signal: signal()}))
    expect(tail.equals(content.subarray(content.length - 5))).toBe(true)
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('reuses an idle login for stats, pings, and reads that ran to the end or stopped at their range', async () => {
    const before = mirror.stats.connections
    const fileUrl = new URL(`${mirror.url}file.bin`)
    await transport.stat(fileUrl, {signal: signal()})
    await expect(transport.stat(new URL(`${mirror.url}nope.bin`), {signal: signal()})).rejects.toMatchObject({code: 'ENOTFOUND'})
    await transport.ping!(fileUrl, {signal: signal()})
    expect((await collect(transport.read(fileUrl, undefined, {signal: signal()}))).length).toBe(content.length)
    await transport.stat(fileUrl, {signal: signal()})
    expect(mirror.stats.connections - before).toBe(1)
    await collect(transport.read(fileUrl, {offset: 0, length: 10}, {signal: signal()}))
    await transport.stat(fileUrl, {signal: signal()})
    expect(mirror.stats.connections - before).toBe(1)
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('keeps the login of a transfer stopped mid-stream: the next call waits for the server\'s 426 and gets its own answers', async () => {
    // Throttled, so every stop below lands while the server is still sending and answers the closed data connection with 426.
    mirror.setFaults({bytesPerSecond: 1024 * 1024})
    try {
      const before = mirror.stats.connections
      const fileUrl = new URL(`${mirror.url}file.bin`)
      for (const offset of [0, 5000, 123_457]) {
        const bytes = await collect(transport.read(fileUrl, {offset, length: 20_000}, {signal: signal()}))
        expect(bytes.equals(content.subarray(offset, offset + 20_000))).toBe(true)
      }
      // The consumer stopping early is the same as the range ending.
      for await (const chunk of transport.read(fileUrl, {offset: 1, length: 200_000}, {signal: signal()})) if (chunk.length > 0) break
      expect((await transport.stat(fileUrl, {signal: signal()})).size).toBe(content.length)
      await expect(transport.stat(new URL(`${mirror.url}nope.bin`), {signal: signal()})).rejects.toMatchObject({code: 'ENOTFOUND'})
      const last = await collect(transport.read(fileUrl, {offset: content.length - 30_000, length: 30_000}, {signal: signal()}))
      expect(last.equals(content.subarray(content.length - 30_000))).toBe(true)
      expect(mirror.stats.connections - before).toBe(1)
      // Two at once still need two logins; the one that comes back serves the call after.
      await Promise.all([0, 1].map((index) => collect(transport.read(fileUrl, {offset: index, length: 10_000}, {signal: signal()}))))
      expect(mirror.stats.connections - before).toBe(2)
      // Closing the transport while a stopped transfer's login is still coming back closes it too.
      for await (const chunk of transport.read(fileUrl, undefined, {signal: signal()})) if (chunk.length > 0) break
      await transport.close()
      expect(await socketsSettle(mirror)).toBe(0)
    } finally {
      mirror.setFaults({})
    }
  })

  it('on a server that sends no final reply after a stopped transfer, waits once, then closes such logins at once', async () => {
    mirror.setFaults({bytesPerSecond: 1024 * 1024, silentAfterClose: true})
    const probe = ftpTransport.create({connectTimeout: 5000})
    try {
      const fileUrl = new URL(`${mirror.url}file.bin`)
      const before = mirror.stats.connections
      const read = async (offset: number) => {
        const bytes = await collect(transport.read(fileUrl, {offset, length: 10_000}, {signal: signal()}))
        expect(bytes.equals(content.subarray(offset, offset + 10_000))).toBe(true)
      }
      // The second read waited for the first one's login until FINAL_REPLY_WAIT_MS gave it up; its own login is closed as
      // soon as it stops, with nothing for the next call to wait for. A login's round trips from another client let the
      // server see that close (the client finished it before the read returned): only the probe's login is left open.
      await read(0)
      await read(1000)
      await probe.stat(fileUrl, {signal: signal()})
      expect(mirror.stats.openSockets).toBe(1)
      await read(2000)
      // One login per read, and the probe's.
      expect(mirror.stats.connections - before).toBe(4)
    } finally {
      await probe.close()
      mirror.setFaults({})
    }
  })

  it('logs in with percent-decoded credentials from the URL and maps a bad password to EAUTH', async () => {
    const good = new URL(`ftp://alice:p%40ss%3Aword@127.0.0.1:${secured.port}/file.bin`)
    expect((await transport.stat(good, {signal: signal()})).size).toBe(content.length)
    const bad = new URL(`ftp://alice:wrong@127.0.0.1:${secured.port}/file.bin`)
    const error = await failure(transport.stat(bad, {signal: signal()}))
    expect(error.code).toBe('EAUTH')
    expect(error.retryable).toBe(false)
    expect(error.message).not.toContain('wrong')
  })

  it('maps 550 to ENOTFOUND (exit 3) and 421 to a retryable ETHROTTLED', async () => {
    const missing = await failure(transport.stat(new URL(`${mirror.url}nope.bin`), {signal: signal()}))
    expect([missing.code, missing.retryable, missing.exitCode]).toEqual(['ENOTFOUND', false, 3])
    const readMissing = await failure(collect(transport.read(new URL(`${mirror.url}nope.bin`), {offset: 0, length: 10}, {signal: signal()})))
    expect(readMissing.code).toBe('ENOTFOUND')
    mirror.setFaults({reply421: true})
    try {
      const busy = await failure(transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()}))
      expect([busy.code, busy.retryable, busy.retryAfter]).toEqual(['ETHROTTLED', true, 2])
    } finally {
      mirror.setFaults({})
    }
  })

  it('reports a data connection dropped early as a retryable ESHORT', async () => {
    mirror.setFaults({resetAfter: 50_000})
    try {
      const error = await failure(collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: 0, length: 200_000}, {signal: signal()})))
      expect([error.code, error.retryable]).toEqual(['ESHORT', true])
    } finally {
      mirror.setFaults({})
    }
  })

  it('stops promptly on abort mid-stream, with the signal reason, and releases both sockets', async () => {
    mirror.setFaults({stallAfter: 20_000})
    try {
      const controller = new AbortController()
      const reason = new Error('user stop')
      let received = 0
      const started = performance.now()
      const reading = (async () => {
        for await (const chunk of transport.read(new URL(`${mirror.url}file.bin`), undefined, {signal: controller.signal})) {
          received += chunk.length
          if (received >= 20_000) setTimeout(() => controller.abort(reason), 50)
        }
      })()
      await expect(reading).rejects.toBe(reason)
      expect(performance.now() - started).toBeLessThan(3000)
      expect(await socketsSettle(mirror)).toBe(0)
    } finally {
      mirror.setFaults({})
    }
  })

  it('reports a server without REST: no ranges in stat, ERANGE_UNSUPPORTED for an offset read, whole reads still work', async () => {
    mirror.setFaults({noRest: true})
    try {
      expect((await transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()})).acceptsRanges).toBe(false)
      const error = await failure(collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: 10, length: 10}, {signal: signal()})))
      expect([error.code, error.retryable]).toEqual(['ERANGE_UNSUPPORTED', false])
      const head = await collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: 0, length: 10}, {signal: signal()}))
      expect(head.equals(content.subarray(0, 10))).toBe(true)
    } finally {
      mirror.setFaults({})
    }
  })

  it('aborts at any moment of a read without leaving a late, unhandled failure behind', async () => {
    mirror.setFaults({bytesPerSecond: 4 * 1024 * 1024})
    try {
      const delays = [0, 1, 2, 5, 10, 20, 40, 80]
      const outcomes = await Promise.all(
        delays.map(async (delay) => {
          const controller = new AbortController()
          setTimeout(() => controller.abort(new Error(`stop at ${delay} ms`)), delay)
          return collect(transport.read(new URL(`${mirror.url}file.bin`), {offset: 0, length: 300_000}, {signal: controller.signal})).then(
            () => 'done',
            (error: Error) => error.message,
          )
        }),
      )
      expect(outcomes.filter((outcome) => outcome !== 'done').every((outcome) => outcome.startsWith('stop at'))).toBe(true)
      await transport.close()
      expect(await socketsSettle(mirror)).toBe(0)
    } finally {
      mirror.setFaults({})
    }
  })

  it('turns a malformed percent-escape into EURL before connecting', async () => {
    const before = mirror.stats.connections
    await expect(transport.stat(new URL(`${mirror.url}bad%zz.bin`), {signal: signal()})).rejects.toMatchObject({code: 'EURL', exitCode: 2})
    await expect(collect(transport.read(new URL(`${mirror.url}bad%zz.bin`), undefined, {signal: signal()}))).rejects.toMatchObject({code: 'EURL'})
    expect(mirror.stats.connections).toBe(before)
  })

  it('maps a server that accepts but never greets to a retryable ETIMEDOUT after connectTimeout', async () => {
    const sockets: Socket[] = []
    const silent = createServer((socket) => void sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const port = (silent.address() as {port: number}).port
      const started = performance.now()
      const error = await failure(ftpTransport.create({connectTimeout: 300}).stat(new URL(`ftp://127.0.0.1:${port}/f.bin`), {signal: signal()}))
      expect([error.code, error.retryable]).toEqual(['ETIMEDOUT', true])
      expect(performance.now() - started).toBeLessThan(5000)
    } finally {
      // A net.Server's close waits for its connections: end the one the client may have left.
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('maps a refused connection to ECONNREFUSED and times a NOOP ping', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as {port: number}).port
    await new Promise((resolve) => probe.close(resolve))
    const refused = await failure(transport.stat(new URL(`ftp://127.0.0.1:${port}/file.bin`), {signal: signal()}))
    expect([refused.code, refused.retryable]).toEqual(['ECONNREFUSED', true])
    // The ping times one NOOP inside the call: more than nothing, no more than the whole call (a wall-clock bound would
    // judge the machine's load, not the transport).
    const noops = mirror.stats.commands.NOOP ?? 0
    const started = performance.now()
    const milliseconds = await transport.ping!(new URL(`${mirror.url}file.bin`), {signal: signal()})
    const call = performance.now() - started
    expect(milliseconds).toBeGreaterThan(0)
    expect(milliseconds).toBeLessThanOrEqual(call)
    expect((mirror.stats.commands.NOOP ?? 0) - noops).toBe(1)
  })
})

describe('ftp transport on a server without SIZE', () => {
  const listedAt = new Date('2023-05-06T07:08:09Z')
  let bare: FtpMirror
  const at = (path: string) => new URL(`${bare.url}${path}`)
  const counted = (verb: string) => bare.stats.commands[verb] ?? 0

  beforeAll(async () => {
    bare = await startFtpMirror({
      files: {'file.bin': content, 'pub/f.iso': content.subarray(0, 3000), 'dir name/a b.bin': content.subarray(0, 100), 'iso/iso/x.bin': content.subarray(0, 5)},
      faults: {noSize: true},
      modifiedAt: listedAt,
    })
  })

  afterEach(() => {
    bare.setFaults({noSize: true})
  })

  afterAll(async () => {
    await transport.close()
    await bare?.close()
  })

  it('stats a file from its LIST line after SIZE answers 502: exact size, MDTM time, digest, one listing', async () => {
    const [sizes, lists, data] = [counted('SIZE'), counted('LIST'), bare.stats.dataConnections]
    const info = await transport.stat(at('file.bin'), {signal: signal()})
    expect(info.size).toBe(content.length)
    expect(info.name).toBe('file.bin')
    expect(info.modifiedAt?.toISOString()).toBe(listedAt.toISOString())
    expect(info.digests).toEqual([{algorithm: 'sha256', hex: sha256Hex(content)}])
    expect([counted('SIZE') - sizes, counted('LIST') - lists, bare.stats.dataConnections - data]).toEqual([1, 1, 1])
    expect((await transport.stat(at('pub/f.iso'), {signal: signal()})).size).toBe(3000)
    expect((await transport.stat(at('dir%20name/a%20b.bin'), {signal: signal()})).size).toBe(100)
  })

  it('still stats the file when MDTM is missing too, with no modification time', async () => {
    bare.setFaults({noSize: true, noMdtm: true})
    const info = await transport.stat(at('pub/f.iso'), {signal: signal()})
    expect([info.size, info.modifiedAt]).toEqual([3000, undefined])
  })

  it('reads the whole file, and a range, byte for byte from a server without SIZE', async () => {
    const whole = await collect(transport.read(at('file.bin'), undefined, {signal: signal()}))
    expect(whole.length).toBe(content.length)
    expect(whole.equals(content)).toBe(true)
    const middle = await collect(transport.read(at('file.bin'), {offset: 4321, length: 100_000}, {signal: signal()}))
    expect(middle.equals(content.subarray(4321, 104_321))).toBe(true)
  })

  it('reports a missing file, a hidden file and a directory as ENOTFOUND (exit 3), on one reused login', async () => {
    const before = bare.stats.connections
    const missing = await failure(transport.stat(at('nope.bin'), {signal: signal()}))
    expect([missing.code, missing.retryable, missing.exitCode]).toEqual(['ENOTFOUND', false, 3])
    expect(missing.message).toMatch(/no such file \(not in the LIST reply\)/)
    expect((await failure(transport.stat(at('pub'), {signal: signal()}))).code).toBe('ENOTFOUND')
    // "LIST iso" shows the directory's one entry, itself a directory named "iso": not the file asked for.
    const directory = await failure(transport.stat(at('iso'), {signal: signal()}))
    expect([directory.code, directory.exitCode]).toEqual(['ENOTFOUND', 3])
    expect(directory.message).toContain('LIST shows a directory')
    bare.setFaults({noSize: true, reply550: ['pub/f.iso']})
    expect((await failure(transport.stat(at('pub/f.iso'), {signal: signal()}))).code).toBe('ENOTFOUND')
    expect((await transport.stat(at('file.bin'), {signal: signal()})).size).toBe(content.length)
    expect(bare.stats.connections - before).toBe(1)
  })

  it('uses MLST when FEAT lists it: the size and its modify time, without a data connection; a directory is ENOTFOUND', async () => {
    bare.setFaults({noSize: true, noMdtm: true, mlst: true})
    const [mlsts, lists, data] = [counted('MLST'), counted('LIST') + counted('MLSD'), bare.stats.dataConnections]
    const info = await transport.stat(at('dir%20name/a%20b.bin'), {signal: signal()})
    expect([info.size, info.modifiedAt?.toISOString()]).toEqual([100, listedAt.toISOString()])
    expect([counted('MLST') - mlsts, counted('LIST') + counted('MLSD') - lists, bare.stats.dataConnections - data]).toEqual([1, 0, 0])
    const directory = await failure(transport.stat(at('pub'), {signal: signal()}))
    expect([directory.code, directory.exitCode]).toEqual(['ENOTFOUND', 3])
    expect(directory.message).toContain('MLST shows a directory')
    expect((await failure(transport.stat(at('nope.bin'), {signal: signal()}))).code).toBe('ENOTFOUND')
  })

  it('fails with a clear EFTP when the listed size is not a non-negative integer', async () => {
    bare.setFaults({noSize: true, size: 1e20})
    const huge = await failure(transport.stat(at('file.bin'), {signal: signal()}))
    expect([huge.code, huge.retryable]).toEqual(['EFTP', false])
    expect(huge.message).toContain('LIST reply gives no usable size (100000000000000000000)')
    bare.setFaults({noSize: true, size: -1})
    const unreadable = await failure(transport.stat(at('file.bin'), {signal: signal()}))
    expect([unreadable.code, unreadable.retryable]).toEqual(['EFTP', false])
    expect(unreadable.message).toContain('LIST reply is in a format mirrorkit cannot read')
    // A login caches FEAT: start a new one so it sees MLST.
    await transport.close()
    bare.setFaults({noSize: true, mlst: true, size: -1})
    const negative = await failure(transport.stat(at('file.bin'), {signal: signal()}))
    expect([negative.code, negative.retryable]).toEqual(['EFTP', false])
    expect(negative.message).toContain('MLST reply gives no usable size (-1)')
  })
})

describe('ftp transport on a server with SIZE', () => {
  it('asks SIZE alone: no MLST, no listing, even when MLST is offered, and a 550 does not fall back', async () => {
    mirror.setFaults({mlst: true, size: 123})
    try {
      const counted = (verb: string) => mirror.stats.commands[verb] ?? 0
      const before = [counted('SIZE'), counted('MLST'), counted('LIST') + counted('MLSD'), mirror.stats.dataConnections]
      expect((await transport.stat(new URL(`${mirror.url}file.bin`), {signal: signal()})).size).toBe(123)
      expect((await failure(transport.stat(new URL(`${mirror.url}nope.bin`), {signal: signal()}))).code).toBe('ENOTFOUND')
      const after = [counted('SIZE'), counted('MLST'), counted('LIST') + counted('MLSD'), mirror.stats.dataConnections]
      expect(after.map((count, index) => count - (before[index] ?? 0))).toEqual([2, 0, 0, 0])
    } finally {
      mirror.setFaults({})
    }
  })
})

describeTransportContract('ftp (local mirror)', async () => {
  const plain = await startFtpMirror({files: {'contract file.bin': content}})
  const dropping = await startFtpMirror({files: {'file.bin': content}, faults: {resetAfter: 40_000}})
  const guarded = await startFtpMirror({files: {'file.bin': content}, user: 'bob', password: 'right'})
  return {
    transport: ftpTransport.create({connectTimeout: 5000}),
    fileUrl: new URL(`${plain.url}contract%20file.bin`),
    content,
    missingUrl: new URL(`${plain.url}missing.bin`),
    closesMidStreamUrl: new URL(`${dropping.url}file.bin`),
    badCredentialsUrl: new URL(`ftp://bob:wrong@127.0.0.1:${guarded.port}/file.bin`),
    async teardown() {
      await Promise.all([plain.close(), dropping.close(), guarded.close()])
    },
  }
})
